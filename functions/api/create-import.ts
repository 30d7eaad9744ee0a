import { api } from '#shared/http/api.ts';
import { idempotency } from '#shared/http/idempotency.ts';
import { createImport } from '#shared/use-cases/imports.ts';
import { route } from './create-import.route.ts';

export const handler = api(route, ({ body, actor }) => createImport(body, actor), { idempotency });
