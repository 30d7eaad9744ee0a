import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import * as z from '#shared/schema/z.ts';
import { isoDateTime } from '#shared/schema/z.ts';
import { eventTypes, testEventType } from '#shared/domain/events.ts';
import { logger } from '#shared/observability/logger.ts';
import type { DeliveryMessage } from '#shared/use-cases/outgoing-events.ts';
import { type DeliveryBatch, deliverWebhook } from '#shared/use-cases/webhook-delivery.ts';

const id = z.string().check(z.minLength(1), z.maxLength(200));
const ms = z.number().check(z.int(), z.nonnegative());

/** One delivery: an event for an endpoint (shared/use-cases/outgoing-events.ts `DeliveryMessage`). */
const Message = z.object({
  w: id,
  e: id,
  t: z.enum([...eventTypes, testEventType]),
  ts: isoDateTime(),
  b: z.string().check(z.maxLength(200_000)),
  n: z.number().check(z.int(), z.minimum(1), z.maximum(100)),
  c: ms,
  nb: z.optional(ms),
}) satisfies z.Schema<DeliveryMessage>;

const parse = (body: string) => {
  try {
    return Message.safeParse(JSON.parse(body));
  } catch {
    return Message.safeParse(undefined);
  }
};

/**
 * Consumer of the `webhooks` queue. The messages of a batch are attempted side by side, so a
 * receiver that takes its full timeout holds up none of the others; each that fails (a dependency,
 * not the receiver: its failures are retried by the delivery itself) comes back alone.
 */
export const handler = middy<SQSEvent, SQSBatchResponse>().handler(async (event) => {
  const batch: DeliveryBatch = {};
  const failures = await Promise.all(
    event.Records.map(async (record) => {
      const parsed = parse(record.body);
      if (!parsed.success) {
        logger.error('invalid message', {
          worker: 'deliver-webhooks',
          messageId: record.messageId,
          issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
        });
        return record.messageId;
      }
      try {
        await deliverWebhook(parsed.data, batch);
        return undefined;
      } catch (error) {
        logger.error('message failed', {
          worker: 'deliver-webhooks',
          messageId: record.messageId,
          receiveCount: record.attributes.ApproximateReceiveCount,
          error: (error as Error)?.name,
          detail: (error as Error)?.message,
        });
        return record.messageId;
      }
    }),
  );
  return {
    batchItemFailures: failures
      .filter((f): f is string => f !== undefined)
      .map((itemIdentifier) => ({ itemIdentifier })),
  };
});
