import { api } from '#shared/http/api.ts';
import { sendMailing } from '#shared/use-cases/mailings.ts';

export const handler = api('POST /mailings/{id}/send', ({ params, actor }) => sendMailing(params.id, actor));
