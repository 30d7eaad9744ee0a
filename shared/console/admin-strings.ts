/**
 * The words of the suppression and settings pages, in English and Swedish, with the words
 * every page shows (strings.ts). Pure.
 */
import { type ConsoleLanguage, withSharedWords } from './strings.ts';
import { suppressionWords } from './suppression-strings.ts';

const en = {
  email: 'E-mail address',
  // Suppressions
  suppressionsTitle: 'Suppressions',
  suppressionsIntro: 'Suppressed addresses get no mailing, whatever the override says.',
  findSuppression: 'Find an address',
  notSuppressed: 'This address is not suppressed.',
  suppressedSince: 'Suppressed since {at}: {reason}',
  addSuppression: 'Suppress an address (administrators)',
  suppressionReason: 'Reason',
  suppress: 'Suppress',
  suppressed: 'The address is suppressed.',
  lift: 'Lift the suppression',
  lifted: 'The suppression is lifted.',
  // Settings
  settingsTitle: 'Settings',
  privacyTitle: 'E-marketing privacy filter',
  privacyOn: 'On: only people with e-marketing consent and a subscription to the mailing’s type get it.',
  privacyOff: 'Off: consent and subscriptions are not checked (suppressed addresses still get nothing).',
  privacyChanged: 'Last changed {when} by the key {who}.',
  privacyNeverChanged: 'Never changed: on by default.',
  privacyAdminOnly: 'Only an administrator can change this setting.',
  privacySwitch: 'Privacy filter',
  privacyTurnOn: 'On',
  privacyTurnOff: 'Off',
  privacySaved: 'The privacy filter is now {state}.',
  stateOn: 'on',
  stateOff: 'off',
  bounceTitle: 'Bounce policy',
  bounceIntro:
    'What bad feedback does to an address: after how many events within how many days, which action.',
  bounceKinds: { hard: 'Hard bounces', soft: 'Soft bounces', complaint: 'Complaints' } as Record<
    string,
    string
  >,
  bounceCount: 'Events',
  bounceWindow: 'Within days',
  bounceAction: 'Action',
  bounceActions: {
    none: 'Nothing',
    suppress: 'Suppress the address',
    suppress_and_withdraw: 'Suppress and withdraw consent',
  } as Record<string, string>,
  bounceSaved: 'The bounce policy is saved.',
};

const sv: typeof en = {
  email: 'E-postadress',
  suppressionsTitle: 'Spärrar',
  suppressionsIntro: 'Spärrade adresser får inga utskick, vad undantaget än säger.',
  findSuppression: 'Sök en adress',
  notSuppressed: 'Adressen är inte spärrad.',
  suppressedSince: 'Spärrad sedan {at}: {reason}',
  addSuppression: 'Spärra en adress (administratörer)',
  suppressionReason: 'Skäl',
  suppress: 'Spärra',
  suppressed: 'Adressen är spärrad.',
  lift: 'Häv spärren',
  lifted: 'Spärren är hävd.',
  settingsTitle: 'Inställningar',
  privacyTitle: 'Integritetsfilter för e-marknadsföring',
  privacyOn: 'På: bara personer med samtycke och prenumeration på utskickets typ får det.',
  privacyOff: 'Av: samtycke och prenumerationer kontrolleras inte (spärrade adresser får ändå inget).',
  privacyChanged: 'Senast ändrat {when} av nyckeln {who}.',
  privacyNeverChanged: 'Aldrig ändrat: på som standard.',
  privacyAdminOnly: 'Bara en administratör kan ändra inställningen.',
  privacySwitch: 'Integritetsfilter',
  privacyTurnOn: 'På',
  privacyTurnOff: 'Av',
  privacySaved: 'Integritetsfiltret är nu {state}.',
  stateOn: 'på',
  stateOff: 'av',
  bounceTitle: 'Studspolicy',
  bounceIntro:
    'Vad dålig återkoppling gör med en adress: efter hur många händelser inom hur många dagar, vilken åtgärd.',
  bounceKinds: { hard: 'Hårda studsar', soft: 'Mjuka studsar', complaint: 'Klagomål' },
  bounceCount: 'Händelser',
  bounceWindow: 'Inom dagar',
  bounceAction: 'Åtgärd',
  bounceActions: {
    none: 'Ingenting',
    suppress: 'Spärra adressen',
    suppress_and_withdraw: 'Spärra och återkalla samtycket',
  },
  bounceSaved: 'Studspolicyn är sparad.',
};

export const adminStrings = /* @__PURE__ */ withSharedWords(suppressionWords, { en, sv });

export type AdminStrings = (typeof adminStrings)[ConsoleLanguage];
