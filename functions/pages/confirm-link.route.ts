import { defineRoute, documented } from '#shared/http/contract.ts';

/** The contract of `POST /l/{token}`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'POST',
  path: '/l/{token}',
  entry: 'functions/pages/confirm-link.ts',
  operationId: 'confirmLink',
  auth: 'token',
  tag: 'pages',
  status: 303,
  tables: { contacts: 'write', app: 'write' },
  secrets: ['signing'],
  sendsEmail: true,
  page: { purposes: ['link'], form: true },
});

/** The route with its documentation, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary:
    "Tracked link, the button of its page: applies the link's action (subscribe or unsubscribe its type), then 303 to the signed target",
  description:
    "The POST of a tracked link's one-button page: subscribes or unsubscribes the link's type (source `link`; a double opt-in type becomes `pending` and its confirmation is mailed), unless it already is as asked, then 303 to the link's signed target. An interest action posted here applies as its GET does (once). The body is ignored.",
}));
