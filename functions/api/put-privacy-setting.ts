import { api } from '#shared/http/api.ts';
import { setPrivacy } from '#shared/use-cases/settings.ts';

export const handler = api('PUT /settings/privacy', ({ body, actor }) => setPrivacy(body.enabled, actor));
