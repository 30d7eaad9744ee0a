/**
 * dynalite never expires items; DynamoDB deletes items whose TTL attribute (epoch seconds) is in
 * the past. The local stack sweeps on an interval so expiring data behaves as it does in AWS.
 * Readers must not rely on prompt deletion either way: AWS may take up to a few days.
 */
import {
  type DynamoDBClient,
  ScanCommand,
  BatchWriteItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { type TableDefinition, type TableName, tables } from '#infra/tables.ts';

export const sweepExpired = async (
  dynamo: DynamoDBClient,
  names: Record<TableName, string>,
  now = Date.now(),
) => {
  let deleted = 0;
  for (const [name, def] of Object.entries(tables) as [TableName, TableDefinition][]) {
    if (!def.ttlAttribute) continue;
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await dynamo.send(
        new ScanCommand({
          TableName: names[name],
          FilterExpression: '#ttl < :now',
          ExpressionAttributeNames: { '#ttl': def.ttlAttribute, '#pk': def.partitionKey, '#sk': def.sortKey },
          ExpressionAttributeValues: { ':now': { N: String(Math.floor(now / 1000)) } },
          ProjectionExpression: '#pk, #sk',
          ExclusiveStartKey: start,
        }),
      );
      const keys = page.Items ?? [];
      for (let i = 0; i < keys.length; i += 25) {
        await dynamo.send(
          new BatchWriteItemCommand({
            RequestItems: { [names[name]]: keys.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } })) },
          }),
        );
      }
      deleted += keys.length;
      start = page.LastEvaluatedKey;
    } while (start);
  }
  return deleted;
};
