import { api } from '#shared/http/api.ts';
import { idempotency } from '#shared/http/idempotency.ts';
import { createList } from '#shared/use-cases/lists.ts';
import { route } from './create-list.route.ts';

export const handler = api(route, ({ body }) => createList(body), { idempotency });
