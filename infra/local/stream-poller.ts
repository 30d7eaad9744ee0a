/**
 * Stands in for Lambda's DynamoDB Streams event source mapping: reads a table's stream (through the
 * DynamoDB Streams API of ./dynamodb-streams.ts, with the SDK's own client), drops the records no
 * filter pattern matches (as Lambda's event filtering does, advancing past them), and invokes the
 * consumer with the rest in batches, in stream order. A batch that fails — the handler throws, or it
 * reports a record in `batchItemFailures` (by sequence number) — is retried from its first failed
 * record, with backoff, until it succeeds: Lambda retries a stream batch until its records expire,
 * and nothing behind it is read meanwhile. The position is kept on disk when the stack has a data
 * folder, so a restart goes on where it stopped (Lambda's mapping keeps its position too).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type _Record as SdkRecord,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { FilterPattern } from '#infra/streams.ts';
import { logger } from '#shared/observability/logger.ts';
import { matchesAny } from './event-filter.ts';
import { type AnyHandler, lambdaContext } from './lambda.ts';

export interface StreamPollerOptions {
  streams: DynamoDBStreamsClient;
  dynamo: DynamoDBClient;
  tableName: string;
  filters: readonly FilterPattern[];
  handler: AnyHandler;
  functionName: string;
  batchSize: number;
  timeoutMs: number;
  /** How often an idle shard is read (Lambda polls a few times a second). */
  pollMs?: number;
  /** File keeping every mapping's position across restarts; in memory when absent. */
  checkpointFile?: string;
  /**
   * A new mapping without a kept position starts at the newest record (`LATEST`) rather than the
   * oldest (`TRIM_HORIZON`, what the deployed mappings do): for a benchmark that starts its
   * consumers after loading data whose records it does not mean to measure.
   */
  fromLatest?: boolean;
}

export interface StreamPoller {
  /** Reads once and invokes the consumer with what matched: records read (0 when caught up). */
  pollOnce: () => Promise<{ read: number; failed: boolean }>;
  /** Resolves when no invocation runs and a read begun after the call found nothing new. */
  idle: () => Promise<void>;
  stop: () => Promise<void>;
}

/** The SDK's record (Dates, attribute values) as Lambda hands it to a function (JSON). */
const toLambdaRecord = (record: SdkRecord, arn: string): DynamoDBRecord =>
  JSON.parse(
    JSON.stringify({
      ...record,
      dynamodb: {
        ...record.dynamodb,
        ApproximateCreationDateTime: Math.floor(
          (record.dynamodb?.ApproximateCreationDateTime?.getTime() ?? Date.now()) / 1000,
        ),
      },
      eventSourceARN: arn,
    }),
  ) as DynamoDBRecord;

const readCheckpoints = (file: string | undefined): Record<string, string> =>
  file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};

