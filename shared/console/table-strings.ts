/**
 * The headings of the console's tables, one translation each, and the words of its charts. A page
 * group's words take the headings its pages show (`columnsOf`), so its bundle carries those only.
 * Pure.
 */
import type { ConsoleLanguage } from './strings.ts';

/** A heading in each language. */
export type Heading = Readonly<Record<ConsoleLanguage, string>>;

export const nameColumn = { en: 'Name', sv: 'Namn' };
export const statusColumn = { en: 'Status', sv: 'Status' };
export const createdColumn = { en: 'Created', sv: 'Skapat' };
export const typeColumn = { en: 'Subscription type', sv: 'Prenumerationstyp' };
export const emailColumn = { en: 'E-mail', sv: 'E-post' };
export const verdictColumn = { en: 'Verdict', sv: 'Beslut' };
export const reasonColumn = { en: 'Reason', sv: 'Skäl' };
export const countColumn = { en: 'People', sv: 'Personer' };
export const whenColumn = { en: 'When', sv: 'När' };
export const changeColumn = { en: 'Change', sv: 'Ändring' };
export const fromColumn = { en: 'From', sv: 'Från' };
export const toColumn = { en: 'To', sv: 'Till' };
export const sourceColumn = { en: 'How', sv: 'Hur' };
export const actorColumn = { en: 'Who', sv: 'Vem' };
export const evidenceColumn = { en: 'Evidence', sv: 'Bevis' };
export const membersColumn = { en: 'Members', sv: 'Medlemmar' };
export const descriptionColumn = { en: 'Description', sv: 'Beskrivning' };
export const publicColumn = { en: 'Public', sv: 'Publik' };
export const archivedColumn = { en: 'Archived', sv: 'Arkiverad' };
export const outcomeColumn = { en: 'Outcome', sv: 'Utfall' };
export const rateColumn = { en: 'Rate', sv: 'Andel' };
export const thresholdColumn = { en: 'SES review threshold', sv: 'SES granskningsgräns' };
export const dateColumn = { en: 'Date', sv: 'Datum' };
export const subscribersColumn = { en: 'Subscribers', sv: 'Prenumeranter' };

/**
 * The headings a group's pages read as `t.columns.NAME`, by language: one of the sets its
 * `withSharedWords` merges, as `columnsOf({ name: nameColumn, email: emailColumn })`, the call
 * marked pure (as the one around it), so a bundle that does not use the words drops them.
 */
export const columnsOf = <const H extends Readonly<Record<string, Heading>>>(
  headings: H,
): Record<ConsoleLanguage, { columns: { readonly [K in keyof H]: string } }> => {
  const inLanguage = (language: ConsoleLanguage) =>
    Object.fromEntries(Object.entries(headings).map(([key, heading]) => [key, heading[language]]));
  return {
    en: { columns: inLanguage('en') as { [K in keyof H]: string } },
    sv: { columns: inLanguage('sv') as { [K in keyof H]: string } },
  };
};

/** The words of the charts of counts (the progress of a mailing, a type's latest mailings). */
const chartEn = {
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
};

export const chartWords: Record<ConsoleLanguage, typeof chartEn> = {
  en: chartEn,
  sv: {
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
  },
};
