import { defineRoute, documented } from '#shared/http/contract.ts';
import { ApiKey } from '#shared/http/schemas/api-key.ts';
import { PageQuery, page } from '#shared/http/schemas/common.ts';

/** The contract of `GET /api-keys`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'GET',
  path: '/api-keys',
  entry: 'functions/api/list-api-keys.ts',
  operationId: 'listApiKeys',
  auth: 'admin',
  tag: 'api-keys',
  status: 200,
  query: PageQuery,
  tables: { app: 'read' },
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary: 'List API keys (never the keys themselves)',
  description:
    'Every API key with its name, role, creator and revocation, in cursor pages; never the secrets.',
  response: page(ApiKey),
}));
