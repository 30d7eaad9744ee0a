import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo, tableName } from './client.ts';

export type PageKey = Record<string, string>;

/**
 * One page of one shard of the sparse members index. No `Limit`: DynamoDB fills each page up to
 * 1 MB, the fewest Query calls (and read units) a full read can take.
 */
export const queryMembers = async (
  gpk: string,
  startKey?: PageKey,
  limit?: number,
): Promise<{ members: Record<string, unknown>[]; nextKey: PageKey | undefined }> => {
  const result = await dynamo.send(
    new QueryCommand({
      TableName: tableName('contacts'),
      IndexName: 'members',
      KeyConditionExpression: 'gpk = :g',
      ExpressionAttributeValues: { ':g': gpk },
      ExclusiveStartKey: startKey,
      ...(limit ? { Limit: limit } : {}),
    }),
  );
  return { members: result.Items ?? [], nextKey: result.LastEvaluatedKey as PageKey | undefined };
};

/**
 * The members of one shard after contact id `after` (exclusive), in contact-id order: one page
 * (`limit` items, else up to 1 MB) and whether more follow it; or, with `through`, every member up
 * to that id inclusive, over as many pages as it takes (a page read again exactly as first read).
 */
export const queryMemberRange = async (
  gpk: string,
  options: { after?: string | undefined; limit?: number | undefined; through?: string | undefined },
): Promise<{ members: Record<string, unknown>[]; more: boolean; last?: string }> => {
  const members: Record<string, unknown>[] = [];
  let startKey: PageKey | undefined;
  for (;;) {
    const result = await dynamo.send(
      new QueryCommand({
        TableName: tableName('contacts'),
        IndexName: 'members',
        KeyConditionExpression: options.after ? 'gpk = :g AND gsk > :after' : 'gpk = :g',
        ExpressionAttributeValues: { ':g': gpk, ...(options.after ? { ':after': options.after } : {}) },
        ExclusiveStartKey: startKey,
        ...(options.limit ? { Limit: options.limit } : {}),
      }),
    );
    const items = result.Items ?? [];
    startKey = result.LastEvaluatedKey as PageKey | undefined;
    if (options.through === undefined) {
      const last = items.at(-1)?.gsk;
      return { members: items, more: Boolean(startKey), ...(last ? { last: String(last) } : {}) };
    }
    const through = options.through;
    const within = items.filter((item) => String(item.gsk) <= through);
    members.push(...within);
    if (!startKey || within.length < items.length) return { members, more: false };
  }
};

/**
 * How many items one partition of the members index holds: `Select: COUNT`, so DynamoDB answers
 * the number and no items (it still reads them: a page per 1 MB, the same read units as reading
 * them back, without sending them).
 */
export const countMembers = async (gpk: string): Promise<number> => {
  let count = 0;
  let startKey: PageKey | undefined;
  do {
    const result = await dynamo.send(
      new QueryCommand({
        TableName: tableName('contacts'),
        IndexName: 'members',
        KeyConditionExpression: 'gpk = :g',
        ExpressionAttributeValues: { ':g': gpk },
        Select: 'COUNT',
        ExclusiveStartKey: startKey,
      }),
    );
    count += result.Count ?? 0;
    startKey = result.LastEvaluatedKey as PageKey | undefined;
  } while (startKey);
  return count;
};
