import { api } from '#shared/http/api.ts';
import { updateMailing } from '#shared/use-cases/mailings.ts';

export const handler = api('PATCH /mailings/{id}', ({ params, body }) => updateMailing(params.id, body));
