import * as contacts from '#shared/adapters/dynamodb/contacts.ts';
import { type StoredContact, inParallel } from '#shared/adapters/dynamodb/contacts.ts';
import * as subscriptionTypes from '#shared/adapters/dynamodb/subscription-types.ts';
import { suppressions } from '#shared/adapters/dynamodb/suppressions.ts';
import type { Actor } from '#shared/domain/api-key.ts';
import { type Change, type ContactState, importIntoContact, newContact } from '#shared/domain/contact.ts';
import { type EmailAddress, parseEmail } from '#shared/domain/email.ts';
import { ConflictError, DomainError, ValidationError } from '#shared/domain/errors.ts';
import { newId } from '#shared/domain/ids.ts';
import { logger } from '#shared/observability/logger.ts';
import { type CreateContactInput, type RequestInfo, changeContext } from './contacts.ts';
import { newlyPending, type OwedConfirmations, queueConfirmations } from './double-opt-in.ts';

/** Most contacts one call may import (docs/api.md). */
export const maxImportBatch = 1000;

/** Claims (conditional PutItem, one per new address) in flight at once. */
const claimConcurrency = 25;
/** Existing contacts changed at once (each a read-check-write of its own). */
const updateConcurrency = 10;

/** One item as the caller validated it: the input, or why it is not valid. */
export type ImportItem = { ok: true; value: CreateContactInput } | { ok: false; error: Error };

export type ImportResult =
  | { index: number; status: 'created' | 'updated' | 'unchanged'; id: string }
  | { index: number; status: 'failed'; error: Error };

interface Pending {
  index: number;
  input: CreateContactInput;
  address: EmailAddress;
}

/**
 * Batch upsert of contacts by address.
 * Input: up to 1000 items, each validated on its own by the caller; the caller. Output: one result
 * per item, in order: created / updated / unchanged with the contact id, or failed with its error.
 * One item failing never stops the others.
 * 1. Normalise addresses; of repeats of one address in the batch the first wins, later ones fail.
 * 2. Load every subscription type the items name (BatchGetItem); an unknown one fails its item.
 * 3. Read the claims and suppression entries of all addresses in the same BatchGetItem calls
 *    (100 keys each), then the contacts holding live claims.
 * 4. New addresses: compute each contact (a rule broken fails the item), then claim its address
 *    (conditional PutItem, 25 at a time). A claim lost to a concurrent create makes the item an
 *    update when the winner's contact is there, else fails it (409).
 * 5. Store the new contacts in three rounds of BatchWriteItem (25 items a call): contact items
 *    (history in their outbox), memberships, history items. If that fails, claims whose contact
 *    was not written are given back before the error is raised.
 * 6. Existing contacts: the single-contact change path (conditional UpdateItem with its outbox),
 *    10 at a time; one whose import changes nothing is `unchanged`.
 * 7. Queue the confirmation mails owed for double opt-in types that became `pending` (one message
 *    per contact, ids only); the paced confirm worker sends them (a batch of 1000 mails would not
 *    fit in an API request, nor in the account's SES rate).
 */
