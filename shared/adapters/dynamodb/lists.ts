import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { TargetList } from '#shared/domain/list.ts';
import { dynamo, tableName } from './client.ts';

const key = (id: string) => ({ pk: `LIST#${id}`, sk: 'LIST' });

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
    if (!Item) return undefined;
    return {
      id: Item.id,
      name: Item.name,
      ...(Item.criteria ? { criteria: Item.criteria } : {}),
      contactIds: Item.contactIds ?? [],
      createdAt: Item.createdAt,
      updatedAt: Item.updatedAt,
    };
  },
};
