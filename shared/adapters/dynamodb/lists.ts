import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TargetList } from '#shared/domain/list.ts';
import { queryByKind } from './by-kind.ts';
import { dynamo, isConditionFailed, tableName } from './client.ts';

/**
 * One item per list, listed through byKind. The item also names the mailings that were ever
 * made for the list (`mailingIds`, a string set) with a `version` that each addition bumps, so a
 * delete can tell whether one of them still uses it, and be refused if a mailing came meanwhile.
 */
const key = (id: string) => ({ pk: `LIST#${id}`, sk: 'LIST' });

const fromItem = (item: Record<string, unknown>): TargetList => ({
  id: item.id as string,
  name: item.name as string,
  ...(item.criteria ? { criteria: item.criteria as TargetList['criteria'] } : {}),
  contactIds: (item.contactIds as string[] | undefined) ?? [],
  createdAt: item.createdAt as string,
  updatedAt: item.updatedAt as string,
});

export const lists = {
  async create(list: TargetList): Promise<void> {
    await dynamo.send(
      new PutCommand({
        TableName: tableName('app'),
        Item: { ...key(list.id), kind: 'LIST', kindSk: list.id, ...list },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  },

  async get(id: string): Promise<TargetList | undefined> {
    const { Item } = await dynamo.send(new GetCommand({ TableName: tableName('app'), Key: key(id) }));
    return Item ? fromItem(Item) : undefined;
  },

  /** Lists newest first (ids sort by creation time). */
  async list(limit: number, cursor?: string) {
    const page = await queryByKind({ kind: 'LIST', limit, cursor, newestFirst: true });
    return { items: page.items.map(fromItem), nextCursor: page.nextCursor };
  },

  /**
   * Records that `mailingId` uses the list, in one conditional write: false when the list does not
   * exist (any more).
   */
  async addMailing(id: string, mailingId: string): Promise<boolean> {
    try {
      await dynamo.send(
        new UpdateCommand({
          TableName: tableName('app'),
          Key: key(id),
          UpdateExpression: 'ADD mailingIds :m, version :one',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':m': new Set([mailingId]), ':one': 1 },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  },

  /** The list's mailings and the version they were read at (strongly consistent). */
  async usage(id: string): Promise<{ mailingIds: string[]; version: number } | undefined> {
    const { Item } = await dynamo.send(
      new GetCommand({
        TableName: tableName('app'),
        Key: key(id),
        ConsistentRead: true,
        ProjectionExpression: 'pk, mailingIds, version',
      }),
    );
    if (!Item) return undefined;
    return {
      mailingIds: [...((Item.mailingIds as Set<string> | undefined) ?? [])],
      version: Number(Item.version ?? 0),
    };
  },

  /** Deletes the list if no mailing was added since `version` was read: false otherwise. */
  async delete(id: string, version: number): Promise<boolean> {
    try {
      await dynamo.send(
        new DeleteCommand({
          TableName: tableName('app'),
          Key: key(id),
          ConditionExpression: version
            ? 'version = :v'
            : 'attribute_exists(pk) AND attribute_not_exists(version)',
          ...(version ? { ExpressionAttributeValues: { ':v': version } } : {}),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  },
};
