import { api } from '#shared/http/api.ts';
import { deleteSuppression } from '#shared/use-cases/suppressions.ts';

export const handler = api('DELETE /suppressions/{id}', ({ params, query, actor }) =>
  deleteSuppression(params.id, actor, query.email),
);
