import { api } from '#shared/http/api.ts';
import { deleteList } from '#shared/use-cases/lists.ts';
import { route } from './delete-list.route.ts';

export const handler = api(route, ({ params, actor }) => deleteList(params.id, actor));
