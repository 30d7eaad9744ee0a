import { api } from '#shared/http/api.ts';
import { getContact } from '#shared/use-cases/contacts.ts';

export const handler = api('GET /contacts/{id}', ({ params }) => getContact(params.id));
