import { api } from '#shared/http/api.ts';
import { listApiKeys } from '#shared/use-cases/api-keys.ts';

export const handler = api('GET /api-keys', ({ query }) => listApiKeys(query.limit, query.cursor));
