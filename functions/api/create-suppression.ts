import { api } from '#shared/http/api.ts';
import { createSuppression } from '#shared/use-cases/suppressions.ts';

export const handler = api('POST /suppressions', ({ body, actor }) => createSuppression(body, actor));
