import { api } from '#shared/http/api.ts';
import { findContacts } from '#shared/use-cases/contacts.ts';

export const handler = api('GET /contacts', ({ query }) => findContacts(query.email));
