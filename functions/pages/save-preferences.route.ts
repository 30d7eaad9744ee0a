import { defineRoute, documented } from '#shared/http/contract.ts';

/** The contract of `POST /p/{token}`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'POST',
  path: '/p/{token}',
  entry: 'functions/pages/save-preferences.ts',
  operationId: 'savePreferences',
  auth: 'token',
  tag: 'pages',
  status: 200,
  tables: { contacts: 'write', app: 'read' },
  secrets: ['signing'],
  sendsEmail: true,
  page: { purposes: ['preferences', 'unsubscribe', 'magic', 'confirm'], form: true },
});

/** The route with its documentation, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary:
    'HTML form post: saves the types shown on the page (and only those), unsubscribes from everything, or confirms a double opt-in',
  description:
    "Saves the types shown on the page (and only those), unsubscribes from everything, or confirms a double opt-in. Recorded with the request's IP and user agent.",
}));
