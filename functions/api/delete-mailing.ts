import { api } from '#shared/http/api.ts';
import { deleteMailing } from '#shared/use-cases/mailings.ts';
import { route } from './delete-mailing.route.ts';

export const handler = api(route, ({ params, actor }) => deleteMailing(params.id, actor));
