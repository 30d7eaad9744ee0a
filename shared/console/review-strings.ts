/**
 * The words of the mailing wizard's last two steps, in English and Swedish, each with the wizard's
 * frame (wizard-strings.ts): the recipients (the report, with the reasons an address is suppressed,
 * and the consent override), and the send. Two sets, as the two steps are two functions. Pure.
 */
import { stepWords } from './mailing-strings.ts';
import { type ConsoleLanguage, withSharedWords } from './strings.ts';
import {
  columnsOf,
  countColumn,
  emailColumn,
  reasonColumn,
  statusColumn,
  verdictColumn,
} from './table-strings.ts';

import { suppressionWords } from './suppression-strings.ts';
import { wizardFrameWords } from './wizard-strings.ts';

const en = {
  recipientsSummary: '{eligible} of {total} people on the list will get this mailing; {excluded} will not.',
  countsIncomplete: 'The counts cover the first 50,000 people of the list.',
  countsByReason: 'People per reason',
  filterLabel: 'Show',
  everyone: 'Everyone',
  verdicts: { included: 'Gets it', excluded: 'Excluded' },
  reasons: {
    eligible: 'Consented and subscribed',
    privacy_off: 'Privacy filter is off',
    override: 'Reached by the consent override',
    invalid_email: 'Not a valid address',
    suppressed: 'Suppressed address',
    no_consent: 'No e-marketing consent',
    unsubscribed: 'Unsubscribed from this type',
    not_subscribed: 'Never subscribed to this type',
    erased: 'Erased',
  } as Record<string, string>,
  rowStatuses: {
    pending: 'Not sent yet',
    queued: 'Queued',
    sending: 'Sending',
    sent: 'Sent',
    delivered: 'Delivered',
    bounced: 'Bounced',
    complained: 'Complained',
    failed: 'Failed',
    skipped: 'Not sent',
  } as Record<string, string>,
  recipientRows: 'Recipients',
  nextPage: 'Next page',
  firstPage: 'First page',
  noRows: 'Nobody here.',
  overrideLegend: 'Consent override (administrators only)',
  overrideLabel:
    'Send to everyone on the list, whatever their consent and subscriptions (suppressed addresses never get it)',
  overrideReach: 'The override would reach {more} more people: {with} in all instead of {without}.',
  overrideReason: 'Why this mailing must reach everyone (kept in the audit log)',
  overrideSave: 'Save the override choice',
  overrideIsOn: 'The consent override is on. Reason: {reason}',
  overrideNeedsAdmin: 'This draft has the consent override on: only an administrator can send it.',
  toSend: 'Continue to sending',
};

const sv: typeof en = {
  recipientsSummary: '{eligible} av {total} personer på listan får utskicket; {excluded} får det inte.',
  countsIncomplete: 'Siffrorna gäller listans första 50 000 personer.',
  countsByReason: 'Personer per skäl',
  filterLabel: 'Visa',
  everyone: 'Alla',
  verdicts: { included: 'Får det', excluded: 'Utesluten' },
  reasons: {
    eligible: 'Har samtyckt och prenumererar',
    privacy_off: 'Integritetsfiltret är av',
    override: 'Nås genom samtyckesundantaget',
    invalid_email: 'Ogiltig adress',
    suppressed: 'Spärrad adress',
    no_consent: 'Inget samtycke till e-marknadsföring',
    unsubscribed: 'Har avslutat prenumerationen på typen',
    not_subscribed: 'Har aldrig prenumererat på typen',
    erased: 'Raderad',
  },
  rowStatuses: {
    pending: 'Inte skickat än',
    queued: 'I kö',
    sending: 'Skickas',
    sent: 'Skickat',
    delivered: 'Levererat',
    bounced: 'Studsade',
    complained: 'Klagomål',
    failed: 'Misslyckades',
    skipped: 'Skickas inte',
  },
  recipientRows: 'Mottagare',
  nextPage: 'Nästa sida',
  firstPage: 'Första sidan',
  noRows: 'Ingen här.',
  overrideLegend: 'Samtyckesundantag (endast administratörer)',
  overrideLabel:
    'Skicka till alla på listan oavsett samtycke och prenumerationer (spärrade adresser får det aldrig)',
  overrideReach: 'Undantaget skulle nå {more} fler personer: {with} totalt i stället för {without}.',
  overrideReason: 'Varför utskicket måste nå alla (sparas i granskningsloggen)',
  overrideSave: 'Spara valet om undantag',
  overrideIsOn: 'Samtyckesundantaget är på. Skäl: {reason}',
  overrideNeedsAdmin: 'Utkastet har samtyckesundantaget på: bara en administratör kan skicka det.',
  toSend: 'Fortsätt till utskick',
};

export const recipientsStrings = /* @__PURE__ */ withSharedWords(
  stepWords,
  wizardFrameWords,
  suppressionWords,
  /* @__PURE__ */ columnsOf({
    count: countColumn,
    email: emailColumn,
    reason: reasonColumn,
    status: statusColumn,
    verdict: verdictColumn,
  }),
  { en, sv },
);

export type RecipientsStrings = (typeof recipientsStrings)[ConsoleLanguage];

const sendEn = {
  sendConfirm:
    'Send “{name}” now to {eligible} people? {excluded} people on the list are excluded and get nothing.',
  sendWithOverride: 'The consent override is on: {override} of them are reached only because of it.',
  sendNobody: 'Nobody on the list would get this mailing. Change the list or the type first.',
  sendNow: 'Send now',
  alreadySent: 'This mailing was already sent, perhaps from another tab.',
  overrideForbidden: 'Only an administrator can send a mailing with the consent override on.',
};

const sendSv: typeof sendEn = {
  sendConfirm:
    'Skicka ”{name}” nu till {eligible} personer? {excluded} personer på listan är uteslutna och får inget.',
  sendWithOverride: 'Samtyckesundantaget är på: {override} av dem nås bara tack vare det.',
  sendNobody: 'Ingen på listan skulle få utskicket. Ändra listan eller typen först.',
  sendNow: 'Skicka nu',
  alreadySent: 'Utskicket har redan skickats, kanske från en annan flik.',
  overrideForbidden: 'Bara en administratör kan skicka ett utskick med samtyckesundantaget på.',
};

export const sendStrings = /* @__PURE__ */ withSharedWords(stepWords, wizardFrameWords, {
  en: sendEn,
  sv: sendSv,
});

export type SendStrings = (typeof sendStrings)[ConsoleLanguage];
