import { api } from '#shared/http/api.ts';
import { getImport } from '#shared/use-cases/imports.ts';
import { route } from './get-import.route.ts';

export const handler = api(route, ({ params }) => getImport(params.id));
