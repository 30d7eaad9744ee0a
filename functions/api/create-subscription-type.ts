import { api } from '#shared/http/api.ts';
import { idempotency } from '#shared/http/idempotency.ts';
import { createSubscriptionType } from '#shared/use-cases/subscription-types.ts';
import { route } from './create-subscription-type.route.ts';

export const handler = api(route, ({ body, actor }) => createSubscriptionType(body, actor), { idempotency });
