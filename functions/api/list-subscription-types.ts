import { api } from '#shared/http/api.ts';
import { listSubscriptionTypes } from '#shared/use-cases/subscription-types.ts';

export const handler = api('GET /subscription-types', ({ query }) =>
  listSubscriptionTypes(query.limit, query.cursor),
);
