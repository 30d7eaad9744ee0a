import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { decodeStreamRecord, type StreamChange } from '#shared/adapters/dynamodb/stream-records.ts';
import { processChanges } from '#shared/use-cases/change-stream.ts';

/**
 * Consumer of the contacts and app tables' change streams (infra/streams.ts `changes`): decodes the
 * records, applies every derived effect, and reports the first record it could not do by sequence
 * number, so the stream hands over that one and what follows again — nothing before it, nothing
 * lost.
 */
export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse>().handler(async (event) => {
  const changes = event.Records.map(decodeStreamRecord).filter((c): c is StreamChange => c !== undefined);
  const failedAt = await processChanges(changes);
  return { batchItemFailures: failedAt ? [{ itemIdentifier: failedAt }] : [] };
});
