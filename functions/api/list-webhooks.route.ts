import { defineRoute, documented } from '#shared/http/contract.ts';
import { PageQuery, page } from '#shared/http/schemas/common.ts';
import { WebhookEndpoint } from '#shared/http/schemas/webhook.ts';

/** The contract of `GET /webhooks`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'GET',
  path: '/webhooks',
  entry: 'functions/api/list-webhooks.ts',
  operationId: 'listWebhooks',
  auth: 'admin',
  tag: 'webhooks',
  status: 200,
  query: PageQuery,
  tables: { app: 'read' },
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary: 'List webhook endpoints (never their secrets)',
  description: 'Every registered endpoint, newest first, with its status; never a secret.',
  response: page(WebhookEndpoint),
}));
