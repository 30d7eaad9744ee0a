import * as z from '#shared/schema/z.ts';
import { defineRoute, documented } from '#shared/http/contract.ts';

/** The contract of `GET /openapi.json`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'GET',
  path: '/openapi.json',
  entry: 'functions/api/get-openapi.ts',
  operationId: 'getOpenApiDocument',
  auth: 'none',
  tag: 'meta',
  status: 200,
  tables: {},
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary: 'This API as an OpenAPI 3.1 document',
  description:
    'This document: the API as OpenAPI 3.1, generated from the route contracts and their schemas. Needs no key.',
  response: z
    .looseObject({
      openapi: z.literal('3.1.0'),
      info: z.looseObject({ title: z.string(), version: z.string() }),
    })
    .check(z.meta({ id: 'OpenApiDocument', description: 'An OpenAPI 3.1 document: this one' })),
}));
