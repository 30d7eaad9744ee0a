import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type * as z from 'zod/mini';
import { logger } from '#shared/observability/logger.ts';

/**
 * Wraps a per-record function as an SQS consumer with partial batch responses: each record's body
 * is parsed and validated with zod; a record that fails is reported in `batchItemFailures` so only
 * it returns to the queue (and, after `maxReceiveCount` receives, to the DLQ). A body that does
 * not validate can never succeed: it fails every time, which is how it reaches the DLQ with its
 * reason in the log.
 */
export const sqsWorker = <S extends z.ZodMiniType, B = undefined>(
  name: string,
  schema: S,
  run: (message: z.output<S>, record: SQSRecord, context: Context, batch: B) => Promise<void>,
  /** State the records of one batch share: opened before the first, closed after the last. */
  batchState?: { open: () => B; close: (state: B) => Promise<void> },
) =>
  middy<SQSEvent, SQSBatchResponse>().handler(async (event, context) => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    const batch = batchState?.open() as B;
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
          await run(parsed.data, record, context, batch);
        } catch (error) {
          logger.error('message failed', {
            worker: name,
            messageId: record.messageId,
            receiveCount: record.attributes.ApproximateReceiveCount,
            error: (error as Error)?.name,
            detail: (error as Error)?.message,
          });
          batchItemFailures.push({ itemIdentifier: record.messageId });
        }
      }
    } finally {
      if (batchState) await batchState.close(batch);
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
