import { api } from '#shared/http/api.ts';
import { getWebhook } from '#shared/use-cases/webhooks.ts';
import { route } from './get-webhook.route.ts';

export const handler = api(route, ({ params }) => getWebhook(params.id));
