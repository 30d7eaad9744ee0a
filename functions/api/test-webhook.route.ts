import * as z from '#shared/schema/z.ts';
import { testEventType } from '#shared/domain/events.ts';
import { defineRoute, documented } from '#shared/http/contract.ts';
import { IdParams, Timestamp } from '#shared/http/schemas/common.ts';

const TestQueued = z
  .object({
    webhookId: z.string(),
    eventId: z.string().check(z.describe('The `webhook-id` the test delivery carries')),
    type: z.literal(testEventType),
    timestamp: Timestamp,
  })
  .check(z.meta({ id: 'WebhookTestQueued' }));

/** The contract of `POST /webhooks/{id}/test`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'POST',
  path: '/webhooks/{id}/test',
  entry: 'functions/api/test-webhook.ts',
  operationId: 'testWebhook',
  auth: 'admin',
  tag: 'webhooks',
  status: 202,
  params: IdParams,
  tables: { app: 'read' },
  queues: ['webhooks'],
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary: 'Send a test event to an endpoint',
  description: `Queues one \`${testEventType}\` event (data \`{webhookId}\`) for this endpoint, whatever types it subscribed to: signed, delivered and retried like any other, listed among its deliveries. 202; 409 for a disabled endpoint.`,
  response: TestQueued,
}));
