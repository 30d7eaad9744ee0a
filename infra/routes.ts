/**
 * The one route table. CDK (infra/stacks/service-stack.ts) makes an HTTP API route and a Lambda per
 * entry; the local gateway (infra/local/gateway.ts) serves the same entries; shared/http/api.ts reads
 * a handler's auth and schemas from here; the OpenAPI document is generated from it.
 * Find any behaviour in one hop: the `entry` file is the handler.
 */
import type { z } from 'zod';
import { ApiKey, CreateApiKey, CreatedApiKey, PutPrivacy, Settings } from '#shared/http/schemas/admin.ts';
import { IdParams, PageQuery, page } from '#shared/http/schemas/common.ts';
import type { QueueName } from './queues.ts';
import type { TableName } from './tables.ts';

export type Auth = 'none' | 'token' | 'marketer' | 'admin';
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type Access = 'read' | 'write';

export interface RouteDefinition {
  readonly method: Method;
  /** API Gateway path syntax: `/contacts/{id}`. */
  readonly path: string;
  /** Handler file, relative to the project root; exports `handler`. */
  readonly entry: string;
  readonly auth: Auth;
  readonly summary: string;
  readonly tag: string;
  /** Success status. */
  readonly status: number;
  readonly params?: z.ZodType;
  readonly query?: z.ZodType;
  /** JSON request body; unknown fields are rejected (422). */
  readonly body?: z.ZodType;
  readonly response?: z.ZodType;
  /** Tables the handler touches; CDK grants exactly this and sets each table's env var. */
  readonly tables: Partial<Record<TableName, Access>>;
  /** Creating POST that honours `Idempotency-Key`. */
  readonly idempotent?: boolean;
  /** Secrets the handler reads: `signing` holds the HMAC keys for tokens and address fingerprints. */
  readonly secrets?: readonly 'signing'[];
  /** Queues the handler sends to (infra/queues.ts). */
  readonly queues?: readonly QueueName[];
}

const route = <const T extends RouteDefinition>(definition: T): T => definition;

export const routes = {
  'GET /health': route({
    method: 'GET',
    path: '/health',
    entry: 'functions/api/get-health.ts',
    auth: 'none',
    summary: 'Liveness check',
    tag: 'meta',
    status: 200,
    tables: {},
  }),
  'GET /openapi.json': route({
    method: 'GET',
    path: '/openapi.json',
    entry: 'functions/api/get-openapi.ts',
    auth: 'none',
    summary: 'This API as an OpenAPI 3.1 document',
    tag: 'meta',
    status: 200,
    tables: {},
  }),
  'POST /api-keys': route({
    method: 'POST',
    path: '/api-keys',
    entry: 'functions/api/create-api-key.ts',
    auth: 'admin',
    summary: 'Create an API key (the key is shown once)',
    tag: 'api-keys',
    status: 201,
    body: CreateApiKey,
    response: CreatedApiKey,
    tables: { app: 'write' },
    idempotent: true,
  }),
  'GET /api-keys': route({
    method: 'GET',
    path: '/api-keys',
    entry: 'functions/api/list-api-keys.ts',
    auth: 'admin',
    summary: 'List API keys (never the keys themselves)',
    tag: 'api-keys',
    status: 200,
    query: PageQuery,
    response: page(ApiKey),
    tables: { app: 'read' },
  }),
  'DELETE /api-keys/{id}': route({
    method: 'DELETE',
    path: '/api-keys/{id}',
    entry: 'functions/api/delete-api-key.ts',
    auth: 'admin',
    summary: 'Revoke an API key; it stops working at once',
    tag: 'api-keys',
    status: 200,
    params: IdParams,
    response: ApiKey,
    tables: { app: 'write' },
  }),
  'GET /settings': route({
    method: 'GET',
    path: '/settings',
    entry: 'functions/api/get-settings.ts',
    auth: 'marketer',
    summary: 'Account settings',
    tag: 'settings',
    status: 200,
    response: Settings,
    tables: { app: 'read' },
  }),
  'PUT /settings/privacy': route({
    method: 'PUT',
    path: '/settings/privacy',
    entry: 'functions/api/put-privacy-setting.ts',
    auth: 'admin',
    summary: 'Switch the e-marketing privacy filter on or off (recorded in the audit log)',
    tag: 'settings',
    status: 200,
    body: PutPrivacy,
    response: Settings,
    tables: { app: 'write' },
  }),
} as const satisfies Record<string, RouteDefinition>;

export type RouteKey = keyof typeof routes;
export type Route<K extends RouteKey> = (typeof routes)[K];

/** Every route as a list, for CDK, the local gateway, OpenAPI and the generated tests. */
export const routeList = (): Array<RouteDefinition & { key: RouteKey }> =>
  (Object.keys(routes) as RouteKey[]).map((key) => ({ key, ...routes[key] }));

/**
 * The tables a route's function may touch: what it declares, plus reading API keys (app table)
 * when it checks a key. CDK grants exactly these; the API wrapper checks their env vars at cold start.
 */
export const routeTables = (route: RouteDefinition): Partial<Record<TableName, Access>> => {
  const declared: Partial<Record<TableName, Access>> = { ...route.tables };
  if ((route.auth === 'marketer' || route.auth === 'admin') && !declared.app) declared.app = 'read';
  if (route.idempotent) declared.app = 'write';
  return declared;
};
