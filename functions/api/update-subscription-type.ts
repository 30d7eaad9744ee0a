import { api } from '#shared/http/api.ts';
import { updateSubscriptionType } from '#shared/use-cases/subscription-types.ts';

export const handler = api('PATCH /subscription-types/{id}', ({ params, body, actor }) =>
  updateSubscriptionType(params.id, body, actor),
);
