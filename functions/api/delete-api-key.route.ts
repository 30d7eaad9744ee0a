import { defineRoute, documented } from '#shared/http/contract.ts';
import { ApiKey } from '#shared/http/schemas/api-key.ts';
import { IdParams } from '#shared/http/schemas/common.ts';

/** The contract of `DELETE /api-keys/{id}`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'DELETE',
  path: '/api-keys/{id}',
  entry: 'functions/api/delete-api-key.ts',
  operationId: 'revokeApiKey',
  auth: 'admin',
  tag: 'api-keys',
  status: 200,
  params: IdParams,
  tables: { app: 'write' },
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary: 'Revoke an API key; it stops working at once',
  description:
    'Revokes a key: from now on it answers 401. Revoking again changes nothing. Recorded in the audit log.',
  response: ApiKey,
}));
