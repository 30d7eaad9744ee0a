import { api } from '#shared/http/api.ts';
import { contactHistory } from '#shared/use-cases/contacts.ts';

export const handler = api('GET /contacts/{id}/history', ({ params, query }) =>
  contactHistory(params.id, query.limit, query.cursor),
);
