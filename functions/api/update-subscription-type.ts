import { api } from '#shared/http/api.ts';
import { updateSubscriptionType } from '#shared/use-cases/subscription-types.ts';
import { route } from './update-subscription-type.route.ts';

export const handler = api(route, ({ params, body, actor }) =>
  updateSubscriptionType(params.id, body, actor),
);
