import { api } from '#shared/http/api.ts';
import { listContacts } from '#shared/use-cases/lists.ts';

export const handler = api('GET /lists/{id}/contacts', ({ params, query }) =>
  listContacts(params.id, query.limit, query.cursor, query.total === 'true'),
);
