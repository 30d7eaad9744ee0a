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
