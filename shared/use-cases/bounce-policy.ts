import * as audit from '#shared/adapters/dynamodb/audit.ts';
import * as bouncePolicies from '#shared/adapters/dynamodb/bounce-policy.ts';
import type { StoredBouncePolicy } from '#shared/adapters/dynamodb/bounce-policy.ts';
import type { Actor } from '#shared/domain/api-key.ts';
import type { BouncePolicy } from '#shared/domain/bounce-policy.ts';

const toPublic = (stored: StoredBouncePolicy) => ({
  ...stored.policy,
  updatedAt: stored.updatedAt,
  updatedBy: stored.updatedBy,
});

/** The bounce policy in force: the stored one, else the defaults (domain/bounce-policy.ts). */
export const getBouncePolicy = async () => toPublic(await bouncePolicies.get());

/**
 * Change the bounce policy (admin).
 * Input: the whole policy, validated (a complaint must at least suppress); the admin.
 * Output: the policy as it now is.
 * 1. Store it with who and when. 2. Record before and after in the audit log.
 * It applies to feedback from now on; addresses suppressed under the old policy stay suppressed.
 */
export const setBouncePolicy = async (policy: BouncePolicy, actor: Actor) => {
  const at = new Date().toISOString();
  const { before, after } = await bouncePolicies.put(policy, actor.keyId, at);
  await audit.record(
    actor,
    { action: 'settings.bounce_policy', details: { from: before.policy, to: after.policy } },
    at,
  );
  return toPublic(after);
};
