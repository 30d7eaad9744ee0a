import { api } from '#shared/http/api.ts';
import { getMailing } from '#shared/use-cases/mailings.ts';
import { route } from './get-mailing.route.ts';

export const handler = api(route, ({ params }) => getMailing(params.id));
