import { api } from '#shared/http/api.ts';
import { listWebhooks } from '#shared/use-cases/webhooks.ts';
import { route } from './list-webhooks.route.ts';

export const handler = api(route, ({ query }) => listWebhooks(query.limit, query.cursor));
