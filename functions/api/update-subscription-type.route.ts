import { defineRoute, documented } from '#shared/http/contract.ts';
import { IdParams } from '#shared/http/schemas/common.ts';
import { SubscriptionType } from '#shared/http/schemas/subscription-type.ts';
import { UpdateSubscriptionType } from '#shared/http/schemas/subscription-type-input.ts';

/** The contract of `PATCH /subscription-types/{id}`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'PATCH',
  path: '/subscription-types/{id}',
  entry: 'functions/api/update-subscription-type.ts',
  operationId: 'updateSubscriptionType',
  auth: 'marketer',
  tag: 'subscription-types',
  status: 200,
  params: IdParams,
  body: UpdateSubscriptionType,
  tables: { app: 'write' },
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary: 'Change a subscription type; `{"archived": true}` archives it (no new subscriptions or mailings)',
  description:
    'Changes the fields given. `{"archived": true}` archives the type: it takes no new subscriptions or mailings, and unsubscribing from it still works.',
  response: SubscriptionType,
}));