export const importContacts = async (
  items: readonly ImportItem[],
  actor: Actor,
  request: RequestInfo = {},
): Promise<ImportResult[]> => {
  const results = new Array<ImportResult>(items.length);
  const fail = (index: number, error: Error) => {
    // Domain errors are the item's own fault; anything else is ours, so it is logged (ids only).
    if (!(error instanceof DomainError)) logger.error('import item failed', { index, error: error.name });
    results[index] = { index, status: 'failed', error };
  };
  const at = new Date().toISOString();
  const contextOf = (p: Pending) => ({ ...changeContext(actor, p.input.source ?? 'import', request), at });

  // 1. Addresses, repeats.
  const pending: Pending[] = [];
  const firstIndex = new Map<string, number>();
  for (const [index, item] of items.entries()) {
    if (!item.ok) {
      fail(index, item.error);
      continue;
    }
    const parsed = parseEmail(item.value.email);
    if (!parsed.ok) {
      fail(
        index,
        new ValidationError('The contact is not valid', [
          { path: `contacts.${index}.email`, code: 'invalid_email', message: parsed.reason },
        ]),
      );
      continue;
    }
    const first = firstIndex.get(parsed.address.key);
    if (first !== undefined) {
      fail(
        index,
        new ConflictError(`The same e-mail address appears earlier in this batch, at index ${first}`, [
          { path: `contacts.${index}.email`, code: 'duplicate_in_batch', firstIndex: first },
        ]),
      );
      continue;
    }
    firstIndex.set(parsed.address.key, index);
    pending.push({ index, input: item.value, address: parsed.address });
  }

  // 2. Types.
  const types = await subscriptionTypes.getMany([
    ...new Set(pending.flatMap((p) => Object.keys(p.input.subscriptions ?? {}))),
  ]);
  const known = pending.filter((p) => {
    const unknown = Object.keys(p.input.subscriptions ?? {}).filter((id) => !types.has(id));
    if (!unknown.length) return true;
    fail(
      p.index,
      new ValidationError(
        'Unknown subscription type',
        unknown.map((id) => ({ path: `contacts.${p.index}.subscriptions.${id}`, code: 'unknown_type' })),
      ),
    );
    return false;
  });

  // 3. Claims, suppressions, holders.
  const fingerprints = await Promise.all(known.map((p) => suppressions.fingerprint(p.address.key)));
  const { claims, suppressed } = await contacts.lookup(
    known.map((p) => p.address.key),
    fingerprints,
  );
  const holders = await contacts.getMany([...claims.values()].map((c) => c.contactId));
  const holderOf = (key: string): StoredContact | undefined => {
    const claim = claims.get(key);
    const holder = claim ? holders.get(claim.contactId) : undefined;
    return holder?.emailKey === key ? holder : undefined;
  };

  // 4. New contacts: compute, then claim.
  const updates: Array<{ p: Pending; holder: StoredContact }> = [];
  const fresh: Array<{ p: Pending; change: Change }> = [];
  for (const [k, p] of known.entries()) {
    const holder = holderOf(p.address.key);
    if (holder) {
      updates.push({ p, holder });
      continue;
    }
    try {
      const reason = suppressed.get(fingerprints[k] as string);
      const { input } = p;
      const change = newContact(
        {
          id: newId(),
          address: p.address,
          ...(input.firstName ? { firstName: input.firstName } : {}),
          ...(input.lastName ? { lastName: input.lastName } : {}),
          ...(input.locale ? { locale: input.locale } : {}),
          ...(input.fields ? { fields: input.fields } : {}),
          ...(input.interests ? { interests: input.interests } : {}),
          ...(input.consent ? { consent: input.consent } : {}),
          ...(input.subscriptions ? { subscriptions: input.subscriptions } : {}),
          ...(reason ? { suppressed: reason } : {}),
        },
        types,
        contextOf(p),
      );
      fresh.push({ p, change });
    } catch (error) {
      fail(p.index, error as Error);
    }
  }
  const claimed = await inParallel(fresh, claimConcurrency, async ({ p, change }) => {
    try {
      if (await contacts.claim(p.address.key, change.next.id)) return true;
      // Someone created the address since step 3: update theirs if it is there.
      const holder = await contacts.findByEmail(p.address.key);
      if (holder) updates.push({ p, holder });
      else fail(p.index, new ConflictError('The address is being created by another request; retry shortly'));
    } catch (error) {
      fail(p.index, error as Error);
    }
    return false;
  });
  const toInsert = fresh.filter((_, k) => claimed[k]);

  // 5. Store the new ones.
  try {
    await contacts.insertMany(toInsert.map((f) => f.change));
  } catch (error) {
    const written = await contacts.getMany(toInsert.map((f) => f.change.next.id)).catch(() => undefined);
    if (written) {
      await inParallel(
        toInsert.filter((f) => !written.has(f.change.next.id)),
        claimConcurrency,
        (f) => contacts.releaseClaim(f.p.address.key, f.change.next.id),
      ).catch(() => undefined);
    }
    throw error;
  }
  const owed: OwedConfirmations[] = [];
  const owe = (before: ContactState | undefined, after: ContactState) => {
    const types = newlyPending(before, after);
    if (types.length) owed.push({ c: after.id, t: types });
  };
  for (const { p, change } of toInsert) {
    results[p.index] = { index: p.index, status: 'created', id: change.next.id };
    owe(undefined, change.next);
  }

  // 6. Existing ones.
  await inParallel(updates, updateConcurrency, async ({ p, holder }) => {
    const { input } = p;
    try {
      const { contact, changed } = await contacts.change(
        holder.id,
        (current) =>
          importIntoContact(
            current,
            {
              ...(input.firstName !== undefined ? { firstName: input.firstName } : {}),
              ...(input.lastName !== undefined ? { lastName: input.lastName } : {}),
              ...(input.locale !== undefined ? { locale: input.locale } : {}),
              ...(input.fields !== undefined ? { fields: input.fields } : {}),
              ...(input.interests !== undefined ? { interests: input.interests } : {}),
              ...(input.consent !== undefined ? { consent: input.consent } : {}),
              ...(input.subscriptions !== undefined ? { subscriptions: input.subscriptions } : {}),
            },
            types,
            contextOf(p),
          ),
        holder,
      );
      results[p.index] = { index: p.index, status: changed ? 'updated' : 'unchanged', id: contact.id };
      if (changed) owe(holder, contact);
    } catch (error) {
      fail(p.index, error as Error);
    }
  });

  // 7. Confirmations.
  await queueConfirmations(owed);

  const counts = { created: 0, updated: 0, unchanged: 0, failed: 0 };
  for (const r of results) counts[r.status]++;
  logger.info('contacts imported', { items: items.length, ...counts, confirmationsQueued: owed.length });
  return results;
};
