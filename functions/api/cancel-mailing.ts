import { api } from '#shared/http/api.ts';
import { cancelMailing } from '#shared/use-cases/mailings.ts';

export const handler = api('POST /mailings/{id}/cancel', ({ params, actor }) =>
  cancelMailing(params.id, actor),
);
