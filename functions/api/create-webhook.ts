import { api } from '#shared/http/api.ts';
import { createWebhook } from '#shared/use-cases/webhooks.ts';
import { route } from './create-webhook.route.ts';

export const handler = api(route, ({ body, actor }) => createWebhook(body, actor));
