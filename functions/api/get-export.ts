import { api } from '#shared/http/api.ts';
import { getExport } from '#shared/use-cases/exports.ts';
import { route } from './get-export.route.ts';

export const handler = api(route, ({ params }) => getExport(params.id));
