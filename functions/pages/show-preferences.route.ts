import { defineRoute, documented } from '#shared/http/contract.ts';

/** The contract of `GET /p/{token}`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'GET',
  path: '/p/{token}',
  entry: 'functions/pages/show-preferences.ts',
  operationId: 'showPreferences',
  auth: 'token',
  tag: 'pages',
  status: 200,
  tables: { contacts: 'read', app: 'read' },
  secrets: ['signing'],
  page: { purposes: ['preferences', 'unsubscribe', 'magic', 'confirm'] },
});

/** The route with its documentation, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary:
    'HTML preference page (preferences, unsubscribe or magic token), or the double opt-in confirmation page (confirm token); changes nothing',
  description:
    'The preference page (from a preference, unsubscribe or magic token), or the double opt-in confirmation page (a confirm token). A GET changes nothing.',
}));
