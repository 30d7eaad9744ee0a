import { api } from '#shared/http/api.ts';
import { getSettings } from '#shared/use-cases/settings.ts';

export const handler = api('GET /settings', () => getSettings());
