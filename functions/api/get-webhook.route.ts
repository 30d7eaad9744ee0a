import { defineRoute, documented } from '#shared/http/contract.ts';
import { IdParams } from '#shared/http/schemas/common.ts';
import { WebhookEndpoint } from '#shared/http/schemas/webhook.ts';

/** The contract of `GET /webhooks/{id}`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'GET',
  path: '/webhooks/{id}',
  entry: 'functions/api/get-webhook.ts',
  operationId: 'getWebhook',
  auth: 'admin',
  tag: 'webhooks',
  status: 200,
  params: IdParams,
  tables: { app: 'read' },
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary: 'Read a webhook endpoint',
  description:
    'The endpoint, its event types and its status (disabled after a 410, or 3 days of failures); never its secret.',
  response: WebhookEndpoint,
}));
