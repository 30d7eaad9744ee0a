import { api } from '#shared/http/api.ts';
import { revokeApiKey } from '#shared/use-cases/api-keys.ts';

export const handler = api('DELETE /api-keys/{id}', ({ params, actor }) => revokeApiKey(params.id, actor));
