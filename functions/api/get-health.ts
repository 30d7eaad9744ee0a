import { api } from '#shared/http/api.ts';
import { route } from './get-health.route.ts';

export const handler = api(route, async () => ({ ok: true }));
