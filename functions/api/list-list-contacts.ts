import { api } from '#shared/http/api.ts';
import { listContacts } from '#shared/use-cases/lists.ts';
import { route } from './list-list-contacts.route.ts';

export const handler = api(route, ({ params, query }) =>
  listContacts(params.id, query.limit, query.cursor, query.total === 'true'),
);
