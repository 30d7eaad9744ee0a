import { defineRoute, documented } from '#shared/http/contract.ts';
import { PageQuery, page } from '#shared/http/schemas/common.ts';
import { SubscriptionType } from '#shared/http/schemas/subscription-type.ts';

/** The contract of `GET /subscription-types`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'GET',
  path: '/subscription-types',
  entry: 'functions/api/list-subscription-types.ts',
  operationId: 'listSubscriptionTypes',
  auth: 'marketer',
  tag: 'subscription-types',
  status: 200,
  query: PageQuery,
  tables: { app: 'read' },
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary: 'List subscription types, oldest first (archived ones included)',
  description: 'Every subscription type, oldest first, archived ones included, in cursor pages.',
  response: page(SubscriptionType),
}));
