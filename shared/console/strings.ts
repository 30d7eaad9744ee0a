/**
 * The words every part of the console shows (the frame, navigation, errors, and a few that several
 * page groups use), in English and Swedish; each page group adds its own words in a module of its
 * own (session-, mailing-, wizard-, review-, contact-, type-, list- and admin-strings.ts), and the
 * tables' headings one by one (table-strings.ts), so a group's function carries only its words. Placeholders in braces are
 * filled by the templates after escaping (shared/pages/strings.ts `fill`). Pure.
 */
import { fromAcceptLanguage } from '#shared/domain/i18n.ts';

export const consoleLanguages = ['en', 'sv'] as const;
export type ConsoleLanguage = (typeof consoleLanguages)[number];

/** The browser's first language the console speaks, else English. */
export const consoleLanguage = (acceptLanguage: string | undefined): ConsoleLanguage =>
  fromAcceptLanguage(acceptLanguage) === 'sv' ? 'sv' : 'en';

const en = {
  product: 'Subscription Center',
  skip: 'Skip to content',
  navLabel: 'Console',
  nav: {
    mailings: 'Mailings',
    contacts: 'Contacts',
    types: 'Subscription types',
    lists: 'Lists',
    suppressions: 'Suppressions',
    settings: 'Settings',
  },
  roles: { admin: 'administrator', marketer: 'marketer' },
  signOut: 'Sign out',
  next: 'Next',
  save: 'Save',
  none: '—',
  fixFields: 'Some fields need a change: see the messages beside them.',
  notAllowed: 'Your role may not do this. Ask an administrator.',
  csrfFailed:
    'This form expired or did not come from this console page. Go back, reload the page and try again.',
  notFoundTitle: 'Not found',
  notFoundText: 'There is nothing here, or it was deleted.',
  errorTitle: 'Something went wrong',
  errorText:
    'Something went wrong on our side. Nothing was changed by the part that failed; please try again.',
  badRequestTitle: 'That request could not be read',
  conflictTitle: 'Someone changed this first',
  forbiddenTitle: 'Not allowed',
  tooManyTitle: 'Too many requests',
  tooManyText: 'Please wait a moment and try again.',
  toConsole: 'Back to the console',
  chooseType: 'Choose a type',
  find: 'Find',
  name: 'Name',
  locale: 'Language',
  interests: 'Interests',
};

export type ConsoleStrings = typeof en;

const sv: ConsoleStrings = {
  product: 'Subscription Center',
  skip: 'Hoppa till innehållet',
  navLabel: 'Konsol',
  nav: {
    mailings: 'Utskick',
    contacts: 'Kontakter',
    types: 'Prenumerationstyper',
    lists: 'Listor',
    suppressions: 'Spärrar',
    settings: 'Inställningar',
  },
  roles: { admin: 'administratör', marketer: 'marknadsförare' },
  signOut: 'Logga ut',
  next: 'Nästa',
  save: 'Spara',
  none: '—',
  fixFields: 'Några fält behöver ändras: se meddelandena bredvid dem.',
  notAllowed: 'Din roll får inte göra detta. Fråga en administratör.',
  csrfFailed:
    'Formuläret har gått ut eller kom inte från den här sidan. Gå tillbaka, ladda om sidan och försök igen.',
  notFoundTitle: 'Hittades inte',
  notFoundText: 'Det finns inget här, eller så har det tagits bort.',
  errorTitle: 'Något gick fel',
  errorText: 'Något gick fel hos oss. Det som misslyckades ändrade ingenting; försök igen.',
  badRequestTitle: 'Begäran kunde inte läsas',
  conflictTitle: 'Någon hann ändra först',
  forbiddenTitle: 'Inte tillåtet',
  tooManyTitle: 'För många förfrågningar',
  tooManyText: 'Vänta en stund och försök igen.',
  toConsole: 'Tillbaka till konsolen',
  chooseType: 'Välj en typ',
  find: 'Sök',
  name: 'Namn',
  locale: 'Språk',
  interests: 'Intressen',
};

export const consoleStrings: Record<ConsoleLanguage, ConsoleStrings> = { en, sv };

/** The words of several sets by language, merged (a later set adds to, or overrides, an earlier one). */
type Merged<S extends readonly object[]> = S extends readonly [infer First, ...infer Rest extends object[]]
  ? First & Merged<Rest>
  : unknown;

/**
 * A page group's words over those every page shows, by language (each further set adds to those
 * before it). Call it marked pure: a module every group imports (session-pages.ts) can then hold
 * words only one group's bundle keeps.
 */
export const withSharedWords = <const S extends readonly Record<ConsoleLanguage, object>[]>(
  ...sets: S
): Record<ConsoleLanguage, ConsoleStrings & Merged<{ [K in keyof S]: S[K][ConsoleLanguage] }>> => {
  const merged = (language: ConsoleLanguage) =>
    Object.assign({}, consoleStrings[language], ...sets.map((set) => set[language]));
  return { en: merged('en'), sv: merged('sv') };
};
