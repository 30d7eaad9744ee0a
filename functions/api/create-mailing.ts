import { api } from '#shared/http/api.ts';
import { idempotency } from '#shared/http/idempotency.ts';
import { createMailing } from '#shared/use-cases/mailings.ts';
import { route } from './create-mailing.route.ts';

export const handler = api(route, ({ body, actor }) => createMailing(body, actor), { idempotency });
