import { defineRoute, documented } from '#shared/http/contract.ts';
import { IdParams } from '#shared/http/schemas/common.ts';
import { SubscriptionType } from '#shared/http/schemas/subscription-type.ts';

/** The contract of `GET /subscription-types/{id}`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'GET',
  path: '/subscription-types/{id}',
  entry: 'functions/api/get-subscription-type.ts',
  operationId: 'getSubscriptionType',
  auth: 'marketer',
  tag: 'subscription-types',
  status: 200,
  params: IdParams,
  tables: { app: 'read' },
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary: 'A subscription type',
  description:
    'One subscription type, with its translations and whether it is public, double opt-in or archived.',
  response: SubscriptionType,
}));
