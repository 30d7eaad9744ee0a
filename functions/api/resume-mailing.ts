import { api } from '#shared/http/api.ts';
import { resumeMailing } from '#shared/use-cases/mailings.ts';
import { route } from './resume-mailing.route.ts';

export const handler = api(route, ({ params, actor }) => resumeMailing(params.id, actor));
