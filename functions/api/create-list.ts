import { api } from '#shared/http/api.ts';
import { createList } from '#shared/use-cases/lists.ts';

export const handler = api('POST /lists', ({ body }) => createList(body));
