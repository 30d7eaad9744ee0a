import { api } from '#shared/http/api.ts';

export const handler = api('GET /health', async () => ({ ok: true }));
