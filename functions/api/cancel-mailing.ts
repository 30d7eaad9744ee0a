import { api } from '#shared/http/api.ts';
import { cancelMailing } from '#shared/use-cases/mailings.ts';
import { route } from './cancel-mailing.route.ts';

export const handler = api(route, ({ params, actor }) => cancelMailing(params.id, actor));
