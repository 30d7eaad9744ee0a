import { defineRoute, documented } from '#shared/http/contract.ts';
import { Deleted, IdParams } from '#shared/http/schemas/common.ts';

/** The contract of `DELETE /webhooks/{id}`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'DELETE',
  path: '/webhooks/{id}',
  entry: 'functions/api/delete-webhook.ts',
  operationId: 'deleteWebhook',
  auth: 'admin',
  tag: 'webhooks',
  status: 200,
  params: IdParams,
  tables: { app: 'write' },
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary: 'Delete a webhook endpoint',
  description:
    'Nothing more is sent to it: deliveries still under way end `failed` (`endpoint_deleted`). Recorded in the audit log.',
  response: Deleted,
}));
