import { api } from '#shared/http/api.ts';
import { eraseContact } from '#shared/use-cases/erasure.ts';
import { route } from './delete-contact.route.ts';

export const handler = api(route, ({ params, actor }) => eraseContact(params.id, actor));
