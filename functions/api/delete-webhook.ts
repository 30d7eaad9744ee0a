import { api } from '#shared/http/api.ts';
import { deleteWebhook } from '#shared/use-cases/webhooks.ts';
import { route } from './delete-webhook.route.ts';

export const handler = api(route, ({ params, actor }) => deleteWebhook(params.id, actor));
