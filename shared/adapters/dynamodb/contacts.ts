/**
 * Contacts in the contacts table: the contact item, the e-mail claim that keeps addresses unique,
 * and the membership items that list building reads (key layout: ./contact-keys.ts).
 *
 * ## Uniqueness without transactions
 * Before a contact item is written, its address is claimed: `E#<emailKey>` is put with
 * `attribute_not_exists(pk)`, naming the new contact id. Of two concurrent creates of one address,
 * exactly one claim succeeds; the other is a conflict. A claim is live while its contact item exists
 * and still has that address. A claim that is not live (its creator crashed between claim and
 * contact, or an e-mail change stopped half way) blocks the address for {@link claimGraceMs}: longer
 * than any function runs (10 s; 29 s at most behind API Gateway), so a claim that old is no longer
 * in anybody's hands and may be taken over by a conditional update on its old contactId.
 * An address change notes the new address on the contact (`otherClaims`) before claiming it, and
 * keeps the old one there after the move; the next change gives back due claims, and erasure gives
 * back all of them, so no claim (whose key is an address) outlives the person it belongs to.
 *
 * ## History without transactions: the outbox
 * Every change of a contact is ONE conditional write of its contact item (`version = :read`): it
 * sets the new state, bumps `version`, and puts the change's history entries into the item's
 * `outbox` map (keyed by entry id). Only then are the derived items written, idempotently: first the
 * membership items, then the history items (`H#<entryId>`). So:
 * - a crash after the state change never loses its record: the entry is in the contact item, and
 *   history reads return history items ∪ outbox entries (./history.ts);
 * - there is never a record of a change that did not happen: entries are written with the change
 *   in the same single-item write, or not at all;
 * - a history item existing means its membership items were synced (they are written first).
 * The next change of the contact looks for the history items of the entries in the outbox (one
 * Query); entries without one are flushed again (memberships re-synced from the stored state, history
 * items put), and all of them are dropped from the outbox by the change's own write. Any mutation
 * request, even one that changes nothing, does this check first, so a client retrying after a 5xx
 * repairs what the crashed attempt left behind.
 *
 * ## Membership items
 * While a contact is subscribed to type T it has `M#T#<typeId>` (and `M#I#<tag>` per interest),
 * carrying `gpk`/`gsk` for the sparse, sharded `members` index and a copy of what list building
 * reads (domain/contact.ts `memberProjection`). Each carries `v`, the contact version it was written
 * from, and every write is conditional on `attribute_not_exists(v) OR v < :v`, so a slow writer of an
 * older version never overwrites a newer one. Leaving the index writes a tombstone (keys and `v`,
 * no `gpk`) rather than deleting: a deleted item would let a stale writer bring it back.
 */
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  type Change,
  type ContactState,
  type HistoryEntry,
  type Membership,
  assignEntryIds,
  memberProjection,
  membershipsOf,
} from '#shared/domain/contact.ts';
import { ConflictError, NotFoundError } from '#shared/domain/errors.ts';
import { batchGetAll, batchWriteAll } from './batch.ts';
import { dynamo, isConditionFailed, tableName } from './client.ts';
import { contactKeys, shardOf } from './contact-keys.ts';
import { history, historyItem } from './history.ts';
import { outboxFromItem, storedOutbox } from './outbox.ts';

/** How long a claim without its contact blocks the address (see the module comment). */
export const claimGraceMs = 60_000;

/** Conditional writes lost to a concurrent change are retried this often before answering 409. */
const maxAttempts = 8;

/** Membership writes of one contact in flight at once. */
const membershipConcurrency = 10;

/** A contact as stored: its state plus the bookkeeping of the outbox design. */
export interface StoredContact extends ContactState {
  version: number;
  /** Committed history entries, by id, not yet known to be copied to history items. */
  outbox: Record<string, HistoryEntry>;
  /**
   * Claims this contact may hold besides its own address's, by address key → the time after which
   * they may be given back: an address change's new address while the change is in progress, its
   * old address once done. Claims carry the address in their key, so erasure must be able to find
   * them from the contact; any later change gives back those past their time.
   */
  otherClaims?: Record<string, string>;
}

export interface Claim {
  emailKey: string;
  contactId: string;
  claimedAt: string;
}

type Item = Record<string, unknown>;

