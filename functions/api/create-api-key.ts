import { api } from '#shared/http/api.ts';
import { createApiKey } from '#shared/use-cases/api-keys.ts';

export const handler = api('POST /api-keys', ({ body, actor }) => createApiKey(body, actor));
