/**
 * Stands in for Lambda's SQS event source mapping, which local-aws-sqs does not have: long-polls a
 * queue, invokes the consumer with an SQS event of up to `batchSize` records, deletes the records
 * that succeeded and leaves the failed ones (`batchItemFailures`, or all of them when the handler
 * throws) to reappear after the visibility timeout; the queue's redrive policy moves a message to
 * the DLQ after `maxReceiveCount` receives, as in AWS.
 */
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '#shared/observability/logger.ts';
import { type AnyHandler, lambdaContext } from './lambda.ts';

export interface PollerOptions {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  handler: AnyHandler;
  functionName: string;
  /** Records per invocation (Lambda: up to 10,000; SQS returns at most 10 per receive). */
  batchSize: number;
  /** Concurrent invocations at most (Lambda's maximum concurrency for the mapping). */
  maxConcurrency: number;
  /** The consumer's timeout: what `context.getRemainingTimeInMillis()` counts down from. */
  timeoutMs: number;
  /** Long-poll wait; short in tests so stopping is quick. */
  waitTimeSeconds?: number;
  /**
   * Lambda's batching window: 0 invokes as soon as a record is there. SQS answers a long poll as
   * soon as it has any message; local-aws-sqs only once it has as many as were asked for (or the wait
   * is over), so with no window the first receive of a batch asks for one message and the rest of
   * the batch is topped up without waiting.
   */
  maxBatchingWindowSeconds?: number;
}

const toRecord = (message: Message, queueArn: string): SQSRecord => ({
  messageId: message.MessageId ?? '',
  receiptHandle: message.ReceiptHandle ?? '',
  body: message.Body ?? '',
  attributes: {
    ApproximateReceiveCount: message.Attributes?.ApproximateReceiveCount ?? '1',
    SentTimestamp: message.Attributes?.SentTimestamp ?? String(Date.now()),
    SenderId: message.Attributes?.SenderId ?? 'local',
    ApproximateFirstReceiveTimestamp:
      message.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
  },
  messageAttributes: {},
  md5OfBody: message.MD5OfBody ?? '',
  eventSource: 'aws:sqs',
  eventSourceARN: queueArn,
  awsRegion: 'us-east-1',
});

export interface Poller {
  stop: () => Promise<void>;
  /** Resolves when no invocation is running and the last receive found the queue empty. */
  idle: () => Promise<void>;
}

/**
 * Receives one batch and invokes the consumer with it, as one Lambda invocation; answers how many
 * messages it handed over (0 when the queue was empty).
 */
export const pollOnce = async (
  options: PollerOptions,
  isRunning: () => boolean = () => true,
): Promise<number> => {
  const messages = await receiveBatch(options, isRunning);
  if (messages.length) await invoke(options, messages);
  return messages.length;
};

const receiveBatch = async (options: PollerOptions, isRunning: () => boolean): Promise<Message[]> => {
  const messages: Message[] = [];
  // One receive returns at most 10; Lambda fills larger batches from several.
  while (messages.length < options.batchSize) {
    const { Messages = [] } = await options.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: options.queueUrl,
        MaxNumberOfMessages:
          messages.length === 0 && options.maxBatchingWindowSeconds === 0
            ? 1
            : Math.min(10, options.batchSize - messages.length),
        WaitTimeSeconds: messages.length ? 0 : (options.waitTimeSeconds ?? 1),
        MessageSystemAttributeNames: ['All'],
        // local-aws-sqs reads only the older name; without it no receive count reaches the consumer.
        AttributeNames: ['All'],
      }),
    );
    messages.push(...Messages);
    if (Messages.length === 0 || !isRunning()) break;
  }
  return messages;
};

const invoke = async (options: PollerOptions, messages: Message[]) => {
  const event: SQSEvent = { Records: messages.map((m) => toRecord(m, options.queueArn)) };
  let failed: Set<string>;
  try {
    const result = (await options.handler(event, lambdaContext(options.functionName, options.timeoutMs))) as
      | SQSBatchResponse
      | undefined;
    failed = new Set((result?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
  } catch (error) {
    logger.error('consumer failed; the whole batch returns to the queue', {
      function: options.functionName,
      error: (error as Error)?.message,
    });
    failed = new Set(messages.map((m) => m.MessageId ?? ''));
  }
  const done = messages.filter((m) => !failed.has(m.MessageId ?? ''));
  for (let i = 0; i < done.length; i += 10) {
    await options.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: options.queueUrl,
        Entries: done.slice(i, i + 10).map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }
};

export const startPoller = (options: PollerOptions): Poller => {
  let running = true;
  let emptyStreak = 0;
  // Workers between receiving messages and the end of their invocation.
  let busy = 0;
  // Bumped by `idle`: an empty receive counts only if it started after the last call (one that was
  // already under way may have missed a message sent just before).
  let epoch = 0;
  const workers: Promise<void>[] = [];

  const worker = async () => {
    while (running) {
      try {
        const startedIn = epoch;
        const messages = await receiveBatch(options, () => running);
        if (messages.length === 0) {
          if (startedIn === epoch) emptyStreak++;
          continue;
        }
        emptyStreak = 0;
        busy++;
        try {
          await invoke(options, messages);
        } finally {
          busy--;
        }
      } catch (error) {
        if (!running) break;
        logger.warn('poller receive failed', {
          function: options.functionName,
          error: (error as Error)?.message,
        });
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  };

  for (let i = 0; i < options.maxConcurrency; i++) workers.push(worker());

  return {
    stop: async () => {
      running = false;
      await Promise.all(workers);
    },
    idle: async () => {
      epoch++;
      emptyStreak = 0;
      // Empty receives by every worker's count, and no invocation still running: another worker's
      // empty polls say nothing about a batch being handled.
      while (emptyStreak < options.maxConcurrency || busy > 0) await new Promise((r) => setTimeout(r, 50));
    },
  };
};
