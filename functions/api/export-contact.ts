import { api } from '#shared/http/api.ts';
import { exportContact } from '#shared/use-cases/contacts.ts';

export const handler = api('GET /contacts/{id}/export', ({ params }) => exportContact(params.id));
