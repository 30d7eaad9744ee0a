import { BatchGetCommand, BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from './client.ts';

type Item = Record<string, unknown>;
type WriteRequest = { PutRequest: { Item: Item } } | { DeleteRequest: { Key: Item } };

const pause = (attempt: number) => new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));

/**
 * Writes any number of requests, 25 per `BatchWriteItem` (DynamoDB's limit), retrying what
 * DynamoDB hands back unprocessed with exponential backoff. Unconditional: only for items whose
 * keys nobody else writes concurrently (fresh ids, deterministic chunk ids).
 */
export const batchWriteAll = async (
  table: string,
  requests: WriteRequest[],
  concurrency = 4,
): Promise<void> => {
  const groups: WriteRequest[][] = [];
  for (let i = 0; i < requests.length; i += 25) groups.push(requests.slice(i, i + 25));
  const run = async (group: WriteRequest[]) => {
    let pending: WriteRequest[] = group;
    for (let attempt = 0; pending.length; attempt++) {
      if (attempt > 8) throw new Error('BatchWriteItem: items still unprocessed after 8 retries');
      if (attempt) await pause(attempt);
      const result = await dynamo.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      pending = (result.UnprocessedItems?.[table] ?? []) as WriteRequest[];
    }
  };
  for (let i = 0; i < groups.length; i += concurrency)
    await Promise.all(groups.slice(i, i + concurrency).map(run));
};

/** Reads any number of keys, 100 per `BatchGetItem`, retrying unprocessed keys. Order is not kept. */
export const batchGetAll = async (
  table: string,
  keys: Item[],
  consistent = false,
  /** Calls in flight at once (bulk jobs read many pages of keys at a time). */
  concurrency = 1,
): Promise<Item[]> => {
  const items: Item[] = [];
  const run = async (group: Item[]) => {
    let pending = group;
    for (let attempt = 0; pending.length; attempt++) {
      if (attempt > 8) throw new Error('BatchGetItem: keys still unprocessed after 8 retries');
      if (attempt) await pause(attempt);
      const result = await dynamo.send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: consistent } } }),
      );
      items.push(...((result.Responses?.[table] ?? []) as Item[]));
      pending = (result.UnprocessedKeys?.[table]?.Keys ?? []) as Item[];
    }
  };
  const groups: Item[][] = [];
  for (let i = 0; i < keys.length; i += 100) groups.push(keys.slice(i, i + 100));
  for (let i = 0; i < groups.length; i += concurrency)
    await Promise.all(groups.slice(i, i + concurrency).map(run));
  return items;
};
