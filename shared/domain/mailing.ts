/**
 * Mailings: what they say, whom they go to, and their lifecycle. Pure.
 *
 * draft ──send──▶ planned ──first chunk queued──▶ sending ──last chunk done──▶ sent
 *   │                │                                │
 *   └──cancel──▶ cancelled ◀──────────cancel──────────┘
 *
 * planned / sending ──reputation guard──▶ paused: the feedback found the mailing's bounce or
 * complaint rate too high (`pausedReason` says which and how high). The sender stops as for a
 * cancel but leaves the rows `queued`, so an admin's resume sends them later.
 * planned / sending ──SES stops taking mail──▶ paused: the account's daily quota is used up, or SES
 * paused or suspended its sending, or its configuration is refused; the rows stay `queued` too.
 */
import { type Role, roleAllows } from './api-key.ts';
import type { LinkAction } from './tokens.ts';
export const mailingStatuses = ['draft', 'planned', 'sending', 'sent', 'cancelled', 'paused'] as const;
export type MailingStatus = (typeof mailingStatuses)[number];

/** Why the reputation guard paused a mailing (shared/domain/bounce-policy.ts `reputationBreach`). */
export interface ReputationPause {
  code: 'bounce_rate' | 'complaint_rate';
  rate: number;
  limit: number;
  sent: number;
  count: number;
}

/** SES stopped taking mail from the account (shared/adapters/ses/client.ts `SesSendingStopped`). */
export interface SesPause {
  code: 'daily_quota' | 'sending_paused' | 'account_suspended' | 'configuration';
  /** SES's error name. */
  sesError: string;
}

export type PausedReason = ReputationPause | SesPause;
export const pauseCodes = [
  'bounce_rate',
  'complaint_rate',
  'daily_quota',
  'sending_paused',
  'account_suspended',
  'configuration',
] as const satisfies readonly PausedReason['code'][];

export const countNames = [
  'eligible',
  'excluded',
  'queued',
  'sent',
  'delivered',
  'bounced',
  'complained',
  'failed',
  'unsubscribed',
] as const;
export type Counts = Record<(typeof countNames)[number], number>;
export const zeroCounts = (): Counts => ({
  eligible: 0,
  excluded: 0,
  queued: 0,
  sent: 0,
  delivered: 0,
  bounced: 0,
  complained: 0,
  failed: 0,
  unsubscribed: 0,
});

/**
 * A tracked link a mailing declares: `{{links.NAME}}` in its body becomes, for each recipient, a
 * signed `/l/<token>` URL that applies `action` (if any) for that person, then redirects to `url`
 * (both signed into the token: no open redirect). An interest action applies on the click (once);
 * a subscription action first shows a one-button page and applies on its POST, because link
 * scanners open every link of a mail (tokens.ts `linkActsOnGet`).
 */
export interface TrackedLink {
  url: string;
  action?: LinkAction;
}

/** Most tracked links one mailing may declare, and the shape of their names. */
export const maxTrackedLinks = 20;
export const linkNamePattern = /^[A-Za-z0-9_-]{1,40}$/;

export interface Mailing {
  id: string;
  name: string;
  subscriptionTypeId: string;
  listId: string;
  from: string;
  subject: string;
  text: string;
  html?: string;
  /** By name, as `{{links.NAME}}` uses them. */
  links?: Record<string, TrackedLink>;
  overrideConsent: boolean;
  overrideReason?: string;
  status: MailingStatus;
  counts: Counts;
  /** Recipients per eligibility reason (`eligible`, `no_consent`, …) once planned. */
  reasons: Record<string, number>;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
  sendRequestedAt?: string;
  sendRequestedBy?: string;
  /** The privacy setting as it was when planning started: the record of what applied. */
  privacyEnabled?: boolean;
  plannedAt?: string;
  completedAt?: string;
  cancelledAt?: string;
  cancelledBy?: string;
  pausedAt?: string;
  pausedReason?: PausedReason;
  resumedAt?: string;
  resumedBy?: string;
}

/** Merge fields a body may use (docs/api.md). `fields.NAME` reads a custom field. */
export const mergeFields = ['firstName', 'lastName', 'email', 'preferencesUrl', 'unsubscribeUrl'] as const;

const fieldPattern = /\{\{\s*([^{}]*?)\s*\}\}/g;
const customField = /^fields\.[A-Za-z0-9_-]{1,64}$/;
const linkField = /^links\.([A-Za-z0-9_-]{1,40})$/;

/**
 * Unknown merge fields in a text, so a typo is a 422 at creation rather than a blank in a mail.
 * `links.NAME` is a merge field; whether NAME is declared is {@link undeclaredLinks}' question.
 */
export const unknownMergeFields = (text: string): string[] => {
  const unknown = new Set<string>();
  for (const match of text.matchAll(fieldPattern)) {
    const name = match[1] ?? '';
    if (
      !(mergeFields as readonly string[]).includes(name) &&
      !customField.test(name) &&
      !linkField.test(name)
    )
      unknown.add(name);
  }
  return [...unknown];
};

/** The tracked-link names the texts use, each once. */
export const usedLinks = (...texts: Array<string | undefined>): string[] => {
  const used = new Set<string>();
  for (const text of texts)
    for (const match of (text ?? '').matchAll(fieldPattern)) {
      const name = linkField.exec(match[1] ?? '')?.[1];
      if (name) used.add(name);
    }
  return [...used];
};

/** `{{links.NAME}}` uses whose NAME the mailing does not declare. */
export const undeclaredLinks = (
  content: { subject?: string | undefined; text?: string | undefined; html?: string | null | undefined },
  links: Readonly<Record<string, TrackedLink>> | undefined,
): string[] =>
  usedLinks(content.subject, content.text, content.html ?? undefined).filter(
    (name) => !links || !Object.hasOwn(links, name),
  );

/** Does the body already carry an unsubscribe or preference link? If not, a footer is added. */
export const hasOptOutLink = (text: string): boolean =>
  /\{\{\s*(unsubscribeUrl|preferencesUrl)\s*\}\}/.test(text);

/** Only drafts may be edited or sent. */
export const isEditable = (status: MailingStatus) => status === 'draft';

/**
 * Who may send past the consent filter: the override is an administrator's decision (audited),
 * never a marketer's. The send refuses it, and the console offers the override box by the same rule.
 */
export const mayOverrideConsent = (role: Role): boolean => roleAllows(role, 'admin');
export const isCancellable = (status: MailingStatus) =>
  status === 'draft' || status === 'planned' || status === 'sending';
