import { api } from '#shared/http/api.ts';
import { setContactSubscription } from '#shared/use-cases/contacts.ts';
import { route } from './put-contact-subscription.route.ts';

export const handler = api(route, ({ params, body, actor, request }) =>
  setContactSubscription(params.id, params.typeId, body, actor, request),
);
