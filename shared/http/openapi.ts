/**
 * The OpenAPI 3.1 document, generated from the route contracts and their zod schemas (OpenAPI 3.1
 * schemas are JSON Schema 2020-12, which zod emits directly).
 *
 * Every schema with an id (`z.meta({ id })`) becomes a named schema under `components/schemas`,
 * and every reference to it is `#/components/schemas/<id>`; a schema whose input form (what a
 * request may send: defaults make fields optional) differs from its output form is named twice,
 * `<id>` and `<id>Input`. `npm run client` writes the document to shared/client/openapi.json, which
 * is what `GET /openapi.json` serves and what the typed client is generated from; `npm test`
 * checks that file is current and validates it with independent tools.
 */
import * as zod from 'zod/mini';
import { toZod } from '#shared/schema/to-zod.ts';
import type * as z from '#shared/schema/z.ts';
import type { DocumentedRoute, RouteContract } from './contract.ts';
import { ErrorBody } from './schemas/error.ts';

type Json = Record<string, unknown>;

/** The error answers, each a named response under `components/responses`. */
const errorResponses: Record<number, { name: string; description: string }> = {
  400: { name: 'MalformedJson', description: 'Malformed JSON' },
  401: { name: 'Unauthorized', description: 'Missing, unknown or revoked API key' },
  403: { name: 'Forbidden', description: 'The API key has too small a role' },
  404: { name: 'NotFound', description: 'Not found (or an id that cannot exist)' },
  409: {
    name: 'Conflict',
    description:
      'Conflict with the current state (a duplicate, a second send, a request with the same Idempotency-Key still running)',
  },
  413: { name: 'PayloadTooLarge', description: 'Body larger than 1 MB' },
  415: { name: 'UnsupportedMediaType', description: 'Body is not application/json' },
  422: { name: 'ValidationFailed', description: 'Valid JSON that breaks a rule; `details` names the fields' },
  429: { name: 'Throttled', description: 'Throttled: retry with backoff' },
};

/** The tags, in the order the document lists them. */
export const tags: ReadonlyArray<{ name: string; description: string }> = [
  { name: 'meta', description: 'Health and this document' },
  { name: 'api-keys', description: 'API keys and their roles (admin)' },
  { name: 'settings', description: 'The e-marketing privacy filter and the bounce policy' },
  { name: 'audit', description: 'Who did what, when (admin)' },
  { name: 'suppressions', description: 'Addresses no mailing may reach' },
  {
    name: 'webhooks',
    description: 'Outgoing events, signed as Standard Webhooks says, to the apps that need them (admin)',
  },
  { name: 'subscription-types', description: 'The kinds of mailing a person can subscribe to' },
  { name: 'contacts', description: 'People, their consent, subscriptions and history' },
  { name: 'lists', description: 'Target lists: selections and static sets of contacts' },
  { name: 'mailings', description: 'Mailings: drafts, the recipient preview, sending and its outcome' },
  { name: 'imports', description: 'CSV imports as jobs: upload, dry run, consent-safe merge, results' },
  { name: 'exports', description: 'CSV exports as jobs: contacts, or a mailing’s recipient report' },
  {
    name: 'pages',
    description: 'Hosted pages for recipients (HTML): preference page, one-click unsubscribe, tracked links',
  },
  {
    name: 'console',
    description:
      "The marketers' console (HTML): the mailing wizard, the recipient report and the audience, signed in with an API key",
  },
];

const ref = (name: string) => `#/components/schemas/${name}`;

/** Collects named schemas; answers the name a schema got (its id, or `<id>Input` when they differ). */
class Components {
  readonly schemas: Record<string, Json> = {};

