import { defineRoute, documented } from '#shared/http/contract.ts';
import { IdParams, PageQuery, page } from '#shared/http/schemas/common.ts';
import { HistoryEntry } from '#shared/http/schemas/history.ts';

/** The contract of `GET /contacts/{id}/history`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'GET',
  path: '/contacts/{id}/history',
  entry: 'functions/api/list-contact-history.ts',
  operationId: 'listContactHistory',
  auth: 'marketer',
  tag: 'contacts',
  status: 200,
  params: IdParams,
  query: PageQuery,
  tables: { contacts: 'read' },
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary: 'Every consent, subscription and profile change of a contact, newest first',
  description:
    'Every consent, subscription and profile change of a contact, newest first, with who, when, how and the evidence: the proof a regulator asks for.',
  response: page(HistoryEntry),
}));
