import { api } from '#shared/http/api.ts';
import { findSuppressions } from '#shared/use-cases/suppressions.ts';

export const handler = api('GET /suppressions', ({ query }) => findSuppressions(query.email));
