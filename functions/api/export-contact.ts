import { api } from '#shared/http/api.ts';
import { exportContact } from '#shared/use-cases/contact-export.ts';
import { route } from './export-contact.route.ts';

export const handler = api(route, ({ params }) => exportContact(params.id));
