import { api } from '#shared/http/api.ts';
import { getList } from '#shared/use-cases/lists.ts';
import { route } from './get-list.route.ts';

export const handler = api(route, ({ params }) => getList(params.id));
