import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, NotFoundError } from '#shared/domain/errors.ts';
import type { Mailing, MailingStatus } from '#shared/domain/mailing.ts';
import { queryByKind } from './by-kind.ts';
import { dynamo, isConditionFailed, tableName } from './client.ts';
import { updateExpression } from './update-expression.ts';

/**
 * A mailing is two items: the mailing itself (bodies included, so it is large) and its counters,
 * kept apart so that every atomic `ADD` from planning, sending and feedback writes a small item
 * (one write unit) instead of rewriting the bodies.
 */
const keys = {
  mailing: (id: string) => ({ pk: `MAILING#${id}`, sk: 'MAILING' }),
  counts: (id: string) => ({ pk: `MAILING#${id}`, sk: 'COUNTS' }),
};

/** The key of a mailing's counters item, which the audience counters add its opt-outs to. */
export const mailingCountsKey = keys.counts;

type Stored = Omit<Mailing, 'counts' | 'reasons'>;

/** The counters item's attribute recording that feedback's counts under `token` were added. */
const feedbackMarker = (token: string) => `fb_${token}`;

export const mailings = {
  async create(mailing: Mailing): Promise<void> {
    const { counts: _counts, reasons: _reasons, ...stored } = mailing;
    await dynamo.send(
      new PutCommand({
        TableName: tableName('app'),
        Item: { ...keys.mailing(mailing.id), kind: 'MAILING', kindSk: mailing.id, ...stored },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  },

  /** The mailing without its counters (what workers need). */
  async getStored(id: string, consistent = false): Promise<Stored | undefined> {
    const { Item } = await dynamo.send(
      new GetCommand({ TableName: tableName('app'), Key: keys.mailing(id), ConsistentRead: consistent }),
    );
    if (!Item) return undefined;
    const { pk: _pk, sk: _sk, kind: _kind, kindSk: _kindSk, ...stored } = Item;
    return stored as Stored;
  },

  /** The counters item as stored (sent, failed, late, cancelled, chunksDone, reason_* …). */
  async getCountsRaw(id: string, consistent = false): Promise<Record<string, number>> {
    const { Item } = await dynamo.send(
      new GetCommand({ TableName: tableName('app'), Key: keys.counts(id), ConsistentRead: consistent }),
    );
    const raw: Record<string, number> = {};
    for (const [name, value] of Object.entries(Item ?? {})) if (typeof value === 'number') raw[name] = value;
    return raw;
  },

  /** Replaces the editable fields of a draft; anything else is a 409. */
  async updateDraft(id: string, changes: Record<string, unknown>, at: string): Promise<void> {
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
      if (!(await mailings.getStored(id, true))) throw new NotFoundError('Mailing not found');
      throw new ConflictError('Only a draft can be edited');
    }
  },

  /**
   * Moves the mailing from one of `from` to `to`, setting `fields` with it, atomically; answers
   * false when the mailing was not in one of `from` (someone else moved it first).
   */
  async transition(
    id: string,
    from: MailingStatus[],
    to: MailingStatus,
    fields: Record<string, unknown> = {},
  ): Promise<boolean> {
    const { empty: _empty, ...update } = updateExpression({
      set: { status: to, ...fields },
      names: { '#status': 'status' },
      values: Object.fromEntries(from.map((status, i) => [`:from${i}`, status])),
    });
    try {
      await dynamo.send(
        new UpdateCommand({
          TableName: tableName('app'),
          Key: keys.mailing(id),
          ConditionExpression: `#status IN (${from.map((_, i) => `:from${i}`).join(', ')})`,
          ...update,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  },

  /** Sets fields that are not part of the lifecycle (timestamps). */
  async setFields(id: string, fields: Record<string, unknown>): Promise<void> {
    const { empty: _empty, ...update } = updateExpression({ set: fields });
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName('app'),
        Key: keys.mailing(id),
        ConditionExpression: 'attribute_exists(pk)',
        ...update,
      }),
    );
  },

  async setCounter(id: string, name: string, value: number): Promise<void> {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName('app'),
        Key: keys.counts(id),
        UpdateExpression: 'SET #n = :v',
        ExpressionAttributeNames: { '#n': name },
        ExpressionAttributeValues: { ':v': value },
      }),
    );
  },

  /**
   * Feedback's counter change (shared/use-cases/feedback.ts): one atomic `ADD` of the deltas that the
   * feedback writes named by `tokens` owe, with a marker per token set in the same write and
   * required absent, so adding what the same tokens owe a second time changes nothing
   * (`applied: false`). Markers are strings, so they never show among the counters. Returns the
   * counters after the change (before it, when not applied).
   */
  async addFeedbackCounts(
    id: string,
    delta: Record<string, number>,
    tokens: readonly string[],
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
      names[`#m${i}`] = feedbackMarker(token);
      sets.push(`#m${i} = :mark`);
      absent.push(`attribute_not_exists(#m${i})`);
    });
    const numbers = (item: Record<string, unknown> | undefined) => {
      const counts: Record<string, number> = {};
      for (const [name, value] of Object.entries(item ?? {}))
        if (typeof value === 'number') counts[name] = value;
      return counts;
    };
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
      return { applied: true, counts: numbers(Attributes) };
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
      return { applied: false, counts: await mailings.getCountsRaw(id, true) };
    }
  },

  /** Drops the markers of {@link mailings.addFeedbackCounts} once nothing can add those tokens again. */
  async forgetFeedbackTokens(id: string, tokens: readonly string[]): Promise<void> {
    if (!tokens.length) return;
    const names = Object.fromEntries(tokens.map((token, i) => [`#m${i}`, feedbackMarker(token)]));
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName('app'),
        Key: keys.counts(id),
        UpdateExpression: `REMOVE ${Object.keys(names).join(', ')}`,
        ExpressionAttributeNames: names,
      }),
    );
  },

  /**
   * Atomic `ADD` to the counters; `reason_<reason>` keys tally eligibility reasons, `chunks` and
   * `chunksDone` track sending progress. Returns the counters after the change.
   */
  async addCounts(id: string, delta: Record<string, number>): Promise<Record<string, number>> {
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
  },

  /**
   * Mailings newest first (ids sort by creation time), optionally with one status or one
   * subscription type: what a list of mailings shows, without bodies.
   */
  async list(query: {
    limit: number;
    cursor?: string | undefined;
    status?: MailingStatus | undefined;
    subscriptionTypeId?: string | undefined;
  }): Promise<{ items: Stored[]; nextCursor: string | null }> {
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
        return stored as Stored;
      }),
      nextCursor: page.nextCursor,
    };
  },

  /** Deletes a draft and its counters: false when the mailing is not a draft (or gone). */
  async deleteDraft(id: string): Promise<boolean> {
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
  },
};

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
