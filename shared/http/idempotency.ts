import { createHash } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo, isConditionFailed, tableName } from '#shared/adapters/dynamodb/client.ts';
import { HttpError } from './errors.ts';

const ttlSeconds = 24 * 60 * 60;

export interface StoredResponse {
  statusCode: number;
  body: string;
}

/**
 * `Idempotency-Key` on creating POSTs: the first request claims the key (conditional put), runs,
 * and stores its response; a retry with the same key and body gets the stored response; the same
 * key with another body is a 422; a retry while the first still runs is a 409.
 * Keys are scoped to the API key that sent them and kept for 24 hours.
 */
export const idempotency = {
  async begin(scope: string, key: string, body: string): Promise<StoredResponse | undefined> {
    if (key.length > 200)
      throw new HttpError(422, 'validation_failed', 'Idempotency-Key is longer than 200 characters');
    const item = itemKey(scope, key);
    const bodyHash = createHash('sha256').update(body).digest('hex');
    try {
      await dynamo.send(
        new PutCommand({
          TableName: tableName('app'),
          Item: {
            ...item,
            state: 'started',
            bodyHash,
            expiresAt: Math.floor(Date.now() / 1000) + ttlSeconds,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return undefined;
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
    const { Item } = await dynamo.send(
      new GetCommand({ TableName: tableName('app'), Key: item, ConsistentRead: true }),
    );
    if (Item?.bodyHash !== bodyHash) {
      throw new HttpError(
        422,
        'idempotency_key_reused',
        'This Idempotency-Key was used with a different request body',
      );
    }
    if (Item.state !== 'done') {
      throw new HttpError(
        409,
        'request_in_progress',
        'A request with this Idempotency-Key is still being processed',
      );
    }
    return { statusCode: Item.statusCode as number, body: Item.response as string };
  },

  async complete(scope: string, key: string, response: StoredResponse): Promise<void> {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName('app'),
        Key: itemKey(scope, key),
        UpdateExpression: 'SET #s = :done, statusCode = :c, #r = :r',
        ExpressionAttributeNames: { '#s': 'state', '#r': 'response' },
        ExpressionAttributeValues: { ':done': 'done', ':c': response.statusCode, ':r': response.body },
      }),
    );
  },

  /** A request that failed frees its key, so the client may retry it. */
  async release(scope: string, key: string): Promise<void> {
    await dynamo.send(new DeleteCommand({ TableName: tableName('app'), Key: itemKey(scope, key) }));
  },
};

const itemKey = (scope: string, key: string) => ({
  pk: `IDEM#${scope}#${createHash('sha256').update(key).digest('hex')}`,
  sk: 'IDEM',
});
