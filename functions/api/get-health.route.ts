import * as z from '#shared/schema/z.ts';
import { defineRoute, documented } from '#shared/http/contract.ts';

/** The contract of `GET /health`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'GET',
  path: '/health',
  entry: 'functions/api/get-health.ts',
  operationId: 'getHealth',
  auth: 'none',
  tag: 'meta',
  status: 200,
  tables: {},
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary: 'Liveness check',
  description: 'Answers `{"ok": true}` once the API can serve. Needs no key; reads nothing stored.',
  response: z.object({ ok: z.literal(true) }).check(z.meta({ id: 'Health' })),
}));