// Partition-key prefixes, derived from contact-keys.ts so key strings stay in one place.
const claimPrefix = contactKeys.claim('').pk;
const suppressionPrefix = contactKeys.suppression('').pk;

const contactItem = (contact: StoredContact): Item => {
  const { interests, fields, outbox, ...rest } = contact;
  // Empty interests and fields are left out (read back as empty): bytes a write unit is made of.
  return {
    ...contactKeys.contact(contact.id),
    ...rest,
    ...(interests.length ? { interests } : {}),
    ...(Object.keys(fields).length ? { fields } : {}),
    outbox: storedOutbox(outbox),
  };
};

/**
 * A contact item as stored (read from the table or a stream image) back to the contact: the outbox's
 * ids and null `from`/`to` restored, empty interests and fields filled in.
 */
export const contactFromItem = (item: Item): StoredContact => {
  const { pk: _pk, sk: _sk, ...rest } = item;
  const contact = rest as unknown as StoredContact;
  return {
    ...contact,
    fields: contact.fields ?? {},
    interests: contact.interests ?? [],
    outbox: outboxFromItem(contact.outbox as Record<string, Partial<HistoryEntry>> | undefined),
  };
};

/** `otherClaims` after a change that gave back `released`, as stored (undefined when empty). */
const otherClaimsAfter = (
  current: StoredContact,
  nextKey: string,
  released: readonly string[],
  now: string,
): Record<string, string> | undefined => {
  const others = { ...current.otherClaims };
  for (const key of released) delete others[key];
  if (nextKey !== current.emailKey) others[current.emailKey] = now;
  delete others[nextKey];
  return Object.keys(others).length ? others : undefined;
};

const claimFromItem = (item: Item): Claim => ({
  emailKey: String(item.pk).slice(claimPrefix.length),
  contactId: item.contactId as string,
  claimedAt: item.claimedAt as string,
});

const newestEntryId = (outbox: Record<string, HistoryEntry>): string | undefined =>
  Object.keys(outbox).sort().at(-1);

const membershipKey = (contactId: string, m: Membership) =>
  m.kind === 'type'
    ? contactKeys.typeMember(contactId, m.typeId)
    : contactKeys.interestMember(contactId, m.tag);

const membershipItem = (contact: StoredContact, m: Membership): Item => {
  const shard = shardOf(contact.id);
  return {
    ...membershipKey(contact.id, m),
    gpk: m.kind === 'type' ? contactKeys.typeShard(m.typeId, shard) : contactKeys.interestShard(m.tag, shard),
    gsk: contact.id,
    v: contact.version,
    ...memberProjection(contact),
    ...(m.kind === 'type' ? { status: contact.subscriptions[m.typeId]?.status } : {}),
  };
};

const tombstone = (contact: StoredContact, sk: string): Item => ({
  pk: contactKeys.contact(contact.id).pk,
  sk,
  contactId: contact.id,
  v: contact.version,
});

/** Runs `work` over `items`, at most `limit` at a time. */
export const inParallel = async <T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
) => {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
};

