/**
 * One suppression authority: this product's suppression list and SES's account-level one agree.
 * Pure: which of our entries SES is told about, as what, and which SES events mean that SES itself
 * refused an address as suppressed.
 *
 * Told to SES (PutSuppressedDestination), so every sender of the account respects them:
 * - `hard_bounce`, `soft_bounce` → BOUNCE;
 * - `complaint`, and `manual` (an admin acting for the person: "do not mail") → COMPLAINT.
 * Never told:
 * - `erased`: the entry exists to keep no address; SES's list holds addresses in clear;
 * - `ses_suppressed`: it came from SES's list.
 * Lifting any entry here (DELETE /suppressions) lifts the address in SES too, when the address is known.
 */
import type { SesEvent } from './ses-events.ts';

/** SES's reasons (PutSuppressedDestination accepts only these). */
export type SesSuppressionReason = 'BOUNCE' | 'COMPLAINT';

/** Our reason for an address SES refused because its account-level suppression list holds it. */
export const sesSuppressedReason = 'ses_suppressed';

/** The reason SES is told for one of our entries, or undefined when SES is not told. */
export const sesReasonOf = (reason: string): SesSuppressionReason | undefined => {
  switch (reason) {
    case 'hard_bounce':
    case 'soft_bounce':
      return 'BOUNCE';
    case 'complaint':
    case 'manual':
      return 'COMPLAINT';
    default:
      return undefined;
  }
};

/** The bounce subtype SES gives a message it accepted but did not send: the address is on the account's list. */
export const accountSuppressionSubType = 'OnAccountSuppressionList';

/**
 * Did SES refuse the message because the address is suppressed? A Bounce of subtype
 * `OnAccountSuppressionList`, or a Reject whose reason names the suppression list. (A Reject for
 * content, a virus, says nothing about the address.)
 */
export const refusedAsSuppressed = (event: SesEvent): boolean =>
  (event.eventType === 'Bounce' && event.bounce.bounceSubType === accountSuppressionSubType) ||
  (event.eventType === 'Reject' && /suppress/i.test(event.reject.reason));
