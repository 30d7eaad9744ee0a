/**
 * The suppression list: looking an address up, suppressing it (feedback, or an admin by hand) and
 * lifting it (an admin). The entry (`S#<fingerprint>`, ./adapters/dynamodb/suppressions.ts) is the
 * authority; the contact item mirrors its reason in `suppressed` (and the membership items carry
 * it), which is what planning and the sender's last-moment check read. So every change here
 * writes the authority and the mirror, in the order that leaves the address unmailable if a step
 * fails, and every step can be repeated.
 *
 * SES's account-level suppression list follows too, when the deployment mirrors
 * (./suppression-mirror.ts): every other sender of the account then respects what is suppressed
 * here, and what is lifted here is lifted there.
 */
import * as audit from '#shared/adapters/dynamodb/audit.ts';
import * as bounceRecords from '#shared/adapters/dynamodb/bounce-records.ts';
import * as contacts from '#shared/adapters/dynamodb/contacts.ts';
import type { StoredContact } from '#shared/adapters/dynamodb/contacts.ts';
import * as suppressionWrites from '#shared/adapters/dynamodb/suppression-writes.ts';
import type { SuppressionRecord } from '#shared/adapters/dynamodb/suppression-writes.ts';
import {
  type Suppression,
  type SuppressionReason,
  suppressions,
} from '#shared/adapters/dynamodb/suppressions.ts';
import type { Actor } from '#shared/domain/api-key.ts';
import { isStronger } from '#shared/domain/bounce-policy.ts';
import { type ChangeContext, setSuppressed } from '#shared/domain/contact.ts';
import { ConflictError, NotFoundError, RuleViolationError, ValidationError } from '#shared/domain/errors.ts';
import { logger } from '#shared/observability/logger.ts';
import { addressOf } from './contacts.ts';
import {
  liftNeedsAddress,
  type MirrorOutcome,
  mirrorLifted,
  mirrorSuppressed,
} from './suppression-mirror.ts';

/** An entry as an admin's request answers it: with what became of it in SES's list, when mirrored. */
export type SuppressionAnswer = Suppression & { sesSuppressionList?: MirrorOutcome };

const withMirror = (entry: Suppression, outcome: MirrorOutcome | undefined): SuppressionAnswer => ({
  ...entry,
  ...(outcome ? { sesSuppressionList: outcome } : {}),
});

/** An entry as the API shows it: without the contact it is mirrored onto. */
const toPublic = (entry: SuppressionRecord): Suppression => ({
  id: entry.id,
  reason: entry.reason,
  at: entry.at,
  source: entry.source,
  ...(entry.sourceEvent ? { sourceEvent: entry.sourceEvent } : {}),
  ...(entry.actor ? { actor: entry.actor } : {}),
});

/**
 * Sets (or, with undefined, clears) a contact's `suppressed` mirror through the contacts
 * repository, so its membership items follow, with a `suppression` history entry (who, when, how:
 * `ctx`) — the record that outgoing events (`contact.suppressed`, `contact.unsuppressed`) are
 * derived from. A contact erased meanwhile is no error. Returns whether anything changed.
 */
export const mirrorSuppression = async (
  contactId: string,
  reason: string | undefined,
  ctx: ChangeContext,
): Promise<boolean> => {
  try {
    const { changed } = await contacts.change(contactId, (current) => setSuppressed(current, reason, ctx));
    return changed;
  } catch (error) {
    if (error instanceof NotFoundError) return false;
    throw error;
  }
};

/**
 * Writes `entry` unless the address has one at least as strong (domain/bounce-policy.ts
 * `isStronger`), conditionally, retrying when another writer got there first. Returns what is
 * stored afterwards.
 */
const putUnlessWeaker = async (entry: SuppressionRecord): Promise<SuppressionRecord> => {
  for (let attempt = 0; attempt < 5; attempt++) {
    const existing = await suppressionWrites.get(entry.id);
    if (!existing) {
      if (await suppressionWrites.create(entry)) return entry;
      continue;
    }
    if (isStronger(entry.reason, existing.reason)) {
      if (await suppressionWrites.replace(entry, existing.reason)) return entry;
      continue;
    }
    if (entry.contactId && existing.contactId !== entry.contactId) {
      await suppressionWrites.noteContact(entry.id, entry.contactId);
    }
    return existing;
  }
  throw new ConflictError('The suppression entry kept changing; retry');
};

/**
 * Suppress an address because of feedback (or anything else that is not an admin's request).
 * Input: the address key and its fingerprint, the entry's reason, time, source and source event,
 * and the contact holding the address, if any. Output: the entry now stored (a stronger one that
 * was there already wins).
 * 1. Write the entry (the authority) unless a stronger one exists.
 * 2. Mirror the stored entry's reason onto the contact, if it still has this address.
 * 3. Tell SES's account-level list (when mirrored), by the stored entry's reason.
 */
export const suppressAddress = async (
  emailKey: string,
  fingerprint: string,
  entry: Omit<Suppression, 'id'>,
  contact: StoredContact | undefined,
): Promise<Suppression> => {
  const holder = contact?.emailKey === emailKey ? contact : undefined;
  const stored = await putUnlessWeaker({
    id: fingerprint,
    ...entry,
    ...(holder ? { contactId: holder.id } : {}),
  });
  if (holder)
    await mirrorSuppression(holder.id, stored.reason, {
      at: entry.at,
      actor: entry.actor ?? 'system',
      source: entry.source,
    });
  await mirrorSuppressed(emailKey, stored.reason);
  return toPublic(stored);
};

