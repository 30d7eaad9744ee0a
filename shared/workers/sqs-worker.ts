import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type * as z from '#shared/schema/z.ts';
import { maxReceiveCounts } from '#infra/queue-receives.ts';
import type { QueueName } from '#infra/queues.ts';
import { sendMessage } from '#shared/adapters/sqs/client.ts';
import { logger } from '#shared/observability/logger.ts';

/**
 * What a record's function may answer besides success: its message goes back to the queue as a new
 * message, visible after `delaySeconds` (≤ 900, SQS's longest delay), and the received one counts as
 * handled. For work that waits — for the account's SES rate, for another attempt's lease, for time
 * the invocation does not have — without failing: a failed message waits a whole visibility
 * timeout, uses up one of its receives, and after `maxReceiveCount` of them lands in the DLQ.
 */
export interface HandBack {
  handBack: { delaySeconds: number };
}

export const handBack = (delaySeconds: number): HandBack => ({
  handBack: { delaySeconds: Math.min(900, Math.max(0, Math.ceil(delaySeconds))) },
});

export interface WorkerOptions<M, B> {
  /** State the records of one batch share: opened before the first, closed after the last. */
  batch?: { open: (context: Context) => B; close: (state: B) => Promise<void> };
  /** The queue it consumes: where a {@link HandBack} re-queues its message. */
  queue?: QueueName;
  /**
   * Called when a record fails on the receive that sends it to the DLQ (its queue's
   * `maxReceiveCount`), to record where it went.
   */
  onDeadLetter?: (message: M) => Promise<void>;
}

/**
 * Wraps a per-record function as an SQS consumer with partial batch responses: each record's body
 * is parsed and validated with zod; a record that fails is reported in `batchItemFailures` so only
 * it returns to the queue (and, after `maxReceiveCount` receives, to the DLQ). A body that does
 * not validate can never succeed: it fails every time, which is how it reaches the DLQ with its
 * reason in the log.
 */
export const sqsWorker = <S extends z.Schema, B = undefined>(
  name: string,
  schema: S,
  // `Promise<void>`: a function with nothing to hand back need not say so.
  run: (
    message: z.output<S>,
    record: SQSRecord,
    context: Context,
    batch: B,
  ) => Promise<HandBack | undefined> | Promise<void>,
  options: WorkerOptions<z.output<S>, B> = {},
) =>
  middy<SQSEvent, SQSBatchResponse>().handler(async (event, context) => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    const batch = options.batch?.open(context) as B;
    const maxReceives = options.queue ? maxReceiveCounts[options.queue] : Number.POSITIVE_INFINITY;
    try {
      for (const record of event.Records) {
        const parsed = schema.safeParse(parseJson(record.body));
        if (!parsed.success) {
          logger.error('invalid message', {
            worker: name,
            messageId: record.messageId,
            issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
          });
          batchItemFailures.push({ itemIdentifier: record.messageId });
          continue;
        }
        try {
          const outcome = await run(parsed.data, record, context, batch);
          if (outcome?.handBack) {
            if (!options.queue) throw new Error(`${name} hands a message back but names no queue`);
            await sendMessage(options.queue, record.body, outcome.handBack.delaySeconds);
          }
        } catch (error) {
          const receiveCount = Number(record.attributes.ApproximateReceiveCount ?? 1);
          logger.error('message failed', {
            worker: name,
            messageId: record.messageId,
            receiveCount,
            error: (error as Error)?.name,
            detail: (error as Error)?.message,
          });
          batchItemFailures.push({ itemIdentifier: record.messageId });
          if (receiveCount >= maxReceives && options.onDeadLetter) {
            await options
              .onDeadLetter(parsed.data)
              .catch((noted: unknown) =>
                logger.error('dead letter not noted', { worker: name, error: (noted as Error)?.name }),
              );
          }
        }
      }
    } finally {
      if (options.batch) await options.batch.close(batch);
    }
    return { batchItemFailures };
  });

const parseJson = (body: string): unknown => {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
};
