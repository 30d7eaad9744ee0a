import { api } from '#shared/http/api.ts';
import { eraseContact } from '#shared/use-cases/erasure.ts';

export const handler = api('DELETE /contacts/{id}', ({ params, actor }) => eraseContact(params.id, actor));
