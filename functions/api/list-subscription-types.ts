import { api } from '#shared/http/api.ts';
import { listSubscriptionTypes } from '#shared/use-cases/subscription-types.ts';
import { route } from './list-subscription-types.route.ts';

export const handler = api(route, ({ query }) => listSubscriptionTypes(query.limit, query.cursor));