  /** JSON Schema of `type`, with every schema that has an id moved into components. */
  convert(schema: z.Schema, io: 'input' | 'output'): Json {
    const type = toZod(schema);
    const {
      $schema: _schema,
      $defs,
      ...root
    } = zod.toJSONSchema(type, {
      target: 'draft-2020-12',
      io,
      unrepresentable: 'any',
      reused: 'inline',
    }) as Json & { $defs?: Record<string, Json> };
    const rewrite = (node: unknown, names: ReadonlyMap<string, string>): unknown => {
      if (Array.isArray(node)) return node.map((item) => rewrite(item, names));
      if (!node || typeof node !== 'object') return node;
      const out: Json = {};
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string' && value.startsWith('#/$defs/')) {
          const id = value.slice('#/$defs/'.length);
          out.$ref = ref(names.get(id) ?? id);
        } else if (key === 'x-item-schema' && typeof value === 'string') {
          // A placeholder for items validated one by one elsewhere: documented as that schema.
          out.$ref = ref(value);
        } else out[key] = rewrite(value, names);
      }
      return out;
    };
    const defs = { ...($defs ?? {}) };
    // A root with an id is named too, so the operation refers to it.
    const rootId = zod.globalRegistry.get(type)?.id;
    // zod answers a root with an id as a reference into $defs, or (some versions) inline.
    if (rootId && !defs[rootId]) defs[rootId] = root;
    // Output forms own the plain names (the document converts every response first); an input
    // form that differs from its output form is named `<id>Input`.
    const renamed = new Map<string, string>();
    const asIs = rewrite(defs, new Map()) as Record<string, Json>;
    for (const [id, schema] of Object.entries(asIs)) {
      const existing = this.schemas[id];
      renamed.set(id, existing && !same(existing, schema) && io === 'input' ? `${id}Input` : id);
    }
    for (const [id, schema] of Object.entries(defs)) {
      const name = renamed.get(id) ?? id;
      this.schemas[name] ??= rewrite(schema, renamed) as Json;
    }
    return rootId ? { $ref: ref(renamed.get(rootId) ?? rootId) } : (rewrite(root, renamed) as Json);
  }
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

const isKeyed = (route: RouteContract) => route.auth === 'marketer' || route.auth === 'admin';

/** The statuses a route can answer beside its success, each with the error body. */
export const errorStatuses = (route: RouteContract): number[] => {
  const codes: number[] = [];
  if (isKeyed(route)) codes.push(401, 403);
  if (route.params || route.auth === 'token') codes.push(404);
  if (route.body) codes.push(400, 413, 415, 422);
  else if (route.query) codes.push(422);
  if (route.method !== 'GET') codes.push(409);
  codes.push(429);
  return [...new Set(codes)].sort();
};

const html = { 'text/html': { schema: { type: 'string' } } };

const roleNote: Record<RouteContract['auth'], string> = {
  none: 'No API key needed.',
  token: 'No API key: the signed token in the path is the credential.',
  marketer: 'Needs an API key with the role `marketer` or `admin`.',
  admin: 'Needs an API key with the role `admin`.',
  session:
    "No API key in the request: the console's session cookie (made at `/console/sign-in` from an API key). Without a live session the answer is a 303 to the sign-in page; the key's role decides each action.",
};

/** A hosted page: HTML for people, form posts, a signed token in the path instead of a key. */
const pageResponses = (route: RouteContract): Json => {
  const redirect = route.status >= 300 && route.status < 400;
  const console = route.tag === 'console';
  const location = { Location: { description: 'Where to go next', schema: { type: 'string' } } };
  const page = (description: string) => ({ description, content: html });
  const responses: Json = {
    [route.status]: redirect
      ? {
          description: console
            ? 'Done: on to the next page (Post/Redirect/Get)'
            : 'Redirect to the signed target',
          headers: location,
        }
      : route.page?.contentType
        ? {
            description: 'The file',
            content: { [route.page.contentType.split(';')[0] as string]: { schema: { type: 'string' } } },
          }
        : page('An HTML page'),
    400: page('A malformed request or form'),
  };
  // Answers the route gives beside its success: a page, or a redirect.
  for (const [status, other] of Object.entries(route.otherResponses ?? {}))
    responses[status] =
      Number(status) >= 300 && Number(status) < 400
        ? { description: other.description, headers: location }
        : page(other.description);
  if (console && route.method === 'POST') {
    responses[200] ??= page('The page again: a preview, or what was done');
    responses[303] ??= { description: 'Done: on to the next page', headers: location };
    if (route.auth !== 'session') responses[401] = page('An unknown or revoked API key: the form again');
  }
  if (route.auth === 'session') {
    responses[303] = {
      description:
        'Done, or no live session: on to the next page, or to the sign-in page that leads back here',
      headers: location,
    };
    responses[403] = page('A form without its CSRF token, or an action the role may not take');
    responses[404] = page('No such page, or no such item');
  }
  if (route.auth === 'token') responses[404] = page('Unknown, tampered or expired token: a friendly page');
  responses[409] = page(
    console
      ? 'A change that raced another, or a mailing another tab already sent: a sentence'
      : 'A change that raced another: try again',
  );
  if (route.page?.form) {
    responses[413] = page('Form over 64 KB');
    responses[415] = page('Not a form');
  }
  responses[422] = page(
    console
      ? 'A form that breaks a rule: the form again, each message beside its field'
      : 'A request the page cannot carry out',
  );
  responses[429] = page('Throttled');
  return responses;
};

const formBody = {
  required: false,
  description: 'A form post, at most 64 KB.',
  content: {
    'application/x-www-form-urlencoded': {
      schema: { type: 'object', additionalProperties: { type: 'string' } },
    },
    'multipart/form-data': { schema: { type: 'object', additionalProperties: { type: 'string' } } },
  },
};

