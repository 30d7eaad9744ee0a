import { api } from '#shared/http/api.ts';
import { getSubscriptionType } from '#shared/use-cases/subscription-types.ts';

export const handler = api('GET /subscription-types/{id}', ({ params }) => getSubscriptionType(params.id));
