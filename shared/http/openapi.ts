import * as z from 'zod/mini';
import { type RouteDefinition, routeList } from '#infra/routes.ts';
import { ErrorBody } from './schemas/common.ts';
import { CreateContact } from './schemas/contacts.ts';

type Json = Record<string, unknown>;

const errorStatus: Record<number, string> = {
  400: 'Malformed JSON',
  401: 'Missing, unknown or revoked API key',
  403: 'The API key has too small a role',
  404: 'Not found',
  409: 'Conflict with current state',
  413: 'Body larger than 1 MB',
  415: 'Body is not application/json',
  422: 'Valid JSON that breaks a rule; `details` names the fields',
  429: 'Throttled',
};

const jsonSchema = (type: z.ZodMiniType, io: 'input' | 'output'): Json =>
  z.toJSONSchema(type, { target: 'draft-2020-12', io, unrepresentable: 'any', reused: 'inline' }) as Json;

/** Schemas a placeholder names with `x-shape` (validated elsewhere, documented as this shape). */
const shapes: Record<string, z.ZodMiniType> = { CreateContactRequest: CreateContact };

/** Replaces every `{ 'x-item-schema': name }` node by the named schema's JSON Schema (input side). */
const fillShapes = (node: unknown): unknown => {
  if (Array.isArray(node)) return node.map(fillShapes);
  if (!node || typeof node !== 'object') return node;
  const { 'x-item-schema': shape, ...rest } = node as Json;
  const named = typeof shape === 'string' ? shapes[shape] : undefined;
  if (named) {
    const { $schema: _schema, ...doc } = jsonSchema(named, 'input');
    return { ...rest, ...doc };
  }
  return Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, fillShapes(value)]));
};

const schema = (type: z.ZodMiniType, io: 'input' | 'output'): Json =>
  fillShapes(jsonSchema(type, io)) as Json;

const errorsFor = (route: RouteDefinition): number[] => {
  const codes: number[] = [];
  if (route.auth === 'marketer' || route.auth === 'admin') codes.push(401, 403);
  if (route.params || route.auth === 'token') codes.push(404);
  if (route.body) codes.push(400, 413, 415, 422);
  else if (route.query) codes.push(422);
  if (route.method !== 'GET') codes.push(409);
  codes.push(429);
  return [...new Set(codes)].sort();
};

const html = { 'text/html': { schema: { type: 'string' } } };

/** A hosted page: HTML for people, form posts, a signed token in the path instead of a key. */
const pageOperation = (route: RouteDefinition & { key: string }, parameters: Json[]): Json => {
  const form = { type: 'object', additionalProperties: { type: 'string' } };
  const redirect = route.status >= 300 && route.status < 400;
  return {
    operationId: route.key.replace(/[^A-Za-z0-9]+/g, '_'),
    summary: route.summary,
    tags: [route.tag],
    ...(parameters.length ? { parameters } : {}),
    ...(route.page?.form
      ? {
          requestBody: {
            required: false,
            description: 'A form post, at most 64 KB.',
            content: {
              'application/x-www-form-urlencoded': { schema: form },
              'multipart/form-data': { schema: form },
            },
          },
        }
      : {}),
    responses: {
      [route.status]: redirect
        ? {
            description: 'Redirect to the signed target',
            headers: { Location: { schema: { type: 'string' } } },
          }
        : { description: 'An HTML page', content: html },
      ...(route.auth === 'token'
        ? { 404: { description: 'Unknown, tampered or expired token: a friendly page', content: html } }
        : {}),
      ...(route.page?.form
        ? {
            400: { description: 'A malformed form', content: html },
            413: { description: 'Form over 64 KB', content: html },
            415: { description: 'Not a form', content: html },
          }
        : {}),
      429: { description: 'Throttled', content: html },
    },
    security: [],
    'x-required-role': route.auth,
  };
};

/**
 * The OpenAPI 3.1 document, generated from the route table and its zod schemas (OpenAPI 3.1
 * schemas are JSON Schema 2020-12, which zod emits directly). It grows with every route.
 */
export const openApiDocument = (serverUrl?: string): Json => {
  const paths: Record<string, Json> = {};
  for (const route of routeList()) {
    const parameters: Json[] = [];
    for (const name of route.path.match(/\{(\w+)\}/g) ?? []) {
      parameters.push({ name: name.slice(1, -1), in: 'path', required: true, schema: { type: 'string' } });
    }
    if (route.query) {
      const props = (schema(route.query, 'input').properties ?? {}) as Record<string, Json>;
      const required = new Set((schema(route.query, 'input').required as string[] | undefined) ?? []);
      for (const [name, s] of Object.entries(props))
        parameters.push({ name, in: 'query', required: required.has(name), schema: s });
    }
    if (route.idempotent) {
      parameters.push({
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description: 'Retrying with the same key and body within 24 h returns the first response.',
        schema: { type: 'string', maxLength: 200 },
      });
    }
    if (route.page) {
      paths[route.path] = {
        ...(paths[route.path] ?? {}),
        [route.method.toLowerCase()]: pageOperation(route, parameters),
      };
      continue;
    }
    const responses: Json = {
      [route.status]: {
        description: 'Success',
        ...(route.response
          ? { content: { 'application/json': { schema: schema(route.response, 'output') } } }
          : {}),
      },
    };
    for (const code of errorsFor(route)) {
      responses[code] = {
        description: errorStatus[code],
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      };
    }
    const operation: Json = {
      operationId: route.key.replace(/[^A-Za-z0-9]+/g, '_'),
      summary: route.summary,
      tags: [route.tag],
      ...(parameters.length ? { parameters } : {}),
      ...(route.body
        ? {
            requestBody: {
              required: true,
              description: 'JSON up to 1 MB. Unknown fields are rejected with 422.',
              content: { 'application/json': { schema: schema(route.body, 'input') } },
            },
          }
        : {}),
      responses,
      security: route.auth === 'marketer' || route.auth === 'admin' ? [{ apiKey: [] }] : [],
      'x-required-role': route.auth,
    };
    paths[route.path] = { ...(paths[route.path] ?? {}), [route.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Subscription Center API', version: '1.0.0' },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    paths,
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'An API key; roles admin and marketer' },
      },
      schemas: { Error: schema(ErrorBody, 'output') },
    },
  };
};
