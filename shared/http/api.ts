import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type * as z from '#shared/schema/z.ts';
import type { TableName } from '#infra/tables.ts';
import { tableName } from '#shared/adapters/dynamodb/client.ts';
import type { Actor } from '#shared/domain/api-key.ts';
import { logger } from '#shared/observability/logger.ts';
import { authenticate } from './auth.ts';
import { type RouteContract, routeTables } from './contract.ts';
import { notFound, toErrorResponse } from './errors.ts';
import type { Scope, StoredResponse } from './idempotency.ts';
import { header, parseJsonBody, queryObject, type RequestMeta, requestMeta, validate } from './request.ts';

type Out<S> = S extends z.Schema ? z.output<S> : undefined;

/** What a handler receives: validated input typed from its contract's schemas, and who called. */
export interface ApiInput<C extends RouteContract> {
  body: Out<C extends { body: infer S } ? S : undefined>;
  query: Out<C extends { query: infer S } ? S : undefined>;
  params: Out<C extends { params: infer S } ? S : undefined>;
  actor: C['auth'] extends 'marketer' | 'admin' ? Actor : undefined;
  request: RequestMeta;
}

/** A reply with a status other than the route's default, or with headers. */
export class Reply {
  readonly statusCode: number;
  readonly body: unknown;
  readonly headers: Record<string, string>;
  constructor(statusCode: number, body: unknown, headers: Record<string, string> = {}) {
    this.statusCode = statusCode;
    this.body = body;
    this.headers = headers;
  }
}

const jsonHeaders = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

/**
 * The record store behind `Idempotency-Key` (shared/http/idempotency.ts). Only the handlers of
 * idempotent routes pass it in, so the other functions do not carry it.
 */
export interface IdempotencyStore {
  begin(scope: Scope, key: string, body: string): Promise<StoredResponse | undefined>;
  complete(
    scope: Scope,
    key: string,
    response: StoredResponse,
    secretFields?: readonly string[],
  ): Promise<void>;
  release(scope: Scope, key: string): Promise<void>;
}

/** An idempotent route's handler must be given the store; any other may not be. */
type ApiOptions<C extends RouteContract> = C extends { idempotent: true }
  ? [options: { idempotency: IdempotencyStore }]
  : [options?: undefined];

type Event = APIGatewayProxyEventV2;
type Result = APIGatewayProxyStructuredResultV2;
type ApiContext<C extends RouteContract> = Context & { input?: ApiInput<C> };

/** Maps every error through the one table in errors.ts; a 500 is logged, never shown. */
const errorResponses = (routeKey: string): MiddlewareObj<Event, Result> => ({
  onError: async (request) => {
    const { statusCode, body, expected } = toErrorResponse(request.error);
    if (!expected) {
      const error = request.error as Error;
      logger.error('unhandled error', { route: routeKey, error: error?.name, stack: error?.stack });
    }
    request.response = { statusCode, headers: jsonHeaders, body: JSON.stringify(body) };
  },
});

/** Auth first (401/403), then body size, type and syntax (413/415/400), then schemas (422/404). */
const parseRequest = <C extends RouteContract>(
  route: C,
): MiddlewareObj<Event, Result, Error, ApiContext<C>> => {
  return {
    before: async (request) => {
      const event = request.event;
      const actor =
        route.auth === 'marketer' || route.auth === 'admin'
          ? await authenticate(event, route.auth)
          : undefined;
      let params: unknown;
      if (route.params) {
        const parsed = route.params.safeParse(event.pathParameters ?? {});
        // An id that cannot exist is simply not found.
        if (!parsed.success) throw notFound();
        params = parsed.data;
      }
      const query = route.query ? validate(route.query, queryObject(event), 'query') : undefined;
      const body = route.body ? validate(route.body, parseJsonBody(event), 'body') : undefined;
      request.context.input = { actor, params, query, body, request: requestMeta(event) } as ApiInput<C>;
    },
  };
};

/**
 * Wraps a use-case call as the Lambda handler of one route. The route's auth and schemas come from
 * its contract (the module beside the handler), so the handler file holds only the call and the
 * mapping of its result.
 */
export const api = <const C extends RouteContract>(
  route: C,
  run: (input: ApiInput<C>) => Promise<unknown>,
  ...options: ApiOptions<C>
) => {
  const routeKey = `${route.method} ${route.path}`;
  // Fail at cold start, not on the first request, when a declared table is not configured.
  for (const table of Object.keys(routeTables(route)) as TableName[]) tableName(table);
  const given = options[0] as { idempotency?: IdempotencyStore } | undefined;
  const idempotency = route.idempotent === true ? given?.idempotency : undefined;
  if (route.idempotent === true && !idempotency)
    throw new Error(`${routeKey} is idempotent: its handler must pass the idempotency store`);
  return middy<Event, Result, Error, ApiContext<C>>()
    .use(errorResponses(routeKey))
    .use(parseRequest(route))
    .handler(async (event, context) => {
      const input = context.input as ApiInput<C>;
      const idemKey = idempotency ? header(event, 'idempotency-key') : undefined;
      const scope = { caller: input.actor?.keyId ?? 'anonymous', route: routeKey };
      if (idempotency && idemKey) {
        const stored = await idempotency.begin(scope, idemKey, event.body ?? '');
        if (stored) {
          return {
            statusCode: stored.statusCode,
            headers: { ...jsonHeaders, 'idempotent-replayed': 'true' },
            body: stored.body,
          };
        }
      }
      let result: unknown;
      try {
        result = await run(input);
      } catch (error) {
        // Nothing was done: the key is free for a retry.
        if (idempotency && idemKey) await idempotency.release(scope, idemKey);
        throw error;
      }
      const reply = result instanceof Reply ? result : new Reply(route.status, result);
      const response = {
        statusCode: reply.statusCode,
        headers: { ...jsonHeaders, ...reply.headers },
        body: reply.body === undefined ? '' : JSON.stringify(reply.body),
      };
      if (idempotency && idemKey) {
        // The work is done: the key is never freed now, even if the response cannot be stored
        // (the record then stays `started` until its lease ends).
        await idempotency
          .complete(scope, idemKey, response, route.idempotentSecrets ?? [])
          .catch((error: unknown) =>
            logger.error('idempotency record not completed', {
              route: routeKey,
              error: (error as Error)?.name,
            }),
          );
      }
      return response;
    });
};
