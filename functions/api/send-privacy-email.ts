import { api } from '#shared/http/api.ts';
import { sendPrivacyEmail } from '#shared/use-cases/privacy-email.ts';

export const handler = api('POST /contacts/{id}/privacy-email', ({ params }) => sendPrivacyEmail(params.id));
