import { api } from '#shared/http/api.ts';
import { getSubscriptionType } from '#shared/use-cases/subscription-types.ts';
import { route } from './get-subscription-type.route.ts';

export const handler = api(route, ({ params }) => getSubscriptionType(params.id));
