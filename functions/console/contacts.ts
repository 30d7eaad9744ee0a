/** The console's contact pages (see group.ts). */
import * as contacts from './actions/contacts.ts';
import { routes } from './contacts.route.ts';
import { consoleFunction } from './group.ts';

export const handler = consoleFunction(routes, {
  'GET /console/contacts': contacts.contacts,
  'GET /console/contacts/{id}': contacts.contact,
  'POST /console/contacts/{id}': contacts.contactAction,
  'GET /console/contacts/{id}/export': contacts.contactDownload,
});
