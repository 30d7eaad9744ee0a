import { api } from '#shared/http/api.ts';
import { updateMailing } from '#shared/use-cases/mailings.ts';
import { route } from './update-mailing.route.ts';

export const handler = api(route, ({ params, body }) => updateMailing(params.id, body));
