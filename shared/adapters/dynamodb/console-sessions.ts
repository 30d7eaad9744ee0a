import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ConsoleSession } from '#shared/domain/console-session.ts';
import { dynamo, tableName } from './client.ts';

/**
 * Key layout: one app-table item per console session, under the hash of its id; `expiresAt` is
 * the table's TTL attribute (DynamoDB removes it within days of expiry, so reads check the time).
 */
const key = (idHash: string) => ({ pk: `SESSION#${idHash}`, sk: 'SESSION' });

export const consoleSessions = {
  /** Stores a new session; ids are random, so an existing item means a broken generator: refuse. */
  async create(idHash: string, session: ConsoleSession): Promise<void> {
    await dynamo.send(
      new PutCommand({
        TableName: tableName('app'),
        Item: { ...key(idHash), ...session },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  },

  async get(idHash: string): Promise<ConsoleSession | undefined> {
    const { Item } = await dynamo.send(
      new GetCommand({ TableName: tableName('app'), Key: key(idHash), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    return {
      keyHash: Item.keyHash as string,
      keyId: Item.keyId as string,
      name: Item.name as string,
      role: Item.role as ConsoleSession['role'],
      csrf: Item.csrf as string,
      createdAt: Item.createdAt as string,
      expiresAt: Number(Item.expiresAt),
    };
  },

  /** Ends a session; ending one that is gone changes nothing. */
  async delete(idHash: string): Promise<void> {
    await dynamo.send(new DeleteCommand({ TableName: tableName('app'), Key: key(idHash) }));
  },
};
