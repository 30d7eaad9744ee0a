import { api } from '#shared/http/api.ts';
import { sendPrivacyEmail } from '#shared/use-cases/privacy-email.ts';
import { route } from './send-privacy-email.route.ts';

export const handler = api(route, ({ params }) => sendPrivacyEmail(params.id));
