import { api } from '#shared/http/api.ts';
import { updateContact } from '#shared/use-cases/contacts.ts';

export const handler = api('PATCH /contacts/{id}', ({ params, body, actor, request }) =>
  updateContact(params.id, body, actor, request),
);
