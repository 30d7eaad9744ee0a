/**
 * Small expiring items of the hosted pages in the app table, each one single-item atomic write:
 *
 * | item            | pk                            | sk     | notes                                    |
 * |-----------------|-------------------------------|--------|------------------------------------------|
 * | request counter | `RATE#<scope>#<hash>#<window>`| `RATE` | atomic `ADD n`; one item per window      |
 * | once-marker     | `ONCE#<scope>#<hash>`         | `ONCE` | `attribute_not_exists`: the first wins   |
 *
 * Both carry `expiresAt` (epoch seconds, the table's TTL attribute). Callers pass hashes, never an
 * address, IP or token. A counter's window is part of its key, so an item DynamoDB has not yet
 * swept (TTL deletion lags) is never read as the current window.
 */
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo, isConditionFailed, tableName } from './client.ts';

/**
 * Counts one request against `scope`/`hash` in the fixed window containing `now` and returns the
 * count so far, this request included.
 */
export async function count(
  scope: string,
  hash: string,
  windowSeconds: number,
  now = Date.now(),
): Promise<number> {
  const window = Math.floor(now / 1000 / windowSeconds);
  const { Attributes } = await dynamo.send(
    new UpdateCommand({
      TableName: tableName('app'),
      Key: { pk: `RATE#${scope}#${hash}#${window}`, sk: 'RATE' },
      UpdateExpression: 'ADD #n :one SET expiresAt = if_not_exists(expiresAt, :exp)',
      ExpressionAttributeNames: { '#n': 'count' },
      ExpressionAttributeValues: { ':one': 1, ':exp': (window + 1) * windowSeconds + 60 },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return Number(Attributes?.count ?? 1);
}

/** Marks `scope`/`hash` as done; true for the first caller only (until the marker expires). */
export async function markOnce(
  scope: string,
  hash: string,
  ttlSeconds: number,
  now = Date.now(),
): Promise<boolean> {
  try {
    await dynamo.send(
      new PutCommand({
        TableName: tableName('app'),
        Item: {
          pk: `ONCE#${scope}#${hash}`,
          sk: 'ONCE',
          at: new Date(now).toISOString(),
          expiresAt: Math.floor(now / 1000) + ttlSeconds,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/** Gives a marker back, so the work it guarded can be tried again. */
export async function unmark(scope: string, hash: string): Promise<void> {
  await dynamo.send(
    new DeleteCommand({ TableName: tableName('app'), Key: { pk: `ONCE#${scope}#${hash}`, sk: 'ONCE' } }),
  );
}
