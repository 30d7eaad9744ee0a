import { api } from '#shared/http/api.ts';
import { idempotency } from '#shared/http/idempotency.ts';
import { createExport } from '#shared/use-cases/exports.ts';
import { route } from './create-export.route.ts';

export const handler = api(route, ({ body, actor }) => createExport(body, actor), { idempotency });
