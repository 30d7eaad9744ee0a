/**
 * How every change a recipient makes on the hosted pages is written: through the contacts
 * repository's one conditional write (new state + history entries in the contact's outbox, then
 * memberships and history items), with the history built by the same pure domain functions the API
 * uses (setSubscription, setConsent, patchContact), so a one-click unsubscribe reads in the history
 * exactly like an API unsubscribe but for its `source`.
 *
 * Each entry carries the channel as `source` (`one_click`, `preference_page`, `link`,
 * `confirmation`), the request's IP and user agent as `evidence`, actor `system` (the recipient
 * acting through a signed link, as domain/api-key.ts `systemActor` describes), and two fields the
 * API's history entry does not name yet: `reason` ("why are you leaving?") and `mailingId` (the mail
 * whose link was used).
 *
 * Several changes of one act (consent and subscriptions saved together) are combined into ONE
 * change: one write, one history batch, all or nothing.
 */
import * as contacts from '#shared/adapters/dynamodb/contacts.ts';
import type { StoredContact } from '#shared/adapters/dynamodb/contacts.ts';
import { systemActor } from '#shared/domain/api-key.ts';
import type { Change, ContactState, Evidence, HistoryDraft, Source } from '#shared/domain/contact.ts';
import { changeContext } from './contacts.ts';

/** How a recipient's act is recorded: request id, evidence, and what the API's history lacks. */
export interface RecipientAct {
  requestId?: string;
  /** IP and user agent of the request (GDPR Art. 7(1)). */
  evidence: Evidence;
  /** The mailing whose link was used. */
  mailingId?: string;
  /** "Why are you leaving?", as typed; stored cleaned ({@link cleanReason}). */
  reason?: string;
}

/** Actor of every change made by a recipient on the hosted pages (see domain/api-key.ts). */
const recipient = systemActor('recipient');

/** The change context of a recipient's act through `source`. */
export const recipientContext = (source: Source, act: RecipientAct) =>
  changeContext(recipient, source, act.requestId ? { requestId: act.requestId } : {});

/** A draft annotated with what the API's history entry has no field for yet. */
export type RecipientDraft = HistoryDraft & { reason?: string; mailingId?: string };

/**
 * Adds the mailing to every entry and the reason to those that take something away (an
 * unsubscribe, a withdrawal): a reason belongs with leaving, not with a new subscription.
 */
export const annotate = (entries: readonly HistoryDraft[], act: RecipientAct): RecipientDraft[] => {
  const reason = cleanReason(act.reason);
  return entries.map((entry) => ({
    ...entry,
    ...(act.mailingId ? { mailingId: act.mailingId } : {}),
    ...(reason && (entry.to === 'unsubscribed' || entry.to === 'withdrawn') ? { reason } : {}),
  }));
};

/** Longest reason kept (the page's textarea allows as much). */
export const maxReasonLength = 500;

/** A typed reason as stored: control characters become spaces, trimmed, at most 500 characters. */
export const cleanReason = (reason: string | undefined): string | undefined => {
  const cleaned = reason
    ?.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ')
    .trim()
    .slice(0, maxReasonLength);
  return cleaned || undefined;
};

/** Several domain changes of one contact as one change: one conditional write, one history batch. */
export const combine = (
  current: ContactState,
  steps: ReadonlyArray<(state: ContactState) => Change | undefined>,
): Change | undefined => {
  let next = current;
  const entries: HistoryDraft[] = [];
  for (const step of steps) {
    const change = step(next);
    if (!change) continue;
    next = change.next;
    entries.push(...change.entries);
  }
  return entries.length ? { next, entries } : undefined;
};

/**
 * Runs `decide` as one conditional write of the contact (retried on a fresh read if someone else
 * wrote in between), its entries annotated with the act. NotFoundError when there is no contact.
 */
export const recipientChange = async (
  contactId: string,
  act: RecipientAct,
  decide: (current: StoredContact) => Change | undefined,
): Promise<{ contact: StoredContact; changed: boolean }> =>
  contacts.change(contactId, (current) => {
    const change = decide(current);
    return change && { next: change.next, entries: annotate(change.entries, act) };
  });
