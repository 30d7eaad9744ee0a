import { defineRoute, documented } from '#shared/http/contract.ts';
import { BouncePolicySetting } from '#shared/http/schemas/bounce-policy.ts';

/** The contract of `GET /settings/bounce-policy`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'GET',
  path: '/settings/bounce-policy',
  entry: 'functions/api/get-bounce-policy.ts',
  operationId: 'getBouncePolicy',
  auth: 'marketer',
  tag: 'settings',
  status: 200,
  tables: { app: 'read' },
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary: 'The bounce policy: for hard bounces, soft bounces and complaints, how many trigger which action',
  description:
    'The bounce policy: for hard bounces, soft bounces and complaints, how many within how many days lead to which action. The defaults apply until an admin sets one.',
  response: BouncePolicySetting,
}));
