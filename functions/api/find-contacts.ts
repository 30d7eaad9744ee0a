import { api } from '#shared/http/api.ts';
import { findContacts } from '#shared/use-cases/contacts.ts';
import { route } from './find-contacts.route.ts';

export const handler = api(route, ({ query }) => findContacts(query.email));
