import { defineRoute, documented } from '#shared/http/contract.ts';

/** The contract of `GET /p`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'GET',
  path: '/p',
  entry: 'functions/pages/show-magic-link-form.ts',
  operationId: 'showMagicLinkForm',
  auth: 'none',
  tag: 'pages',
  status: 200,
  tables: {},
  page: {},
});

/** The route with its documentation, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary: 'HTML: asks for an e-mail address to send a personal preference link to',
  description: 'An HTML page asking for an address to mail a personal preference link to.',
}));
