import { api } from '#shared/http/api.ts';
import { updateContact } from '#shared/use-cases/contacts.ts';
import { route } from './update-contact.route.ts';

export const handler = api(route, ({ params, body, actor, request }) =>
  updateContact(params.id, body, actor, request),
);
