import { api } from '#shared/http/api.ts';
import { listMailings } from '#shared/use-cases/mailings.ts';
import { route } from './list-mailings.route.ts';

export const handler = api(route, ({ query }) => listMailings(query));
