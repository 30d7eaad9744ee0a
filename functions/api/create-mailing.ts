import { api } from '#shared/http/api.ts';
import { createMailing } from '#shared/use-cases/mailings.ts';

export const handler = api('POST /mailings', ({ body, actor }) => createMailing(body, actor));
