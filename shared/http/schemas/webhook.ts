import * as z from '#shared/schema/z.ts';
import { eventTypes } from '#shared/domain/events.ts';
import { deliveryStatuses, failedReasons } from '#shared/domain/webhook-delivery.ts';
import { Timestamp } from './common.ts';

export const EventType = z.enum(eventTypes).check(z.meta({ id: 'EventType' }));

const endpointFields = {
  id: z.string(),
  url: z.string().check(z.describe('Where events are POSTed')),
  events: z.array(EventType),
  description: z.nullable(z.string()),
  status: z
    .enum(['active', 'disabled'])
    .check(
      z.describe('`disabled`: it answered 410, or failed every attempt for 3 days; nothing is sent to it'),
    ),
  createdAt: Timestamp,
  createdBy: z.string().check(z.describe('The API key id that registered it')),
  disabledAt: z.nullable(Timestamp),
  disabledReason: z.nullable(z.enum(['gone', 'failing'])),
  // The first failed attempt since the last success; null while it succeeds.
  failingSince: z.nullable(Timestamp),
};

export const WebhookEndpoint = z.object(endpointFields).check(z.meta({ id: 'WebhookEndpoint' }));

export const CreatedWebhook = z
  .object({
    ...endpointFields,
    secret: z
      .string()
      .check(
        z.describe(
          'The signing secret (`whsec_…`, Standard Webhooks). Shown once, in this response only: it is stored sealed and never shown again.',
        ),
      ),
  })
  .check(z.meta({ id: 'CreatedWebhook' }));

export const WebhookDelivery = z
  .object({
    id: z.string().check(z.describe('The event id: the `webhook-id` header of every attempt')),
    eventType: z.string(),
    eventTimestamp: Timestamp,
    status: z.enum(deliveryStatuses),
    attempts: z.number().check(z.int()),
    attemptLog: z.array(
      z.object({
        at: Timestamp,
        statusCode: z.optional(z.number().check(z.int())),
        error: z.optional(z.string().check(z.describe('`timeout`, `network:<code>` or `blocked:<reason>`'))),
        ms: z.optional(z.number()),
      }),
    ),
    nextAttemptAt: z.nullable(Timestamp),
    deliveredAt: z.nullable(Timestamp),
    failedReason: z.nullable(z.enum(failedReasons)),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .check(z.meta({ id: 'WebhookDelivery' }));
