import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ChunkRecord, ChunkRow, ChunkState, PendingCount } from '#shared/domain/chunk-attempt.ts';
import type { RowStatus } from '#shared/domain/ses-events.ts';
import { batchGetAll, batchWriteAll } from './batch.ts';
import { dynamo, isConditionFailed, tableName } from './client.ts';
import { updateExpression } from './update-expression.ts';
import type { PageKey } from './members.ts';

/**
 * Recipient records, kept per chunk: one item holds the ≤ 50 recipients of one SQS message (or up
 * to 100 excluded ones), so recording a verdict costs a fraction of a write per recipient.
 *
 * | item        | pk                | sk             |
 * |-------------|-------------------|----------------|
 * | chunk       | `R#<mailingId>`   | `K#<chunkId>`  |
 * | checkpoint  | `R#<mailingId>`   | `PLAN`         |
 *
 * Chunk ids are deterministic (source, page number, position), so planning that resumes after a
 * crash finds what it already wrote instead of recording anyone twice.
 */
export const recipientStatuses = [
  'pending',
  'queued',
  'sending',
  'sent',
  'delivered',
  'bounced',
  'complained',
  'failed',
  'skipped',
] as const satisfies readonly RowStatus[];
export type RecipientStatus = (typeof recipientStatuses)[number];

/** One recipient in a chunk (shared/domain/chunk-attempt.ts). */
export type Row = ChunkRow;
export type { PendingCount };

/** A chunk as planning writes it: a new one starts at version 0 with nothing owed. */
export interface PlannedChunk {
  mailingId: string;
  chunkId: string;
  /** `send`: included recipients, one SQS message; `skip`: excluded ones, never sent. */
  kind: 'send' | 'skip';
  state: ChunkState;
  rows: Row[];
}

/** A chunk as stored: its place, and the record the chunk attempt's state machine works on. */
export interface Chunk extends PlannedChunk, ChunkRecord {}

export interface SourceCheckpoint {
  /** The number of the next page (or of the page in progress). */
  page: number;
  /** Where it starts: after this position. */
  next?: PageKey;
  done: boolean;
  /**
   * The page in progress: saved before any of its chunks is written, so a planner that crashed
   * while writing them reads again exactly that page (up to `through`), not a longer or shorter one.
   */
  current?: { through: string };
  /**
   * Send chunks written but not queued yet: queueing waits for a full SendMessageBatch of 10, so
   * a page boundary does not cost a part-empty call. Kept here so a crash cannot lose them.
   */
  carry?: string[];
}

/** A chunk as feedback reads it: its rows, its feedback version, and the counts still owed. */
export interface FeedbackChunk extends Chunk {
  /** Bumped by every feedback write of the rows; 0 before the first. */
  fv: number;
  /** Whether the item holds a `pend` map (the sender's last write leaves one, empty or not). */
  pendStored: boolean;
}

const keys = {
  chunk: (mailingId: string, chunkId: string) => ({ pk: `R#${mailingId}`, sk: `K#${chunkId}` }),
  plan: (mailingId: string) => ({ pk: `R#${mailingId}`, sk: 'PLAN' }),
};

const toChunk = (item: Record<string, unknown>): Chunk => ({
  mailingId: String(item.pk).slice(2),
  chunkId: String(item.sk).slice(2),
  kind: item.kind as Chunk['kind'],
  state: item.state as ChunkState,
  rows: item.rows as Row[],
  v: typeof item.v === 'number' ? item.v : 0,
  ...(typeof item.holder === 'string' ? { holder: item.holder } : {}),
  ...(typeof item.leaseUntil === 'number' ? { leaseUntil: item.leaseUntil } : {}),
  pend: (item.pend ?? {}) as Record<string, PendingCount>,
});

const toFeedbackChunk = (item: Record<string, unknown>): FeedbackChunk => ({
  ...toChunk(item),
  fv: typeof item.fv === 'number' ? item.fv : 0,
  pendStored: item.pend !== undefined,
});

/** Planning's write of new chunks (version 0); a chunk already written is overwritten as it was. */
export async function putChunks(chunks: PlannedChunk[]): Promise<void> {
  await batchWriteAll(
    tableName('recipients'),
    chunks.map((chunk) => ({
      PutRequest: {
        Item: {
          ...keys.chunk(chunk.mailingId, chunk.chunkId),
          kind: chunk.kind,
          state: chunk.state,
          rows: chunk.rows,
          v: 0,
          // Sender and feedback writes set entries inside it: the map must exist.
          ...(chunk.kind === 'send' ? { pend: {} } : {}),
        },
      },
    })),
  );
}

