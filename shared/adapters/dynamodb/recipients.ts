import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
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
] as const;
export type RecipientStatus = (typeof recipientStatuses)[number];

/** One recipient in a chunk, with short attribute names: they are stored millions of times. */
export interface Row {
  /** contact id */
  c: string;
  /** eligibility reason */
  r: string;
  /** status */
  s: RecipientStatus;
  /** detail: suppression reason, SES error, … */
  d?: string;
}

export interface Chunk {
  mailingId: string;
  chunkId: string;
  /** `send`: included recipients, one SQS message; `skip`: excluded ones, never sent. */
  kind: 'send' | 'skip';
  state: 'queued' | 'sending' | 'done' | 'cancelled';
  rows: Row[];
  /** The sender invocation holding a `sending` chunk. */
  attempt?: string;
}

export interface SourceCheckpoint {
  page: number;
  next?: PageKey;
  done: boolean;
}

const keys = {
  chunk: (mailingId: string, chunkId: string) => ({ pk: `R#${mailingId}`, sk: `K#${chunkId}` }),
  plan: (mailingId: string) => ({ pk: `R#${mailingId}`, sk: 'PLAN' }),
};

const toChunk = (item: Record<string, unknown>): Chunk => ({
  mailingId: String(item.pk).slice(2),
  chunkId: String(item.sk).slice(2),
  kind: item.kind as Chunk['kind'],
  state: item.state as Chunk['state'],
  rows: item.rows as Row[],
  ...(item.attempt ? { attempt: String(item.attempt) } : {}),
});

export const recipients = {
  async putChunks(chunks: Chunk[]): Promise<void> {
    await batchWriteAll(
      tableName('recipients'),
      chunks.map((chunk) => ({
        PutRequest: {
          Item: {
            ...keys.chunk(chunk.mailingId, chunk.chunkId),
            kind: chunk.kind,
            state: chunk.state,
            rows: chunk.rows,
          },
        },
      })),
    );
  },

  async getChunk(mailingId: string, chunkId: string): Promise<Chunk | undefined> {
    const { Item } = await dynamo.send(
      new GetCommand({
        TableName: tableName('recipients'),
        Key: keys.chunk(mailingId, chunkId),
        ConsistentRead: true,
      }),
    );
    return Item ? toChunk(Item) : undefined;
  },

  /**
   * Writes a chunk's new state and rows if it is still in `expected` state (and, for `sending`,
   * still held by `attempt`): the chunk's state machine advances by conditional writes only.
   */
  async replaceChunk(
    chunk: Chunk & { attempt?: string },
    expected: Chunk['state'],
    attempt?: string,
  ): Promise<boolean> {
    try {
      await dynamo.send(
        new PutCommand({
          TableName: tableName('recipients'),
          Item: {
            ...keys.chunk(chunk.mailingId, chunk.chunkId),
            kind: chunk.kind,
            state: chunk.state,
            rows: chunk.rows,
            ...(chunk.attempt ? { attempt: chunk.attempt } : {}),
          },
          ConditionExpression: attempt ? '#state = :expected AND attempt = :attempt' : '#state = :expected',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':expected': expected, ...(attempt ? { ':attempt': attempt } : {}) },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  },

  async getChunks(mailingId: string, chunkIds: string[]): Promise<Chunk[]> {
    const items = await batchGetAll(
      tableName('recipients'),
      chunkIds.map((id) => keys.chunk(mailingId, id)),
      true,
    );
    return items.map(toChunk);
  },

  /**
   * Chunks in id order, a page at a time, from chunk `from` (inclusive) or after `after`
   * (exclusive); the recipient report reads these.
   */
  async listChunks(
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
  },

  async getPlan(mailingId: string): Promise<Record<string, SourceCheckpoint>> {
    const { Item } = await dynamo.send(
      new GetCommand({ TableName: tableName('recipients'), Key: keys.plan(mailingId), ConsistentRead: true }),
    );
    return (Item?.sources ?? {}) as Record<string, SourceCheckpoint>;
  },

  /**
   * Creates the checkpoint with every source at its start, unless planning already began (then
   * `fresh` is false and the planner resumes from what it returns).
   */
  async initPlan(
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
      return { sources: await recipients.getPlan(mailingId), fresh: false };
    }
  },

  /**
   * One planner per mailing at a time: SQS may deliver the plan message twice, and two planners
   * would race on the same pages. A lease that outlives a crashed holder by its timeout.
   */
  async acquireLease(mailingId: string, holder: string, leaseMs: number): Promise<boolean> {
    const now = Date.now();
    try {
      await dynamo.send(
        new UpdateCommand({
          TableName: tableName('recipients'),
          Key: keys.plan(mailingId),
          UpdateExpression: 'SET leaseUntil = :until, leaseHolder = :holder',
          ConditionExpression:
            'attribute_not_exists(leaseUntil) OR leaseUntil < :now OR leaseHolder = :holder',
          ExpressionAttributeValues: { ':until': now + leaseMs, ':now': now, ':holder': holder },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  },

  async releaseLease(mailingId: string, holder: string): Promise<void> {
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
  },

  /**
   * Saves one source's checkpoint and adds the page's tallies in ONE atomic write, so a crash
   * either did both or neither: a resumed page is counted exactly once.
   */
  async advancePlan(
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
  },

  /** Planning's tallies (eligible, excluded, queued, chunks, reason_*), read with the checkpoint. */
  async getPlanTally(
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
  },
};
