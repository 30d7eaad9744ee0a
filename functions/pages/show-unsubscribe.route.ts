import { defineRoute, documented } from '#shared/http/contract.ts';

/** The contract of `GET /u/{token}`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'GET',
  path: '/u/{token}',
  entry: 'functions/pages/show-unsubscribe.ts',
  operationId: 'showUnsubscribe',
  auth: 'token',
  tag: 'pages',
  status: 200,
  tables: { contacts: 'read', app: 'read' },
  secrets: ['signing'],
  page: { purposes: ['unsubscribe'] },
});

/** The route with its documentation, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary: 'HTML: a page with an unsubscribe button; a GET alone never changes anything (link scanners)',
  description:
    'A page with an unsubscribe button. A GET alone never changes anything, so link scanners unsubscribe nobody.',
}));
