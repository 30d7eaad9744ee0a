import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { NotFoundError } from '#shared/domain/errors.ts';
import type { SubscriptionType, TypeTranslation } from '#shared/domain/subscription-type.ts';
import { batchGetAll } from './batch.ts';
import { dynamo, isConditionFailed, tableName } from './client.ts';
import { decodeCursor, encodeCursor } from './pagination.ts';

/**
 * Key layout: one item per type in the app table, listed oldest first through the byKind index
 * (ids are time-sortable, so `kindSk` = id orders by creation).
 */
/** A type's partition: its item, and its audience counters (./audience-counters.ts). */
export const typePartition = (id: string) => `TYPE#${id}`;

const keys = {
  item: (id: string) => ({ pk: typePartition(id), sk: 'TYPE' }),
  kind: 'TYPE',
};

const fromItem = (item: Record<string, unknown>): SubscriptionType => ({
  id: item.id as string,
  name: item.name as string,
  description: (item.description as string | undefined) ?? '',
  public: item.public !== false,
  doubleOptIn: item.doubleOptIn === true,
  archived: item.archived === true,
  ...(item.translations ? { translations: item.translations as Record<string, TypeTranslation> } : {}),
  createdAt: item.createdAt as string,
  updatedAt: item.updatedAt as string,
});

export interface TypeChanges {
  name?: string;
  description?: string;
  public?: boolean;
  doubleOptIn?: boolean;
  archived?: boolean;
  /** Replaces all translations; null removes them. */
  translations?: Record<string, TypeTranslation> | null;
}

export async function create(type: SubscriptionType, createdBy: string): Promise<void> {
  await dynamo.send(
    new PutCommand({
      TableName: tableName('app'),
      Item: {
        ...keys.item(type.id),
        kind: keys.kind,
        kindSk: type.id,
        ...type,
        createdBy,
        updatedBy: createdBy,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

export async function get(id: string): Promise<SubscriptionType | undefined> {
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: tableName('app'), Key: keys.item(id), ConsistentRead: true }),
  );
  return Item ? fromItem(Item) : undefined;
}

/** Many types by id (100 per BatchGetItem); ids that do not exist are absent from the map. */
export async function getMany(ids: readonly string[]): Promise<Map<string, SubscriptionType>> {
  const items = await batchGetAll(
    tableName('app'),
    [...new Set(ids)].map((id) => keys.item(id)),
    true,
  );
  return new Map(items.map((item) => [String(item.id), fromItem(item)]));
}

export async function list(
  limit: number,
  cursor?: string,
): Promise<{ items: SubscriptionType[]; nextCursor: string | null }> {
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

/** Sets the given attributes of an existing type; NotFoundError when there is none. */
export async function update(
  id: string,
  changes: TypeChanges,
  by: string,
  at: string,
): Promise<SubscriptionType> {
  const names: Record<string, string> = { '#updatedAt': 'updatedAt', '#updatedBy': 'updatedBy' };
  const values: Record<string, unknown> = { ':updatedAt': at, ':updatedBy': by };
  const set = ['#updatedAt = :updatedAt', '#updatedBy = :updatedBy'];
  const remove: string[] = [];
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    names[`#${name}`] = name;
    if (value === null) remove.push(`#${name}`);
    else {
      set.push(`#${name} = :${name}`);
      values[`:${name}`] = value;
    }
  }
  try {
    const { Attributes } = await dynamo.send(
      new UpdateCommand({
        TableName: tableName('app'),
        Key: keys.item(id),
        UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return fromItem(Attributes ?? {});
  } catch (error) {
    if (isConditionFailed(error)) throw new NotFoundError('Subscription type not found');
    throw error;
  }
}
