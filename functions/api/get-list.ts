import { api } from '#shared/http/api.ts';
import { getList } from '#shared/use-cases/lists.ts';

export const handler = api('GET /lists/{id}', ({ params }) => getList(params.id));
