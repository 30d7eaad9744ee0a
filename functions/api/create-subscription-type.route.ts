import { defineRoute, documented } from '#shared/http/contract.ts';
import { SubscriptionType } from '#shared/http/schemas/subscription-type.ts';
import { CreateSubscriptionType } from '#shared/http/schemas/subscription-type-input.ts';

/** The contract of `POST /subscription-types`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'POST',
  path: '/subscription-types',
  entry: 'functions/api/create-subscription-type.ts',
  operationId: 'createSubscriptionType',
  auth: 'marketer',
  tag: 'subscription-types',
  status: 201,
  body: CreateSubscriptionType,
  tables: { app: 'write' },
  idempotent: true,
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary: 'Create a subscription type (mailing type)',
  description:
    'Creates a subscription type (a kind of mailing, such as a monthly newsletter), with its text on the preference page in each language and whether subscribing needs a confirmation click (double opt-in).',
  response: SubscriptionType,
}));
