import { api } from '#shared/http/api.ts';
import { idempotency } from '#shared/http/idempotency.ts';
import { createApiKey } from '#shared/use-cases/api-keys.ts';
import { route } from './create-api-key.route.ts';

export const handler = api(route, ({ body, actor }) => createApiKey(body, actor), { idempotency });
