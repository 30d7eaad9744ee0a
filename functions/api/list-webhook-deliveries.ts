import { api } from '#shared/http/api.ts';
import { listDeliveries } from '#shared/use-cases/webhooks.ts';
import { route } from './list-webhook-deliveries.route.ts';

export const handler = api(route, ({ params, query }) => listDeliveries(params.id, query));
