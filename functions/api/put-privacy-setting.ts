import { api } from '#shared/http/api.ts';
import { setPrivacy } from '#shared/use-cases/settings.ts';
import { route } from './put-privacy-setting.route.ts';

export const handler = api(route, ({ body, actor }) => setPrivacy(body.enabled, actor));
