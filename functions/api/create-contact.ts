import { api } from '#shared/http/api.ts';
import { createContact } from '#shared/use-cases/contacts.ts';

export const handler = api('POST /contacts', ({ body, actor, request }) =>
  createContact(body, actor, request),
);
