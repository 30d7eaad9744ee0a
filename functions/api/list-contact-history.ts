import { api } from '#shared/http/api.ts';
import { contactHistory } from '#shared/use-cases/contacts.ts';
import { route } from './list-contact-history.route.ts';

export const handler = api(route, ({ params, query }) =>
  contactHistory(params.id, query.limit, query.cursor),
);
