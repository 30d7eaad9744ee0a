import { api } from '#shared/http/api.ts';
import { idempotency } from '#shared/http/idempotency.ts';
import { createContact } from '#shared/use-cases/contacts.ts';
import { route } from './create-contact.route.ts';

export const handler = api(route, ({ body, actor, request }) => createContact(body, actor, request), {
  idempotency,
});
