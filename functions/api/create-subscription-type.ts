import { api } from '#shared/http/api.ts';
import { createSubscriptionType } from '#shared/use-cases/subscription-types.ts';

export const handler = api('POST /subscription-types', ({ body, actor }) =>
  createSubscriptionType(body, actor),
);
