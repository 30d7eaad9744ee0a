import { api } from '#shared/http/api.ts';
import { sendMailing } from '#shared/use-cases/mailings.ts';
import { route } from './send-mailing.route.ts';

export const handler = api(route, ({ params, actor }) => sendMailing(params.id, actor));
