import { defineRoute, documented } from '#shared/http/contract.ts';

/** The contract of `POST /u/{token}`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'POST',
  path: '/u/{token}',
  entry: 'functions/pages/one-click-unsubscribe.ts',
  operationId: 'oneClickUnsubscribe',
  auth: 'token',
  tag: 'pages',
  status: 200,
  tables: { contacts: 'write', app: 'read' },
  secrets: ['signing'],
  page: { purposes: ['unsubscribe'], form: true },
});

/** The route with its documentation, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary:
    "RFC 8058 one-click unsubscribe from the token's type: `List-Unsubscribe=One-Click` as multipart/form-data or form-urlencoded; 200, no redirect, no cookie; idempotent",
  description:
    "RFC 8058 one-click unsubscribe from the token's subscription type: `List-Unsubscribe=One-Click` as form-urlencoded or multipart. 200 with a page; no redirect, no cookie; idempotent.",
}));
