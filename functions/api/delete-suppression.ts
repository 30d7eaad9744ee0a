import { api } from '#shared/http/api.ts';
import { deleteSuppression } from '#shared/use-cases/suppressions.ts';
import { route } from './delete-suppression.route.ts';

export const handler = api(route, ({ params, query, actor }) =>
  deleteSuppression(params.id, actor, query.email),
);
