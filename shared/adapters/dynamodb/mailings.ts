import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, NotFoundError } from '#shared/domain/errors.ts';
import type { Mailing, MailingStatus } from '#shared/domain/mailing.ts';
import { queryByKind } from './by-kind.ts';
import { dynamo, isConditionFailed, tableName } from './client.ts';
import { updateExpression } from './update-expression.ts';

/**
 * A mailing is two items: the mailing itself (bodies included, so it is large) and its counters,
 * kept apart so that every atomic `ADD` from planning, sending and feedback writes a small item
 * (one write unit) instead of rewriting the bodies. While it is being planned, sent or paused, a
 * third, tiny one marks it active: listed through `byKind` (`ACTIVE_MAILING`), so the reconciler
 * finds the mailings in progress without reading every mailing's bodies.
 */
const keys = {
  mailing: (id: string) => ({ pk: `MAILING#${id}`, sk: 'MAILING' }),
  counts: (id: string) => ({ pk: `MAILING#${id}`, sk: 'COUNTS' }),
  active: (id: string) => ({ pk: `MAILING#${id}`, sk: 'ACTIVE' }),
};
const activeKind = 'ACTIVE_MAILING';

/** A mailing in progress, as the reconciler sees it. */
export interface ActiveMailing {
  id: string;
  /** When the reconciler last queued its work again (epoch ms). */
  requeuedAt?: number;
}

/** The key of a mailing's counters item, which the audience counters add its opt-outs to. */
export const mailingCountsKey = keys.counts;

/** A mailing as stored: its counts and reasons live in items of their own. */
export type StoredMailing = Omit<Mailing, 'counts' | 'reasons'>;

const numbersOf = (item: Record<string, unknown> | undefined) => {
  const counts: Record<string, number> = {};
  for (const [name, value] of Object.entries(item ?? {})) if (typeof value === 'number') counts[name] = value;
  return counts;
};

/** The counters item's attribute recording that the counts owed under `token` were added. */
const countedMarker = (token: string) => `ct_${token}`;

export async function create(mailing: Mailing): Promise<void> {
  const { counts: _counts, reasons: _reasons, ...stored } = mailing;
  await dynamo.send(
    new PutCommand({
      TableName: tableName('app'),
      Item: { ...keys.mailing(mailing.id), kind: 'MAILING', kindSk: mailing.id, ...stored },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

/** Marks a mailing as in progress (sent, until it is finished or cancelled). */
export async function markActive(id: string): Promise<void> {
  await dynamo.send(
    new PutCommand({
      TableName: tableName('app'),
      Item: { ...keys.active(id), kind: activeKind, kindSk: id },
    }),
  );
}

export async function clearActive(id: string): Promise<void> {
  await dynamo.send(new DeleteCommand({ TableName: tableName('app'), Key: keys.active(id) }));
}

export async function noteRequeued(id: string, at: number): Promise<void> {
  await dynamo
    .send(
      new UpdateCommand({
        TableName: tableName('app'),
        Key: keys.active(id),
        UpdateExpression: 'SET requeuedAt = :at',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':at': at },
      }),
    )
    .catch((error: unknown) => {
      if (!isConditionFailed(error)) throw error;
    });
}

/** Every mailing in progress, a byKind page at a time. */
export async function listActive(): Promise<ActiveMailing[]> {
  const found: ActiveMailing[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const result = await dynamo.send(
      new QueryCommand({
        TableName: tableName('app'),
        IndexName: 'byKind',
        KeyConditionExpression: 'kind = :k',
        ExpressionAttributeValues: { ':k': activeKind },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of result.Items ?? [])
      found.push({
        id: String(item.kindSk),
        ...(typeof item.requeuedAt === 'number' ? { requeuedAt: item.requeuedAt } : {}),
      });
    startKey = result.LastEvaluatedKey;
  } while (startKey);
  return found;
}

/** The mailing without its counters (what workers need). */
export async function getStored(id: string, consistent = false): Promise<StoredMailing | undefined> {
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: tableName('app'), Key: keys.mailing(id), ConsistentRead: consistent }),
  );
  if (!Item) return undefined;
  const { pk: _pk, sk: _sk, kind: _kind, kindSk: _kindSk, ...stored } = Item;
  return stored as StoredMailing;
}

/** The counters item as stored (sent, failed, late, cancelled, chunksDone, reason_* …). */
export async function getCountsRaw(id: string, consistent = false): Promise<Record<string, number>> {
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: tableName('app'), Key: keys.counts(id), ConsistentRead: consistent }),
  );
  const { movedAt: _movedAt, ...raw } = numbersOf(Item);
  return raw;
}

