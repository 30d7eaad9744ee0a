import { api } from '#shared/http/api.ts';
import { idempotency } from '#shared/http/idempotency.ts';
import { createSuppression } from '#shared/use-cases/suppressions.ts';
import { route } from './create-suppression.route.ts';

export const handler = api(route, ({ body, actor }) => createSuppression(body, actor), { idempotency });
