import { api } from '#shared/http/api.ts';
import { getMailing } from '#shared/use-cases/mailings.ts';

export const handler = api('GET /mailings/{id}', ({ params }) => getMailing(params.id));
