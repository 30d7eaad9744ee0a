import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Role } from '#shared/domain/api-key.ts';
import { NotFoundError } from '#shared/domain/errors.ts';
import { dynamo, tableName } from './client.ts';
import { decodeCursor, encodeCursor } from './pagination.ts';

/** Key layout: one item per key, addressed by the key's hash; listed through the byKind index. */
const keys = {
  item: (hash: string) => ({ pk: `APIKEY#${hash}`, sk: 'APIKEY' }),
  kind: 'APIKEY',
};

export interface ApiKeyRecord {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
  createdBy: string;
  revokedAt?: string;
  revokedBy?: string;
}

const fromItem = (item: Record<string, unknown>): ApiKeyRecord => ({
  id: item.id as string,
  name: item.name as string,
  role: item.role as Role,
  createdAt: item.createdAt as string,
  createdBy: item.createdBy as string,
  ...(item.revokedAt ? { revokedAt: item.revokedAt as string, revokedBy: item.revokedBy as string } : {}),
});

/**
 * The key stored under a hash, if any: what every keyed request looks up first. A function of its
 * own, so a route that only checks keys bundles this and not the rest of the adapter.
 */
export const findApiKeyByHash = async (hash: string): Promise<ApiKeyRecord | undefined> => {
  const { Item } = await dynamo.send(new GetCommand({ TableName: tableName('app'), Key: keys.item(hash) }));
  return Item ? fromItem(Item) : undefined;
};

export async function put(hash: string, record: ApiKeyRecord): Promise<void> {
  await dynamo.send(
    new PutCommand({
      TableName: tableName('app'),
      Item: { ...keys.item(hash), kind: keys.kind, kindSk: record.id, hash, ...record },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

export const findByHash = findApiKeyByHash;

export async function list(
  limit: number,
  cursor?: string,
): Promise<{ items: ApiKeyRecord[]; nextCursor: string | null }> {
  const result = await dynamo.send(
    new QueryCommand({
      TableName: tableName('app'),
      IndexName: 'byKind',
      KeyConditionExpression: 'kind = :k',
      ExpressionAttributeValues: { ':k': keys.kind },
      Limit: limit,
      ExclusiveStartKey: decodeCursor(cursor, { kind: keys.kind }),
    }),
  );
  return { items: (result.Items ?? []).map(fromItem), nextCursor: encodeCursor(result.LastEvaluatedKey) };
}

/** Marks a key revoked; it stops working at once. Revoking twice changes nothing. */
export async function revoke(id: string, by: string, at: string): Promise<ApiKeyRecord> {
  const found = await dynamo.send(
    new QueryCommand({
      TableName: tableName('app'),
      IndexName: 'byKind',
      KeyConditionExpression: 'kind = :k AND kindSk = :id',
      ExpressionAttributeValues: { ':k': keys.kind, ':id': id },
    }),
  );
  const item = found.Items?.[0];
  if (!item) throw new NotFoundError('API key not found');
  const { Attributes } = await dynamo.send(
    new UpdateCommand({
      TableName: tableName('app'),
      Key: keys.item(item.hash as string),
      UpdateExpression:
        'SET revokedAt = if_not_exists(revokedAt, :at), revokedBy = if_not_exists(revokedBy, :by)',
      ExpressionAttributeValues: { ':at': at, ':by': by },
      ReturnValues: 'ALL_NEW',
    }),
  );
  return fromItem(Attributes ?? item);
}
