import { api } from '#shared/http/api.ts';
import { getSettings } from '#shared/use-cases/settings.ts';
import { route } from './get-settings.route.ts';

export const handler = api(route, () => getSettings());
