import { defineRoute, documented } from '#shared/http/contract.ts';
import { Settings } from '#shared/http/schemas/settings.ts';

/** The contract of `GET /settings`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'GET',
  path: '/settings',
  entry: 'functions/api/get-settings.ts',
  operationId: 'getSettings',
  auth: 'marketer',
  tag: 'settings',
  status: 200,
  tables: { app: 'read' },
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary: 'Account settings',
  description: 'The account settings: whether the e-marketing privacy filter is on, and who changed it when.',
  response: Settings,
}));