/**
 * The document for `routes`. Its server is `serverUrl` (the API's base URL) when given, else `/`:
 * the committed document is the same for every deployment.
 */
export const openApiDocument = (routes: ReadonlyArray<DocumentedRoute>, serverUrl?: string): Json => {
  const components = new Components();
  const errorRef = components.convert(ErrorBody, 'output');
  for (const route of routes) {
    if (route.response) components.convert(route.response, 'output');
    for (const other of Object.values(route.otherResponses ?? {}))
      if (other.schema) components.convert(other.schema, 'output');
  }
  const paths: Record<string, Json> = {};
  for (const route of routes) {
    const parameters: Json[] = [];
    const pathSchema = route.params ? components.convert(route.params, 'input') : undefined;
    for (const match of route.path.matchAll(/\{(\w+)\}/g)) {
      const name = match[1] ?? '';
      const schema = (pathSchema?.properties as Record<string, Json> | undefined)?.[name] ?? {
        type: 'string',
      };
      parameters.push({ name, in: 'path', required: true, schema });
    }
    if (route.query) {
      const query = components.convert(route.query, 'input');
      const required = new Set((query.required as string[] | undefined) ?? []);
      for (const [name, schema] of Object.entries((query.properties ?? {}) as Record<string, Json>)) {
        const { description, ...rest } = schema;
        parameters.push({
          name,
          in: 'query',
          required: required.has(name),
          ...(typeof description === 'string' ? { description } : {}),
          schema: rest,
        });
      }
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
    const common = {
      operationId: route.operationId,
      summary: route.summary,
      description: `${route.description}\n\n${roleNote[route.auth]}`,
      tags: [route.tag],
      ...(parameters.length ? { parameters } : {}),
      security: isKeyed(route) ? [{ apiKey: [] }] : [],
      'x-required-role': route.auth,
    };
    let operation: Json;
    if (route.page) {
      operation = {
        ...common,
        ...(route.page.form ? { requestBody: formBody } : {}),
        responses: pageResponses(route),
      };
    } else {
      const responses: Json = {
        [route.status]: {
          description: route.status === 202 ? 'Accepted' : 'Success',
          ...(route.response
            ? { content: { 'application/json': { schema: components.convert(route.response, 'output') } } }
            : {}),
        },
      };
      for (const [status, other] of Object.entries(route.otherResponses ?? {})) {
        responses[status] = {
          description: other.description,
          ...(other.schema
            ? { content: { 'application/json': { schema: components.convert(other.schema, 'output') } } }
            : {}),
        };
      }
      for (const code of errorStatuses(route))
        responses[code] ??= { $ref: `#/components/responses/${errorResponses[code]?.name}` };
      operation = {
        ...common,
        ...(route.body
          ? {
              requestBody: {
                required: true,
                description: 'JSON up to 1 MB. Unknown fields are rejected with 422.',
                content: { 'application/json': { schema: components.convert(route.body, 'input') } },
              },
            }
          : {}),
        responses,
      };
    }
    paths[route.path] = { ...(paths[route.path] ?? {}), [route.method.toLowerCase()]: operation };
  }
  const usedTags = new Set(routes.map((r) => r.tag));
  return {
    openapi: '3.1.0',
    info: {
      title: 'Subscription Center API',
      version: '1.0.0',
      summary: 'Send marketing e-mail only to people who want it',
      description:
        'Subscription types, GDPR-grade consent and history, target lists, mailings that show who is ' +
        'filtered out and why, one-click unsubscribe and a hosted preference page. JSON in and out ' +
        '(camelCase, ISO-8601 UTC); errors are `{"error": {"code", "message", "details"}}`; lists are ' +
        'cursor pages `{"items", "nextCursor"}`. The contract in prose: docs/api.md in the repository.',
      license: { name: 'Proprietary' },
    },
    // Relative: where the document was served from. The served copy names the deployment's URL.
    servers: [
      serverUrl ? { url: serverUrl } : { url: '/', description: 'The host that serves this document' },
    ],
    tags: tags.filter((tag) => usedTags.has(tag.name)),
    paths,
    components: {
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key (`Authorization: Bearer <key>`); roles admin and marketer',
        },
      },
      responses: Object.fromEntries(
        Object.values(errorResponses).map(({ name, description }) => [
          name,
          { description, content: { 'application/json': { schema: errorRef } } },
        ]),
      ),
      schemas: Object.fromEntries(Object.entries(components.schemas).sort(([a], [b]) => a.localeCompare(b))),
    },
  };
};
