import * as z from '#shared/schema/z.ts';
import { deliveryStatuses } from '#shared/domain/webhook-delivery.ts';
import { defineRoute, documented } from '#shared/http/contract.ts';
import { IdParams, page, pageFields } from '#shared/http/schemas/common.ts';
import { WebhookDelivery } from '#shared/http/schemas/webhook.ts';

const DeliveriesQuery = z.object({
  ...pageFields,
  status: z.optional(z.enum(deliveryStatuses)),
});

/** The contract of `GET /webhooks/{id}/deliveries`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'GET',
  path: '/webhooks/{id}/deliveries',
  entry: 'functions/api/list-webhook-deliveries.ts',
  operationId: 'listWebhookDeliveries',
  auth: 'admin',
  tag: 'webhooks',
  status: 200,
  params: IdParams,
  query: DeliveriesQuery,
  tables: { app: 'read' },
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary: "An endpoint's deliveries: attempts, status codes, next retry",
  description:
    'One record per event sent to the endpoint, newest event first (optionally of one `status`): `pending` (waiting for the endpoint to recover), `retrying` (with `nextAttemptAt`), `delivered` or `failed` (`failedReason`), with the first and latest attempts — their time, the status code or error, the duration. Ids and outcomes only: event bodies are never kept. Records are kept 30 days.',
  response: page(WebhookDelivery),
}));