export async function getChunk(mailingId: string, chunkId: string): Promise<Chunk | undefined> {
  const { Item } = await dynamo.send(
    new GetCommand({
      TableName: tableName('recipients'),
      Key: keys.chunk(mailingId, chunkId),
      ConsistentRead: true,
    }),
  );
  return Item ? toChunk(Item) : undefined;
}

/**
 * The sender's write of a chunk: `next` at its new version, on condition that the stored chunk is
 * still at the version of `previous` (as this attempt last wrote or read it) and not done. Only
 * what changed is written: state, rows, version, holder and lease, and of `pend` only the entries
 * this attempt set or dropped — an entry another attempt clears meanwhile is never written back.
 * False when another attempt wrote first.
 */
export async function writeChunk(next: Chunk, previous: ChunkRecord): Promise<boolean> {
  const names: Record<string, string> = { '#state': 'state', '#rows': 'rows' };
  const values: Record<string, unknown> = {
    ':state': next.state,
    ':rows': next.rows,
    ':nv': next.v,
    ':v': previous.v,
    ':done': 'done',
  };
  const sets = ['#state = :state', '#rows = :rows', 'v = :nv'];
  const removes: string[] = [];
  if (next.holder !== undefined && next.leaseUntil !== undefined) {
    sets.push('holder = :holder', 'leaseUntil = :lease');
    values[':holder'] = next.holder;
    values[':lease'] = next.leaseUntil;
  } else removes.push('holder', 'leaseUntil');
  let i = 0;
  for (const [token, entry] of Object.entries(next.pend)) {
    if (JSON.stringify(previous.pend[token]) === JSON.stringify(entry)) continue;
    names[`#p${i}`] = token;
    values[`:p${i}`] = entry;
    sets.push(`pend.#p${i} = :p${i}`);
    i++;
  }
  for (const token of Object.keys(previous.pend)) {
    if (token in next.pend) continue;
    names[`#p${i}`] = token;
    removes.push(`pend.#p${i}`);
    i++;
  }
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName('recipients'),
        Key: keys.chunk(next.mailingId, next.chunkId),
        UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
        ConditionExpression:
          previous.v === 0
            ? '(attribute_not_exists(v) OR v = :v) AND #state <> :done'
            : 'v = :v AND #state <> :done',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/**
 * Ends the leases of attempts that cannot be alive, and lets their pending counts be settled at
 * once: for the local stack starting again after its process died, when no attempt of the old
 * process can write any more. On condition that the chunk is still as read.
 */
export async function endDeadLeases(chunk: Chunk): Promise<boolean> {
  const names: Record<string, string> = {};
  const sets = ['leaseUntil = :zero'];
  Object.keys(chunk.pend).forEach((token, i) => {
    names[`#p${i}`] = token;
    sets.push(`pend.#p${i}.#at = :zero`);
  });
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName('recipients'),
        Key: keys.chunk(chunk.mailingId, chunk.chunkId),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: 'v = :v',
        ...(Object.keys(names).length ? { ExpressionAttributeNames: { ...names, '#at': 'at' } } : {}),
        ExpressionAttributeValues: { ':zero': 0, ':v': chunk.v },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/**
 * Ids of send chunks not finished, a Query page at a time after chunk `after`: chunks still
 * `queued` or `sending` (their message may be lost: a paused mailing let it go, a restart emptied
 * the local queues, a chunk went to the DLQ), and done chunks still owing counts.
 */
export async function unfinishedSendChunks(
  mailingId: string,
  after?: string,
): Promise<{ chunkIds: string[]; last?: string }> {
  const result = await dynamo.send(
    new QueryCommand({
      TableName: tableName('recipients'),
      KeyConditionExpression: after ? 'pk = :pk AND sk > :after' : 'pk = :pk AND begins_with(sk, :k)',
      FilterExpression: 'kind = :send AND (#state <> :done OR size(pend) > :zero)',
      ProjectionExpression: 'sk',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: {
        ':pk': `R#${mailingId}`,
        ':done': 'done',
        ':send': 'send',
        ':zero': 0,
        ...(after ? { ':after': `K#${after}` } : { ':k': 'K#' }),
      },
    }),
  );
  const last = result.LastEvaluatedKey ? String(result.LastEvaluatedKey.sk).slice(2) : undefined;
  return { chunkIds: (result.Items ?? []).map((i) => String(i.sk).slice(2)), ...(last ? { last } : {}) };
}

/** The chunks of one planning page (ids `<prefix>.…`), read strongly consistent. */
export async function pageChunks(mailingId: string, prefix: string): Promise<Chunk[]> {
  const chunks: Chunk[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const result = await dynamo.send(
      new QueryCommand({
        TableName: tableName('recipients'),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': `R#${mailingId}`, ':prefix': `K#${prefix}.` },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    chunks.push(...(result.Items ?? []).map(toChunk));
    startKey = result.LastEvaluatedKey;
  } while (startKey);
  return chunks;
}

export async function getChunks(mailingId: string, chunkIds: string[]): Promise<Chunk[]> {
  const items = await batchGetAll(
    tableName('recipients'),
    chunkIds.map((id) => keys.chunk(mailingId, id)),
    true,
  );
  return items.map(toChunk);
}

/**
 * Chunks in id order, a page at a time, from chunk `from` (inclusive) or after `after`
 * (exclusive); the recipient report reads these.
 */
export async function listChunks(
  mailingId: string,
  position: { from?: string; after?: string },
  limit = 20,
): Promise<{ chunks: Chunk[]; more: boolean }> {
  const bound = position.after ?? position.from;
  const result = await dynamo.send(
    new QueryCommand({
      TableName: tableName('recipients'),
      KeyConditionExpression: bound
        ? 'pk = :pk AND sk BETWEEN :lo AND :hi'
        : 'pk = :pk AND begins_with(sk, :k)',
      ExpressionAttributeValues: bound
        ? {
            ':pk': `R#${mailingId}`,
            ':lo': `K#${bound}${position.after ? '\u0000' : ''}`,
            ':hi': 'K#\uffff',
          }
        : { ':pk': `R#${mailingId}`, ':k': 'K#' },
      Limit: limit,
    }),
  );
  return { chunks: (result.Items ?? []).map(toChunk), more: Boolean(result.LastEvaluatedKey) };
}

export async function getPlan(mailingId: string): Promise<Record<string, SourceCheckpoint>> {
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: tableName('recipients'), Key: keys.plan(mailingId), ConsistentRead: true }),
  );
  return (Item?.sources ?? {}) as Record<string, SourceCheckpoint>;
}

/**
 * Creates the checkpoint with every source at its start, unless planning already began (then
 * `fresh` is false and the planner resumes from what it returns).
 */
export async function initPlan(
  mailingId: string,
  sourceIds: string[],
): Promise<{ sources: Record<string, SourceCheckpoint>; fresh: boolean }> {
  const sources = Object.fromEntries(sourceIds.map((id) => [id, { page: 0, done: false }]));
  try {
    await dynamo.send(
      new PutCommand({
        TableName: tableName('recipients'),
        Item: { ...keys.plan(mailingId), sources },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return { sources, fresh: true };
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
    return { sources: await getPlan(mailingId), fresh: false };
  }
}

/**
 * One planner per mailing at a time: SQS may deliver the plan message twice, and two planners
 * would race on the same pages. A lease that outlives a crashed holder by its timeout.
 */
export async function acquireLease(mailingId: string, holder: string, leaseMs: number): Promise<boolean> {
  const now = Date.now();
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName('recipients'),
        Key: keys.plan(mailingId),
        UpdateExpression: 'SET leaseUntil = :until, leaseHolder = :holder',
        ConditionExpression: 'attribute_not_exists(leaseUntil) OR leaseUntil < :now OR leaseHolder = :holder',
        ExpressionAttributeValues: { ':until': now + leaseMs, ':now': now, ':holder': holder },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

export async function releaseLease(mailingId: string, holder: string): Promise<void> {
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName('recipients'),
        Key: keys.plan(mailingId),
        UpdateExpression: 'REMOVE leaseUntil, leaseHolder',
        ConditionExpression: 'leaseHolder = :holder',
        ExpressionAttributeValues: { ':holder': holder },
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
}

/**
 * Saves one source's checkpoint and adds the page's tallies in ONE atomic write, so a crash
 * either did both or neither: a resumed page is counted exactly once.
 */
export async function advancePlan(
  mailingId: string,
  sourceId: string,
  checkpoint: SourceCheckpoint,
  tally: Record<string, number>,
): Promise<void> {
  const { empty: _empty, ...update } = updateExpression({
    set: { [`sources.${sourceId}`]: checkpoint },
    add: tally,
  });
  await dynamo.send(
    new UpdateCommand({ TableName: tableName('recipients'), Key: keys.plan(mailingId), ...update }),
  );
}

/** Chunks for feedback, by `<mailingId>/<chunkId>`, read strongly consistent (100 keys a call). */
export async function getFeedbackChunks(
  wanted: ReadonlyArray<{ mailingId: string; chunkId: string }>,
): Promise<Map<string, FeedbackChunk>> {
  const items = await batchGetAll(
    tableName('recipients'),
    wanted.map((w) => keys.chunk(w.mailingId, w.chunkId)),
    true,
  );
  return new Map(
    items.map(toFeedbackChunk).map((chunk) => [`${chunk.mailingId}/${chunk.chunkId}`, chunk] as const),
  );
}

export async function getFeedbackChunk(
  mailingId: string,
  chunkId: string,
): Promise<FeedbackChunk | undefined> {
  const { Item } = await dynamo.send(
    new GetCommand({
      TableName: tableName('recipients'),
      Key: keys.chunk(mailingId, chunkId),
      ConsistentRead: true,
    }),
  );
  return Item ? toFeedbackChunk(Item) : undefined;
}

/**
 * Feedback's one write of a chunk: the new rows, the next feedback version, and what the change
 * owes the counters (`pend[token]`), all or nothing. Only on a `done` chunk (the sender never
 * writes it whole again) still at the version read: false when someone changed it first.
 */
export async function writeFeedbackRows(
  chunk: FeedbackChunk,
  rows: Row[],
  token: string,
  pending: PendingCount,
): Promise<boolean> {
  const first = chunk.fv === 0;
  // The map exists once the sender or an earlier feedback write left one: then only this write's
  // entry is set, and every other pending entry (the sender's too) is left alone.
  const newMap = !chunk.pendStored;
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName('recipients'),
        Key: keys.chunk(chunk.mailingId, chunk.chunkId),
        UpdateExpression: newMap
          ? 'SET #rows = :rows, fv = :nv, pend = :pend'
          : 'SET #rows = :rows, fv = :nv, pend.#t = :p',
        ConditionExpression: `#state = :done AND ${first ? 'attribute_not_exists(fv)' : 'fv = :fv'}${
          newMap ? ' AND attribute_not_exists(pend)' : ''
        }`,
        ExpressionAttributeNames: {
          '#rows': 'rows',
          '#state': 'state',
          ...(newMap ? {} : { '#t': token }),
        },
        ExpressionAttributeValues: {
          ':rows': rows,
          ':nv': chunk.fv + 1,
          ':done': 'done',
          ...(newMap ? { ':pend': { [token]: pending } } : { ':p': pending }),
          ...(first ? {} : { ':fv': chunk.fv }),
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/** Takes over a pending count whose writer is gone (it still names `from`). */
export async function claimPending(
  mailingId: string,
  chunkId: string,
  token: string,
  from: string,
  to: string,
  at: number,
): Promise<boolean> {
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName('recipients'),
        Key: keys.chunk(mailingId, chunkId),
        UpdateExpression: 'SET pend.#t.o = :to, pend.#t.#at = :at',
        ConditionExpression: 'pend.#t.o = :from',
        ExpressionAttributeNames: { '#t': token, '#at': 'at' },
        ExpressionAttributeValues: { ':to': to, ':from': from, ':at': at },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/** Removes a pending count once the counters have it, if `owner` still holds it. */
export async function clearPending(
  mailingId: string,
  chunkId: string,
  token: string,
  owner: string,
): Promise<boolean> {
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName('recipients'),
        Key: keys.chunk(mailingId, chunkId),
        UpdateExpression: 'REMOVE pend.#t',
        ConditionExpression: 'pend.#t.o = :owner',
        ExpressionAttributeNames: { '#t': token },
        ExpressionAttributeValues: { ':owner': owner },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/** Planning's tallies (eligible, excluded, queued, chunks, reason_*), read with the checkpoint. */
export async function getPlanTally(
  mailingId: string,
  consistent = false,
): Promise<{ tally: Record<string, number>; started: boolean }> {
  const { Item } = await dynamo.send(
    new GetCommand({
      TableName: tableName('recipients'),
      Key: keys.plan(mailingId),
      ConsistentRead: consistent,
    }),
  );
  const tally: Record<string, number> = {};
  for (const [name, value] of Object.entries(Item ?? {}))
    if (typeof value === 'number' && name !== 'leaseUntil') tally[name] = value;
  return { tally, started: Boolean(Item) };
}
