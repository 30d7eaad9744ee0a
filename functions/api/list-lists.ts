import { api } from '#shared/http/api.ts';
import { listLists } from '#shared/use-cases/lists.ts';
import { route } from './list-lists.route.ts';

export const handler = api(route, ({ query }) => listLists(query.limit, query.cursor));