export const startStreamPoller = (options: StreamPollerOptions, autoPoll = true): StreamPoller => {
  const key = `${options.functionName}|${options.tableName}`;
  let checkpoint: string | undefined = readCheckpoints(options.checkpointFile)[key];
  let shard: { arn: string; shardId: string } | undefined;
  let iterator: string | undefined;
  let running = autoPoll;
  let busy = 0;
  let emptyAfter = 0;
  let epoch = 0;
  let failures = 0;

  const saveCheckpoint = (sequence: string) => {
    checkpoint = sequence;
    if (!options.checkpointFile) return;
    const all = readCheckpoints(options.checkpointFile);
    all[key] = sequence;
    writeFileSync(options.checkpointFile, JSON.stringify(all));
  };

  const locate = async () => {
    if (!shard) {
      const { Table } = await options.dynamo.send(new DescribeTableCommand({ TableName: options.tableName }));
      const arn = Table?.LatestStreamArn;
      if (!arn) throw new Error(`${options.tableName} has no stream`);
      const { StreamDescription } = await options.streams.send(new DescribeStreamCommand({ StreamArn: arn }));
      const shardId = StreamDescription?.Shards?.[0]?.ShardId;
      if (!shardId) throw new Error(`the stream of ${options.tableName} has no shard`);
      shard = { arn, shardId };
    }
    return shard;
  };

  /** An iterator from the checkpoint (after it), or from the oldest record kept. */
  const freshIterator = async (at?: { sequence: string; inclusive: boolean }) => {
    const { arn, shardId } = await locate();
    const position = at ?? (checkpoint ? { sequence: checkpoint, inclusive: false } : undefined);
    try {
      const { ShardIterator } = await options.streams.send(
        new GetShardIteratorCommand({
          StreamArn: arn,
          ShardId: shardId,
          ...(position
            ? {
                ShardIteratorType: position.inclusive ? 'AT_SEQUENCE_NUMBER' : 'AFTER_SEQUENCE_NUMBER',
                SequenceNumber: position.sequence,
              }
            : { ShardIteratorType: options.fromLatest ? 'LATEST' : 'TRIM_HORIZON' }),
        }),
      );
      return ShardIterator;
    } catch (error) {
      if (!(error instanceof TrimmedDataAccessException)) throw error;
      logger.error('stream records expired before they were read', { function: options.functionName });
      const { ShardIterator } = await options.streams.send(
        new GetShardIteratorCommand({ StreamArn: arn, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
      );
      return ShardIterator;
    }
  };

  const pollOnce = async (): Promise<{ read: number; failed: boolean }> => {
    iterator ??= await freshIterator();
    let answer: GetRecordsCommandOutput;
    try {
      answer = await options.streams.send(
        new GetRecordsCommand({ ShardIterator: iterator, Limit: options.batchSize }),
      );
    } catch (error) {
      if (!(error instanceof ExpiredIteratorException)) throw error;
      iterator = await freshIterator();
      return { read: 0, failed: false };
    }
    const records = answer.Records ?? [];
    if (!records.length) {
      iterator = answer.NextShardIterator;
      return { read: 0, failed: false };
    }
    const { arn } = await locate();
    // The SDK's record has the shape the filters name (dynamodb.Keys, NewImage, …): filter first,
    // and turn only what matched into Lambda's form.
    const matched = records.filter((r) => matchesAny(options.filters, r)).map((r) => toLambdaRecord(r, arn));
    const sequences = records.map((r) => r.dynamodb?.SequenceNumber as string);
    let failedAt: string | undefined;
    if (matched.length) {
      busy++;
      try {
        const event: DynamoDBStreamEvent = { Records: matched };
        const result = (await options.handler(
          event,
          lambdaContext(options.functionName, options.timeoutMs),
        )) as DynamoDBBatchResponse | undefined;
        failedAt = result?.batchItemFailures?.[0]?.itemIdentifier;
      } catch (error) {
        logger.error('stream consumer failed; the batch is retried', {
          function: options.functionName,
          error: (error as Error)?.message,
        });
        failedAt = matched[0]?.dynamodb?.SequenceNumber;
      } finally {
        busy--;
      }
    }
    if (failedAt) {
      // From the failed record on, again: what came before it is done.
      const index = sequences.indexOf(failedAt);
      const done = index > 0 ? sequences[index - 1] : undefined;
      if (done) saveCheckpoint(done);
      iterator = await freshIterator({ sequence: failedAt, inclusive: true });
      return { read: records.length, failed: true };
    }
    saveCheckpoint(sequences.at(-1) as string);
    iterator = answer.NextShardIterator;
    return { read: records.length, failed: false };
  };

  const loop = (async () => {
    while (running) {
      const startedIn = epoch;
      try {
        const { read, failed } = await pollOnce();
        if (failed) {
          failures++;
          await new Promise((r) => setTimeout(r, Math.min(5000, 100 * 2 ** Math.min(failures, 6))));
          continue;
        }
        failures = 0;
        if (read === 0) {
          if (startedIn === epoch) emptyAfter = epoch;
          await new Promise((r) => setTimeout(r, options.pollMs ?? 200));
        }
      } catch (error) {
        if (!running) break;
        logger.warn('stream poller read failed', {
          function: options.functionName,
          error: (error as Error)?.message,
        });
        iterator = undefined;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  })();

  return {
    pollOnce,
    idle: async () => {
      const mine = ++epoch;
      while (running && (emptyAfter < mine || busy > 0)) await new Promise((r) => setTimeout(r, 20));
    },
    stop: async () => {
      running = false;
      await loop;
    },
  };
};
