import { api } from '#shared/http/api.ts';
import { findSuppressions } from '#shared/use-cases/suppressions.ts';
import { route } from './find-suppressions.route.ts';

export const handler = api(route, ({ query }) => findSuppressions(query.email));
