import { api } from '#shared/http/api.ts';
import { revokeApiKey } from '#shared/use-cases/api-keys.ts';
import { route } from './delete-api-key.route.ts';

export const handler = api(route, ({ params, actor }) => revokeApiKey(params.id, actor));
