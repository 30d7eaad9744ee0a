import { api } from '#shared/http/api.ts';
import { resumeMailing } from '#shared/use-cases/mailings.ts';

export const handler = api('POST /mailings/{id}/resume', ({ params, actor }) =>
  resumeMailing(params.id, actor),
);
