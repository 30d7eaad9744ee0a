/**
 * Mirroring suppressions into SES's account-level suppression list (shared/domain/ses-suppression.ts
 * says which and as what), when the deployment turns it on (`SES_SUPPRESSION_MIRROR=true`; CDK sets it,
 * and grants the two SES actions, only on the functions that add or lift suppressions). Both calls
 * are idempotent, so a step retried after a crash repeats them harmlessly; a failure throws, so the
 * caller's retry (the feedback batch, the admin's request) repeats it.
 */
import * as sesSuppressionList from '#shared/adapters/ses/suppression-list.ts';
import { oneOf, readSettings } from '#shared/config/settings.ts';
import { sesReasonOf, sesSuppressedReason } from '#shared/domain/ses-suppression.ts';

let loaded: { SES_SUPPRESSION_MIRROR: 'true' | 'false' } | undefined;
/** Whether this function mirrors; absent means no (a function CDK did not bind never calls SES for it). */
export const mirrorConfig = () => {
  loaded ??= readSettings({ SES_SUPPRESSION_MIRROR: oneOf(['true', 'false'], 'false') });
  return loaded;
};
const on = () => mirrorConfig().SES_SUPPRESSION_MIRROR === 'true';

/** What happened in SES's list; absent from answers when the deployment does not mirror. */
export type MirrorOutcome = 'added' | 'not_mirrored' | 'removed' | 'absent';

/**
 * Tells SES that `address` (its lower-cased key) is suppressed for `reason`.
 * Returns `added`, `not_mirrored` (a reason SES is not told), or undefined when mirroring is off.
 */
export const mirrorSuppressed = async (
  address: string,
  reason: string,
): Promise<MirrorOutcome | undefined> => {
  if (!on()) return undefined;
  const sesReason = sesReasonOf(reason);
  if (!sesReason) return 'not_mirrored';
  await sesSuppressionList.put(address, sesReason);
  return 'added';
};

/**
 * Whether lifting an entry of this reason must lift the address in SES too, which needs the address
 * (an entry keeps only its fingerprint): what was mirrored, and what came from SES's list.
 */
export const liftNeedsAddress = (reason: string): boolean =>
  on() && (sesReasonOf(reason) !== undefined || reason === sesSuppressedReason);

/**
 * Lifts `address` in SES too: whatever put it there, the address is mailable again here, so SES must
 * not go on refusing it. `not_mirrored` when the address is not known (an entry SES was never told
 * about, see {@link liftNeedsAddress}), undefined when mirroring is off.
 */
export const mirrorLifted = async (address: string | undefined): Promise<MirrorOutcome | undefined> => {
  if (!on()) return undefined;
  if (address === undefined) return 'not_mirrored';
  return (await sesSuppressionList.remove(address)) ? 'removed' : 'absent';
};
