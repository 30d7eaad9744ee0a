/**
 * The words of the mailing list and a mailing's progress, in English and Swedish, with the words
 * every page shows (strings.ts), the tables' headings and the charts' words (table-strings.ts); the
 * wizard's steps, named here, have their words in wizard-strings.ts and review-strings.ts. Pure.
 */
import { type ConsoleLanguage, withSharedWords } from './strings.ts';
import {
  chartWords,
  columnsOf,
  countColumn,
  createdColumn,
  nameColumn,
  outcomeColumn,
  rateColumn,
  statusColumn,
  thresholdColumn,
} from './table-strings.ts';

/** The wizard's steps by name, and the way in: on the mailing pages and every step of the wizard. */
const stepsEn = {
  newMailing: 'New mailing',
  steps: {
    configuration: 'Configuration',
    content: 'Content',
    list: 'Target list',
    recipients: 'Recipients',
    send: 'Send',
  },
};

export type StepWords = typeof stepsEn;

export const stepWords: Record<ConsoleLanguage, StepWords> = {
  en: stepsEn,
  sv: {
    newMailing: 'Nytt utskick',
    steps: {
      configuration: 'Inställningar',
      content: 'Innehåll',
      list: 'Mållista',
      recipients: 'Mottagare',
      send: 'Skicka',
    },
  },
};

const en = {
  // Mailings
  mailingsTitle: 'Mailings',
  noMailings: 'No mailings yet.',
  olderMailings: 'Older mailings',
  statuses: {
    draft: 'Draft',
    planned: 'Planned',
    sending: 'Sending',
    sent: 'Sent',
    cancelled: 'Cancelled',
    paused: 'Paused',
  },
  // Progress
  progressTitle: 'Progress',
  progressIntro:
    'The counts move as the mailing is planned, sent and as SES reports what happened. Refresh to see them move.',
  refresh: 'Refresh',
  notCounted: 'not counted yet',
  cancelSending: 'Cancel sending',
  sentNotice: 'The mailing is on its way: it is planned, then sent at the account’s SES rate.',
  cancelled: 'The mailing is cancelled: nothing more is handed to SES.',
  resume: 'Resume sending',
  resumed: 'Sending resumes.',
  pausedBecause: 'Paused by the reputation guard: the {metric} reached {rate} (limit {limit}).',
  pausedBySes:
    'Paused: SES stopped taking mail from the account ({reason}). The recipients not sent yet wait; resume once SES takes mail again.',
  sesPauseReasons: {
    daily_quota: 'its daily sending quota is used up',
    sending_paused: 'sending is paused for the account',
    account_suspended: 'the account is suspended',
    configuration: 'the sender or the configuration set was refused',
  },
  deadLetters:
    '{chunks} parts of this mailing, with {recipients} recipients not sent yet, failed every delivery and wait in the dead-letter queue; resume sends them.',
  outcomesTitle: 'Outcomes',
  outcomesCaption: 'What happened to the mails SES accepted',
  ratesTitle: 'Rates against SES’s review thresholds',
  bounceRate: 'Bounce rate',
  complaintRate: 'Complaint rate',
  overThreshold: 'over the threshold',
  underThreshold: 'under the threshold',
};

const sv: typeof en = {
  mailingsTitle: 'Utskick',
  noMailings: 'Inga utskick ännu.',
  olderMailings: 'Äldre utskick',
  statuses: {
    draft: 'Utkast',
    planned: 'Planerat',
    sending: 'Skickas',
    sent: 'Skickat',
    cancelled: 'Avbrutet',
    paused: 'Pausat',
  },
  progressTitle: 'Förlopp',
  progressIntro:
    'Siffrorna rör sig när utskicket planeras, skickas och när SES rapporterar vad som hände. Uppdatera för att se dem röra sig.',
  refresh: 'Uppdatera',
  notCounted: 'räknas inte än',
  cancelSending: 'Avbryt utskicket',
  sentNotice: 'Utskicket är på väg: det planeras och skickas sedan i kontots SES-takt.',
  cancelled: 'Utskicket är avbrutet: inget mer lämnas till SES.',
  resume: 'Återuppta utskicket',
  resumed: 'Utskicket återupptas.',
  pausedBecause: 'Pausat av ryktesskyddet: {metric} nådde {rate} (gräns {limit}).',
  pausedBySes:
    'Pausat: SES tar inte längre emot e-post från kontot ({reason}). Mottagarna som inte har fått brevet väntar; återuppta när SES tar emot e-post igen.',
  sesPauseReasons: {
    daily_quota: 'dagskvoten för utskick är förbrukad',
    sending_paused: 'utskick är pausade för kontot',
    account_suspended: 'kontot är avstängt',
    configuration: 'avsändaren eller konfigurationen nekades',
  },
  deadLetters:
    '{chunks} delar av utskicket, med {recipients} mottagare som inte har fått brevet, misslyckades vid varje leverans och väntar i kön för obeställbara meddelanden; återuppta för att skicka dem.',
  outcomesTitle: 'Utfall',
  outcomesCaption: 'Vad som hände med breven SES tog emot',
  ratesTitle: 'Andelar mot SES granskningsgränser',
  bounceRate: 'Andel studsar',
  complaintRate: 'Andel klagomål',
  overThreshold: 'över gränsen',
  underThreshold: 'under gränsen',
};

export const mailingStrings = /* @__PURE__ */ withSharedWords(
  stepWords,
  /* @__PURE__ */ columnsOf({
    count: countColumn,
    created: createdColumn,
    name: nameColumn,
    outcome: outcomeColumn,
    rate: rateColumn,
    status: statusColumn,
    threshold: thresholdColumn,
  }),
  chartWords,
  { en, sv },
);

export type MailingStrings = (typeof mailingStrings)[ConsoleLanguage];
