import { api } from '#shared/http/api.ts';
import { getContact } from '#shared/use-cases/contacts.ts';
import { route } from './get-contact.route.ts';

export const handler = api(route, ({ params }) => getContact(params.id));
