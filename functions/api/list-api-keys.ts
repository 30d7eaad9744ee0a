import { api } from '#shared/http/api.ts';
import { listApiKeys } from '#shared/use-cases/api-keys.ts';
import { route } from './list-api-keys.route.ts';

export const handler = api(route, ({ query }) => listApiKeys(query.limit, query.cursor));