/** GET /suppressions?email=: a list of zero or one, found by the address's fingerprint. */
export const findSuppressions = async (email: string) => {
  const address = addressOf(email, 'query.email');
  const entry = await suppressionWrites.get(await suppressions.fingerprint(address.key));
  return { items: entry ? [toPublic(entry)] : [], nextCursor: null };
};

export interface ManualSuppression {
  email: string;
  reason: Exclude<SuppressionReason, 'erased' | 'ses_suppressed'>;
}

/**
 * Suppress an address by hand (admin).
 * Input: address and reason; the admin. Output: the entry (201), or 409 when the address has one.
 * 1. Create the entry (conditional: an existing one is never overwritten here). When one exists,
 *    repair the contact's mirror and SES's list from it (a request that crashed half way is
 *    retried this way) and answer 409.
 * 2. Record it in the audit log (the fingerprint, never the address).
 * 3. Mirror the reason onto the contact that has the address, if any.
 * 4. Tell SES's account-level list (when mirrored); the answer says so.
 */
export const createSuppression = async (
  input: ManualSuppression,
  actor: Actor,
): Promise<SuppressionAnswer> => {
  const address = addressOf(input.email, 'body.email');
  const id = await suppressions.fingerprint(address.key);
  const contact = await contacts.findByEmail(address.key);
  const at = new Date().toISOString();
  const entry: SuppressionRecord = {
    id,
    reason: input.reason,
    at,
    source: 'admin',
    actor: actor.keyId,
    ...(contact ? { contactId: contact.id } : {}),
  };
  const ctx: ChangeContext = { at, actor: actor.keyId, source: 'admin' };
  if (!(await suppressionWrites.create(entry))) {
    const existing = await suppressionWrites.get(id);
    if (existing && contact)
      await mirrorSuppression(contact.id, existing.reason, {
        at: existing.at,
        actor: existing.actor ?? 'system',
        source: existing.source,
      });
    if (existing) await mirrorSuppressed(address.key, existing.reason);
    throw new ConflictError('The address is suppressed already', [
      { path: 'body.email', code: 'suppressed', reason: existing?.reason, id },
    ]);
  }
  await audit.record(actor, { action: 'suppression.created', details: { id, reason: input.reason } }, at);
  if (contact) await mirrorSuppression(contact.id, input.reason, ctx);
  return withMirror(toPublic(entry), await mirrorSuppressed(address.key, input.reason));
};

/**
 * Lift a suppression (admin).
 * Input: the entry id (the fingerprint) and, optionally, the address (which must fingerprint to
 * it) to find a contact the entry does not know; the admin. Output: the entry as it was; 404 when
 * there is none.
 * 1. Clear the mirror of the contact the entry names (if it still has that address) and of the
 *    contact holding the given address.
 * 2. Forget the address's bounce counts, so old soft bounces do not suppress it again at once.
 * 3. Lift the address in SES's account-level list too (when mirrored). That needs the address: the
 *    one given, or that of the contact the entry names. An entry SES holds (mirrored, or from SES's
 *    list) whose address is known neither way is refused (422 `address_required`) BEFORE anything
 *    changes: lifted here alone, SES would go on refusing the address, and its refusals would
 *    suppress it here again as `ses_suppressed`.
 * 4. Record it in the audit log.
 * 5. Delete the entry LAST: until then a retry finds it and repeats what is left.
 * Consent is not touched: a complaint's withdrawal stands until the person grants it again.
 */
export const deleteSuppression = async (
  id: string,
  actor: Actor,
  email?: string,
): Promise<SuppressionAnswer> => {
  const entry = await suppressionWrites.get(id);
  if (!entry) throw new NotFoundError('No suppression entry with this id');
  const holders: StoredContact[] = [];
  let addressKey: string | undefined;
  if (email !== undefined) {
    const address = addressOf(email, 'query.email');
    addressKey = address.key;
    if ((await suppressions.fingerprint(address.key)) !== id) {
      throw new ValidationError('The address does not belong to this entry', [
        { path: 'query.email', code: 'other_address', message: 'Its fingerprint is not the entry id' },
      ]);
    }
    const found = await contacts.findByEmail(address.key);
    if (found) holders.push(found);
  }
  if (entry.contactId && !holders.some((c) => c.id === entry.contactId)) {
    const named = await contacts.get(entry.contactId);
    if (named && (await suppressions.fingerprint(named.emailKey)) === id) holders.push(named);
  }
  addressKey ??= holders[0]?.emailKey;
  if (addressKey === undefined && liftNeedsAddress(entry.reason)) {
    throw new RuleViolationError("The address is in SES's suppression list too: give it to lift it in both", [
      { path: 'query.email', code: 'address_required', reason: entry.reason },
    ]);
  }
  const lifted: ChangeContext = { at: new Date().toISOString(), actor: actor.keyId, source: 'admin' };
  for (const contact of holders) await mirrorSuppression(contact.id, undefined, lifted);
  await bounceRecords.remove(id);
  const inSes = await mirrorLifted(addressKey);
  await audit.record(actor, {
    action: 'suppression.deleted',
    details: {
      id,
      reason: entry.reason,
      source: entry.source,
      contactsCleared: holders.map((c) => c.id),
      ...(inSes ? { sesSuppressionList: inSes } : {}),
    },
  });
  await suppressions.delete(id);
  logger.info('suppression lifted', {
    id,
    reason: entry.reason,
    contacts: holders.length,
    sesSuppressionList: inSes,
  });
  return withMirror(toPublic(entry), inSes);
};
