import { api } from '#shared/http/api.ts';
import { sendTestEvent } from '#shared/use-cases/webhooks.ts';
import { route } from './test-webhook.route.ts';

export const handler = api(route, ({ params }) => sendTestEvent(params.id));
