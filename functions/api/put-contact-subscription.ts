import { api } from '#shared/http/api.ts';
import { setContactSubscription } from '#shared/use-cases/contacts.ts';

export const handler = api('PUT /contacts/{id}/subscriptions/{typeId}', ({ params, body, actor, request }) =>
  setContactSubscription(params.id, params.typeId, body, actor, request),
);