/** Replaces the editable fields of a draft; anything else is a 409. */
export async function updateDraft(id: string, changes: Record<string, unknown>, at: string): Promise<void> {
  const { empty: _empty, ...update } = updateExpression({
    set: {
      ...Object.fromEntries(Object.entries(changes).map(([k, v]) => [k, v ?? undefined])),
      updatedAt: at,
    },
    names: { '#status': 'status' },
    values: { ':draft': 'draft' },
  });
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName('app'),
        Key: keys.mailing(id),
        ConditionExpression: 'attribute_exists(pk) AND #status = :draft',
        ...update,
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
    if (!(await getStored(id, true))) throw new NotFoundError('Mailing not found');
    throw new ConflictError('Only a draft can be edited');
  }
}

/**
 * Moves the mailing from one of `from` to `to`, setting `fields` with it, atomically; answers
 * false when the mailing was not in one of `from` (someone else moved it first), or, with
 * `unless`, when that field no longer holds the value the caller checked.
 */
export async function transition(
  id: string,
  from: MailingStatus[],
  to: MailingStatus,
  fields: Record<string, unknown> = {},
  unless?: { field: string; value: unknown },
): Promise<boolean> {
  const { empty: _empty, ...update } = updateExpression({
    set: { status: to, ...fields },
    names: { '#status': 'status', ...(unless ? { '#checked': unless.field } : {}) },
    values: {
      ...Object.fromEntries(from.map((status, i) => [`:from${i}`, status])),
      ...(unless ? { ':checked': unless.value } : {}),
    },
  });
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName('app'),
        Key: keys.mailing(id),
        ConditionExpression: `#status IN (${from.map((_, i) => `:from${i}`).join(', ')})${
          unless ? ' AND #checked = :checked' : ''
        }`,
        ...update,
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/** Sets fields that are not part of the lifecycle (timestamps). */
export async function setFields(id: string, fields: Record<string, unknown>): Promise<void> {
  const { empty: _empty, ...update } = updateExpression({ set: fields });
  await dynamo.send(
    new UpdateCommand({
      TableName: tableName('app'),
      Key: keys.mailing(id),
      ConditionExpression: 'attribute_exists(pk)',
      ...update,
    }),
  );
}

export async function setCounter(id: string, name: string, value: number): Promise<void> {
  await dynamo.send(
    new UpdateCommand({
      TableName: tableName('app'),
      Key: keys.counts(id),
      UpdateExpression: 'SET #n = :v',
      ExpressionAttributeNames: { '#n': name },
      ExpressionAttributeValues: { ':v': value },
    }),
  );
}

/**
 * Adds counts owed under pending entries (the sender's and feedback's, see
 * shared/domain/chunk-attempt.ts): one atomic `ADD` of the deltas that the writes named by `tokens`
 * owe, with a marker per token set in the same write and required absent, so adding what the
 * same tokens owe a second time changes nothing (`applied: false`). Markers are strings, so they
 * never show among the counters. `moved` also stamps `movedAt`: the sender's progress, which the
 * reconciler watches. Returns the counters after the change (before it, when not applied).
 */
export async function addCountsOnce(
  id: string,
  delta: Record<string, number>,
  tokens: readonly string[],
  options: { moved?: boolean } = {},
): Promise<{ applied: boolean; counts: Record<string, number> }> {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':mark': 'counted' };
  const adds: string[] = [];
  const sets: string[] = [];
  const absent: string[] = [];
  Object.entries(delta).forEach(([name, value], i) => {
    if (!value) return;
    names[`#n${i}`] = name;
    values[`:v${i}`] = value;
    adds.push(`#n${i} :v${i}`);
  });
  tokens.forEach((token, i) => {
    names[`#m${i}`] = countedMarker(token);
    sets.push(`#m${i} = :mark`);
    absent.push(`attribute_not_exists(#m${i})`);
  });
  if (options.moved) {
    sets.push('movedAt = :movedAt');
    values[':movedAt'] = Date.now();
  }
  try {
    const { Attributes } = await dynamo.send(
      new UpdateCommand({
        TableName: tableName('app'),
        Key: keys.counts(id),
        UpdateExpression: `SET ${sets.join(', ')}${adds.length ? ` ADD ${adds.join(', ')}` : ''}`,
        ConditionExpression: absent.join(' AND '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return { applied: true, counts: numbersOf(Attributes) };
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
    return { applied: false, counts: await getCountsRaw(id, true) };
  }
}

/** Drops the markers of {@link addCountsOnce} once nothing can add those tokens again. */
export async function forgetCountedTokens(id: string, tokens: readonly string[]): Promise<void> {
  if (!tokens.length) return;
  const names = Object.fromEntries(tokens.map((token, i) => [`#m${i}`, countedMarker(token)]));
  await dynamo.send(
    new UpdateCommand({
      TableName: tableName('app'),
      Key: keys.counts(id),
      UpdateExpression: `REMOVE ${Object.keys(names).join(', ')}`,
      ExpressionAttributeNames: names,
    }),
  );
}

/**
 * Notes that the message of chunk `chunkId` failed its last receive and went to the send queue's
 * DLQ: `GET /mailings/{id}` reports it, a resume brings it back.
 */
export async function noteDeadLetter(id: string, chunkId: string): Promise<void> {
  await dynamo.send(
    new UpdateCommand({
      TableName: tableName('app'),
      Key: keys.counts(id),
      UpdateExpression: 'ADD deadLetters :chunk',
      ExpressionAttributeValues: { ':chunk': new Set([chunkId]) },
    }),
  );
}

/** Forgets noted dead letters (a resume queued their chunks again). */
export async function clearDeadLetters(id: string, chunkIds: readonly string[]): Promise<void> {
  if (!chunkIds.length) return;
  await dynamo.send(
    new UpdateCommand({
      TableName: tableName('app'),
      Key: keys.counts(id),
      UpdateExpression: 'DELETE deadLetters :chunks',
      ExpressionAttributeValues: { ':chunks': new Set(chunkIds) },
    }),
  );
}

/** The counters item: counters, the chunks noted in the DLQ, and when the sender last moved. */
export async function getProgress(
  id: string,
  consistent = false,
): Promise<{ counts: Record<string, number>; deadLetters: string[]; movedAt?: number }> {
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: tableName('app'), Key: keys.counts(id), ConsistentRead: consistent }),
  );
  const { movedAt, ...rest } = numbersOf(Item);
  return {
    counts: rest,
    deadLetters: [...((Item?.deadLetters as Set<string> | undefined) ?? [])].sort(),
    ...(movedAt ? { movedAt } : {}),
  };
}

/**
 * Atomic `ADD` to the counters; `reason_<reason>` keys tally eligibility reasons, `chunks` and
 * `chunksDone` track sending progress. Returns the counters after the change.
 */
export async function addCounts(id: string, delta: Record<string, number>): Promise<Record<string, number>> {
  const { empty, ...update } = updateExpression({ add: delta });
  if (empty) return {};
  const { Attributes } = await dynamo.send(
    new UpdateCommand({
      TableName: tableName('app'),
      Key: keys.counts(id),
      ReturnValues: 'ALL_NEW',
      ...update,
    }),
  );
  return (Attributes ?? {}) as Record<string, number>;
}

/**
 * Mailings newest first (ids sort by creation time), optionally with one status or one
 * subscription type: what a list of mailings shows, without bodies.
 */
export async function list(query: {
  limit: number;
  cursor?: string | undefined;
  status?: MailingStatus | undefined;
  subscriptionTypeId?: string | undefined;
}): Promise<{ items: StoredMailing[]; nextCursor: string | null }> {
  const page = await queryByKind({
    kind: 'MAILING',
    limit: query.limit,
    cursor: query.cursor,
    newestFirst: true,
    where: { status: query.status, subscriptionTypeId: query.subscriptionTypeId },
    attributes: [...listedAttributes],
  });
  return {
    items: page.items.map((item) => {
      const { pk: _pk, sk: _sk, kind: _kind, kindSk: _kindSk, ...stored } = item;
      return stored as StoredMailing;
    }),
    nextCursor: page.nextCursor,
  };
}

/** Deletes a draft and its counters: false when the mailing is not a draft (or gone). */
export async function deleteDraft(id: string): Promise<boolean> {
  try {
    await dynamo.send(
      new DeleteCommand({
        TableName: tableName('app'),
        Key: keys.mailing(id),
        ConditionExpression: '#status = :draft',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':draft': 'draft' },
      }),
    );
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
  await dynamo.send(new DeleteCommand({ TableName: tableName('app'), Key: keys.counts(id) }));
  return true;
}

/** What a list of mailings reads of each: everything but the bodies and links. */
const listedAttributes = [
  'pk',
  'sk',
  'kind',
  'kindSk',
  'id',
  'name',
  'subscriptionTypeId',
  'listId',
  'from',
  'subject',
  'overrideConsent',
  'status',
  'createdAt',
  'updatedAt',
  'sendRequestedAt',
  'sendRequestedBy',
  'plannedAt',
  'completedAt',
  'cancelledAt',
  'cancelledBy',
  'pausedAt',
  'resumedAt',
  'resumedBy',
] as const;