/** A write conditional on the item's version being older: a newer one wins silently. */
const putIfNewer = async (item: Item): Promise<void> => {
  try {
    await dynamo.send(
      new PutCommand({
        TableName: tableName('contacts'),
        Item: item,
        ConditionExpression: 'attribute_not_exists(v) OR v < :v',
        ExpressionAttributeValues: { ':v': item.v },
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
};

/** The membership items of a contact in the table now (sort keys), tombstones left out. */
const storedMemberships = async (contactId: string): Promise<string[]> => {
  const sks: string[] = [];
  let startKey: Item | undefined;
  do {
    const result = await dynamo.send(
      new QueryCommand({
        TableName: tableName('contacts'),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :m)',
        ExpressionAttributeValues: {
          ':pk': contactKeys.contact(contactId).pk,
          ':m': contactKeys.memberPrefix,
        },
        ProjectionExpression: 'sk, gpk',
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of result.Items ?? []) if (item.gpk) sks.push(String(item.sk));
    startKey = result.LastEvaluatedKey;
  } while (startKey);
  return sks;
};

/**
 * Brings the membership items in line with `contact` (at its version). With `previous` (the state
 * the change started from) only what differs is written; without it (recovery) the stored items are
 * read and everything is rewritten.
 */
const syncMemberships = async (contact: StoredContact, previous: ContactState | undefined): Promise<void> => {
  const desired = new Map(membershipsOf(contact).map((m) => [membershipKey(contact.id, m).sk, m]));
  const present = previous
    ? membershipsOf(previous).map((m) => membershipKey(contact.id, m).sk)
    : await storedMemberships(contact.id);
  // The projection is copied onto every membership item, so any change of it rewrites them all.
  const projectionChanged =
    !previous || JSON.stringify(memberProjection(previous)) !== JSON.stringify(memberProjection(contact));
  const writes: Item[] = [];
  for (const [sk, m] of desired) {
    if (projectionChanged || !present.includes(sk)) writes.push(membershipItem(contact, m));
  }
  for (const sk of present) if (!desired.has(sk)) writes.push(tombstone(contact, sk));
  await inParallel(writes, membershipConcurrency, putIfNewer);
};

/** The derived items of a committed change: memberships first, then history (see the module comment). */
const flush = async (contact: StoredContact, entries: readonly HistoryEntry[], previous?: ContactState) => {
  await syncMemberships(contact, previous);
  await history.putAll(contact.id, entries);
};

const attributeNames = [
  'email',
  'emailKey',
  'firstName',
  'lastName',
  'locale',
  'fields',
  'interests',
  'consent',
  'subscriptions',
  'updatedAt',
] as const;

export async function get(id: string): Promise<StoredContact | undefined> {
  const { Item } = await dynamo.send(
    new GetCommand({
      TableName: tableName('contacts'),
      Key: contactKeys.contact(id),
      ConsistentRead: true,
    }),
  );
  return Item ? contactFromItem(Item) : undefined;
}

export async function getMany(ids: readonly string[]): Promise<Map<string, StoredContact>> {
  const unique = [...new Set(ids)];
  const items = await batchGetAll(
    tableName('contacts'),
    unique.map((id) => contactKeys.contact(id)),
    true,
    4,
  );
  return new Map(items.map((item) => [String(item.id), contactFromItem(item)]));
}

export async function getClaim(emailKey: string): Promise<Claim | undefined> {
  const { Item } = await dynamo.send(
    new GetCommand({
      TableName: tableName('contacts'),
      Key: contactKeys.claim(emailKey),
      ConsistentRead: true,
    }),
  );
  return Item ? claimFromItem(Item) : undefined;
}

/**
 * Claims and suppression entries of many addresses at once, both read through the same
 * BatchGetItem calls (100 keys each): `emailKeys` → claims, `fingerprints` → suppression reasons.
 */
export async function lookup(
  emailKeys: readonly string[],
  fingerprints: readonly string[],
): Promise<{ claims: Map<string, Claim>; suppressed: Map<string, string> }> {
  const keys = [
    ...[...new Set(emailKeys)].map((k) => contactKeys.claim(k)),
    ...[...new Set(fingerprints)].map((fp) => contactKeys.suppression(fp)),
  ];
  const claims = new Map<string, Claim>();
  const suppressed = new Map<string, string>();
  for (const item of await batchGetAll(tableName('contacts'), keys, true, 4)) {
    const pk = String(item.pk);
    if (pk.startsWith(claimPrefix)) claims.set(pk.slice(claimPrefix.length), claimFromItem(item));
    else suppressed.set(pk.slice(suppressionPrefix.length), String(item.reason));
  }
  return { claims, suppressed };
}

/** The contact that holds this address now, if any (a claim that is not live finds nothing). */
export async function findByEmail(emailKey: string): Promise<StoredContact | undefined> {
  const claim = await getClaim(emailKey);
  if (!claim) return undefined;
  const contact = await get(claim.contactId);
  return contact?.emailKey === emailKey ? contact : undefined;
}

/**
 * Claims an address for `contactId`. Returns false when someone else holds it: a live claim, or
 * one younger than the grace period (its creator may still be writing the contact).
 */
export async function claim(emailKey: string, contactId: string, now = new Date()): Promise<boolean> {
  const claimedAt = now.toISOString();
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await dynamo.send(
        new PutCommand({
          TableName: tableName('contacts'),
          Item: { ...contactKeys.claim(emailKey), contactId, claimedAt },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
    const existing = await getClaim(emailKey);
    if (!existing) continue; // released in between: try again
    if (existing.contactId === contactId) return true;
    if (Date.parse(existing.claimedAt) + claimGraceMs > now.getTime()) return false;
    const holder = await get(existing.contactId);
    if (holder?.emailKey === emailKey) return false;
    // Orphaned for longer than any function runs: take it over, unless someone else just did.
    try {
      await dynamo.send(
        new UpdateCommand({
          TableName: tableName('contacts'),
          Key: contactKeys.claim(emailKey),
          UpdateExpression: 'SET contactId = :new, claimedAt = :at',
          ConditionExpression: 'contactId = :old AND claimedAt = :oldAt',
          ExpressionAttributeValues: {
            ':new': contactId,
            ':at': claimedAt,
            ':old': existing.contactId,
            ':oldAt': existing.claimedAt,
          },
        }),
      );
      return true;
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
      return false;
    }
  }
  return false;
}

/** Gives up a claim, only if `contactId` still holds it. */
export async function releaseClaim(emailKey: string, contactId: string): Promise<void> {
  try {
    await dynamo.send(
      new DeleteCommand({
        TableName: tableName('contacts'),
        Key: contactKeys.claim(emailKey),
        ConditionExpression: 'contactId = :id',
        ExpressionAttributeValues: { ':id': contactId },
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
}

/**
 * Stores a new contact (its address already claimed): the contact item with its entries in the
 * outbox, then memberships and history. Its id is fresh, so nobody else writes these items yet.
 */
export async function insert(change: Change): Promise<StoredContact> {
  const entries = assignEntryIds(change.entries);
  const contact: StoredContact = {
    ...change.next,
    version: 1,
    outbox: Object.fromEntries(entries.map((e) => [e.id, e])),
  };
  await dynamo.send(
    new PutCommand({
      TableName: tableName('contacts'),
      Item: contactItem(contact),
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  await batchWriteAll(
    tableName('contacts'),
    membershipsOf(contact).map((m) => ({ PutRequest: { Item: membershipItem(contact, m) } })),
  );
  await history.putAll(contact.id, entries);
  return contact;
}

/**
 * Stores many new contacts (addresses claimed, ids fresh) in three rounds of BatchWriteItem —
 * contact items, then memberships, then history — so that, as for a single change, a history
 * item's existence implies its memberships were written.
 */
export async function insertMany(changes: readonly Change[]): Promise<StoredContact[]> {
  const stored = changes.map((change) => {
    const entries = assignEntryIds(change.entries);
    return {
      contact: {
        ...change.next,
        version: 1,
        outbox: Object.fromEntries(entries.map((e) => [e.id, e])),
      } satisfies StoredContact,
      entries,
    };
  });
  const table = tableName('contacts');
  await batchWriteAll(
    table,
    stored.map(({ contact }) => ({ PutRequest: { Item: contactItem(contact) } })),
  );
  await batchWriteAll(
    table,
    stored.flatMap(({ contact }) =>
      membershipsOf(contact).map((m) => ({ PutRequest: { Item: membershipItem(contact, m) } })),
    ),
  );
  await batchWriteAll(
    table,
    stored.flatMap(({ contact, entries }) =>
      entries.map((e) => ({ PutRequest: { Item: historyItem(contact.id, e) } })),
    ),
  );
  return stored.map(({ contact }) => contact);
}

/**
 * Stores new contacts of an import (addresses claimed, ids deterministic per job and row): the
 * contact items, their first history entries in the outbox, then the membership items. History
 * items are not written: the outbox is the history until the contact's next change copies it
 * (history reads merge both), which keeps a new contact at one claim, one contact item and its
 * memberships. With `onlyMissing` (a step resumed after a crash) contacts that exist already are
 * left as they are (they may have changed since) and memberships are written only where newer.
 */
export async function insertImported(
  changes: readonly Change[],
  onlyMissing = false,
): Promise<StoredContact[]> {
  let stored = changes.map((change): StoredContact => {
    const entries = assignEntryIds(change.entries);
    return { ...change.next, version: 1, outbox: Object.fromEntries(entries.map((e) => [e.id, e])) };
  });
  const table = tableName('contacts');
  if (onlyMissing) {
    const existing = await getMany(stored.map((c) => c.id));
    const missing = stored.filter((c) => !existing.has(c.id));
    await batchWriteAll(
      table,
      missing.map((contact) => ({ PutRequest: { Item: contactItem(contact) } })),
      8,
    );
    stored = stored.map((c) => existing.get(c.id) ?? c);
    await inParallel(
      stored.flatMap((contact) => membershipsOf(contact).map((m) => membershipItem(contact, m))),
      membershipConcurrency,
      putIfNewer,
    );
    return stored;
  }
  await batchWriteAll(
    table,
    stored.map((contact) => ({ PutRequest: { Item: contactItem(contact) } })),
    8,
  );
  await batchWriteAll(
    table,
    stored.flatMap((contact) =>
      membershipsOf(contact).map((m) => ({ PutRequest: { Item: membershipItem(contact, m) } })),
    ),
    8,
  );
  return stored;
}

/**
 * Makes sure every outbox entry of `contact` has its history item (and so its memberships), and
 * returns the ids that may now leave the outbox. See the module comment.
 */
export async function ensureFlushed(contact: StoredContact): Promise<string[]> {
  const pending = Object.values(contact.outbox);
  if (!pending.length) return [];
  const have = await history.existingIds(
    contact.id,
    pending.map((e) => e.id),
  );
  const missing = pending.filter((e) => !have.has(e.id));
  if (missing.length) await flush(contact, missing);
  return pending.map((e) => e.id);
}

/**
 * The state-changing step alone: one UpdateItem of the contact item, conditional on the version
 * read, that stores `change.next`, bumps the version, adds the change's entries to the outbox and
 * drops `flushed` from it. Throws ConflictError when the contact changed since it was read.
 * Callers use {@link change}, which also flushes; this is exposed for crash tests.
 */
export async function commit(
  current: StoredContact,
  change: Change,
  flushed: readonly string[] = [],
  releasedClaims: readonly string[] = [],
): Promise<{ contact: StoredContact; entries: HistoryEntry[] }> {
  const entries = assignEntryIds(change.entries, newestEntryId(current.outbox));
  const outbox = { ...current.outbox };
  for (const id of flushed) delete outbox[id];
  for (const e of entries) outbox[e.id] = e;
  const next = change.next;
  const otherClaims = otherClaimsAfter(current, next.emailKey, releasedClaims, new Date().toISOString());
  const contact: StoredContact = {
    ...next,
    version: current.version + 1,
    outbox,
    ...(otherClaims ? { otherClaims } : {}),
  };

  const names: Record<string, string> = { '#version': 'version', '#outbox': 'outbox' };
  const values: Record<string, unknown> = {
    ':v': current.version,
    ':nv': contact.version,
    ':outbox': storedOutbox(outbox),
  };
  const set = ['#version = :nv', '#outbox = :outbox'];
  const remove: string[] = [];
  for (const name of attributeNames) {
    names[`#${name}`] = name;
    const value = next[name];
    if (value === undefined) remove.push(`#${name}`);
    else {
      set.push(`#${name} = :${name}`);
      values[`:${name}`] = value;
    }
  }
  if (otherClaims || current.otherClaims) {
    names['#otherClaims'] = 'otherClaims';
    if (otherClaims) {
      set.push('#otherClaims = :otherClaims');
      values[':otherClaims'] = otherClaims;
    } else remove.push('#otherClaims');
  }
  // Only touched when this change means to: another writer may mirror a suppression meanwhile.
  if (next.suppressed !== current.suppressed) {
    names['#suppressed'] = 'suppressed';
    if (next.suppressed === undefined) remove.push('#suppressed');
    else {
      set.push('#suppressed = :suppressed');
      values[':suppressed'] = next.suppressed;
    }
  }
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName('contacts'),
        Key: contactKeys.contact(current.id),
        UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
        ConditionExpression: '#version = :v',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  } catch (error) {
    if (isConditionFailed(error)) throw new ConflictError('The contact was changed at the same time; retry');
    throw error;
  }
  return { contact, entries };
}

/**
 * Notes, before claiming it, an address the contact is about to move to (see `otherClaims`), so
 * that an erasure finds the claim even if the move never completes. Bumps the version: a change
 * computed from an earlier read must read again and keep the note.
 */
export async function noteClaim(
  current: StoredContact,
  emailKey: string,
  now = Date.now(),
): Promise<StoredContact> {
  const otherClaims = { ...current.otherClaims, [emailKey]: new Date(now + claimGraceMs).toISOString() };
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName('contacts'),
        Key: contactKeys.contact(current.id),
        UpdateExpression: 'SET #otherClaims = :o, #version = :nv',
        ConditionExpression: '#version = :v',
        ExpressionAttributeNames: { '#otherClaims': 'otherClaims', '#version': 'version' },
        ExpressionAttributeValues: { ':o': otherClaims, ':v': current.version, ':nv': current.version + 1 },
      }),
    );
  } catch (error) {
    if (isConditionFailed(error)) throw new ConflictError('The contact was changed at the same time; retry');
    throw error;
  }
  return { ...current, otherClaims, version: current.version + 1 };
}

/** Drops a note made by {@link noteClaim} whose claim was not won. */
export async function forgetClaim(contactId: string, emailKey: string): Promise<void> {
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName('contacts'),
        Key: contactKeys.contact(contactId),
        UpdateExpression: 'REMOVE #otherClaims.#key',
        ConditionExpression: 'attribute_exists(#otherClaims)',
        ExpressionAttributeNames: { '#otherClaims': 'otherClaims', '#key': emailKey },
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
}

/**
 * Gives back the other claims whose time has come (all of them with `all`, for erasure), only
 * where this contact still holds them. Returns the address keys given back.
 */
export async function releaseOtherClaims(contact: StoredContact, all = false): Promise<string[]> {
  const now = new Date().toISOString();
  const due = Object.entries(contact.otherClaims ?? {})
    .filter(([key, after]) => key !== contact.emailKey && (all || after <= now))
    .map(([key]) => key);
  for (const key of due) await releaseClaim(key, contact.id);
  return due;
}

/** Writes a committed change's derived items (see {@link change}); exposed for crash tests. */
export { flush };

/**
 * Changes one contact: read it, flush what an earlier change left in the outbox, let `decide`
 * compute the change from the current state (undefined: nothing to do), commit it, flush it.
 * A commit lost to a concurrent change is retried on a fresh read. `preloaded` saves the first read.
 */
export async function change(
  id: string,
  decide: (current: StoredContact) => Change | undefined,
  preloaded?: StoredContact,
): Promise<{ contact: StoredContact; changed: boolean }> {
  let known = preloaded;
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const current = known ?? (await get(id));
    known = undefined;
    if (!current) throw new NotFoundError('Contact not found');
    const flushed = await ensureFlushed(current);
    const released = await releaseOtherClaims(current);
    const change = decide(current);
    if (!change) return { contact: current, changed: false };
    try {
      const { contact, entries } = await commit(current, change, flushed, released);
      await flush(contact, entries, current);
      return { contact, changed: true };
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      await new Promise((r) => setTimeout(r, Math.random() * 20 * (attempt + 1)));
    }
  }
  throw new ConflictError('The contact is being changed by others at the same time; retry');
}

/** Membership items in the table (tombstones left out): what the export shows. */
export async function memberships(contactId: string): Promise<Membership[]> {
  const typePrefix = contactKeys.typeMember(contactId, '').sk;
  const interestPrefix = contactKeys.interestMember(contactId, '').sk;
  const items: Membership[] = [];
  for (const sk of await storedMemberships(contactId)) {
    if (sk.startsWith(typePrefix)) items.push({ kind: 'type', typeId: sk.slice(typePrefix.length) });
    else if (sk.startsWith(interestPrefix))
      items.push({ kind: 'interest', tag: sk.slice(interestPrefix.length) });
  }
  return items;
}

/** Keys of every item in the contact's partition (contact, history, memberships, tombstones). */
export async function partitionKeys(contactId: string): Promise<Array<{ pk: string; sk: string }>> {
  const keys: Array<{ pk: string; sk: string }> = [];
  let startKey: Item | undefined;
  do {
    const result = await dynamo.send(
      new QueryCommand({
        TableName: tableName('contacts'),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': contactKeys.contact(contactId).pk },
        ProjectionExpression: 'pk, sk',
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of result.Items ?? []) keys.push({ pk: String(item.pk), sk: String(item.sk) });
    startKey = result.LastEvaluatedKey;
  } while (startKey);
  return keys;
}

/** Deletes items by key, 25 per BatchWriteItem. */
export async function deleteKeys(keys: ReadonlyArray<{ pk: string; sk: string }>): Promise<void> {
  if (!keys.length) return;
  await batchWriteAll(
    tableName('contacts'),
    keys.map((Key) => ({ DeleteRequest: { Key } })),
  );
}
