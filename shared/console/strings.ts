/**
 * The words every part of the console shows (the frame, navigation, errors, signing in, and what
 * more than one page group uses), in English and Swedish; each page group adds its own words in a
 * module of its own (mailing-strings.ts, wizard-strings.ts, contact-strings.ts, type-strings.ts,
 * admin-strings.ts), so a group's function carries only its words. Placeholders in braces are
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
  columns: {
    name: 'Name',
    status: 'Status',
    created: 'Created',
    type: 'Subscription type',
    email: 'E-mail',
    verdict: 'Verdict',
    reason: 'Reason',
    count: 'People',
    when: 'When',
    change: 'Change',
    from: 'From',
    to: 'To',
    source: 'How',
    actor: 'Who',
    evidence: 'Evidence',
    members: 'Members',
    description: 'Description',
    public: 'Public',
    archived: 'Archived',
    outcome: 'Outcome',
    rate: 'Rate',
    threshold: 'SES review threshold',
    date: 'Date',
    subscribers: 'Subscribers',
  },
  chooseType: 'Choose a type',
  counts: {
    eligible: 'To be sent',
    excluded: 'Excluded',
    queued: 'Queued',
    sent: 'Sent',
    delivered: 'Delivered',
    bounced: 'Bounced',
    complained: 'Complained',
    failed: 'Failed',
    unsubscribed: 'Unsubscribed',
  } as Record<string, string>,
  chartAlt: 'Bar chart: {summary}. The same figures are in the table beside it.',
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
  columns: {
    name: 'Namn',
    status: 'Status',
    created: 'Skapat',
    type: 'Prenumerationstyp',
    email: 'E-post',
    verdict: 'Beslut',
    reason: 'Skäl',
    count: 'Personer',
    when: 'När',
    change: 'Ändring',
    from: 'Från',
    to: 'Till',
    source: 'Hur',
    actor: 'Vem',
    evidence: 'Bevis',
    members: 'Medlemmar',
    description: 'Beskrivning',
    public: 'Publik',
    archived: 'Arkiverad',
    outcome: 'Utfall',
    rate: 'Andel',
    threshold: 'SES granskningsgräns',
    date: 'Datum',
    subscribers: 'Prenumeranter',
  },
  chooseType: 'Välj en typ',
  counts: {
    eligible: 'Ska skickas',
    excluded: 'Uteslutna',
    queued: 'I kö',
    sent: 'Skickade',
    delivered: 'Levererade',
    bounced: 'Studsade',
    complained: 'Klagomål',
    failed: 'Misslyckade',
    unsubscribed: 'Avregistrerade',
  },
  chartAlt: 'Stapeldiagram: {summary}. Samma siffror finns i tabellen bredvid.',
  find: 'Sök',
  name: 'Namn',
  locale: 'Språk',
  interests: 'Intressen',
};

export const consoleStrings: Record<ConsoleLanguage, ConsoleStrings> = { en, sv };

/**
 * A page group's words over those every page shows, by language (a second set adds to the first).
 * Call it marked pure: a module every group imports (session-pages.ts) can then hold words only one
 * group's bundle keeps.
 */
export const withSharedWords = <A extends object, B extends object = Record<never, never>>(
  words: Record<ConsoleLanguage, A>,
  more?: Record<ConsoleLanguage, B>,
): Record<ConsoleLanguage, ConsoleStrings & A & B> => ({
  en: { ...consoleStrings.en, ...words.en, ...(more?.en as B) },
  sv: { ...consoleStrings.sv, ...words.sv, ...(more?.sv as B) },
});
