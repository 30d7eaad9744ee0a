import { api } from '#shared/http/api.ts';
import { openApiDocument } from '#shared/http/openapi.ts';
import { route } from './get-openapi.route.ts';

// Built once per container: the route table does not change while it runs.
let document: unknown;

export const handler = api(route, async () => {
  document ??= openApiDocument(process.env.PUBLIC_BASE_URL);
  return document;
});
