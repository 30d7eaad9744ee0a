/**
 * The HTML sibling of api.ts: wraps a use-case call as the Lambda handler of one hosted-page route
 * (a contract with `page: {…}`), for recipients rather than marketing apps.
 *
 * What every page gets from here, so the handler files hold only the call:
 * - the `{token}` path parameter verified (HMAC, constant time) for the purposes its route lists;
 *   a tampered, truncated, foreign, expired or wrong-purpose token is the friendly 404 page, and
 *   nothing runs (why it failed is logged as a code, never the token);
 * - the form body, for routes with `form`: `application/x-www-form-urlencoded` or
 *   `multipart/form-data` (a small strict parser for text fields; RFC 8058 one-click POSTs use
 *   either), at most 64 KB, base64-decoded when API Gateway encoded it;
 * - request metadata for the evidence (time, IP, user agent) and the Accept-Language header;
 * - security headers on every answer: a CSP that allows the one inline style block (by hash) and
 *   nothing else, no framing, forms only to ourselves; no-referrer (tokens stay out of Referer);
 *   no-store; nosniff. Never a cookie.
 * - errors as HTML pages in the browser's language, by the same kind of one table as errors.ts.
 */
import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { TableName } from '#infra/tables.ts';
import { tableName } from '#shared/adapters/dynamodb/client.ts';
import { ConflictError, NotFoundError, RuleViolationError, ValidationError } from '#shared/domain/errors.ts';
import { fromAcceptLanguage } from '#shared/domain/i18n.ts';
import type { TokenPayloadFor, TokenPurpose } from '#shared/domain/tokens.ts';
import { logger } from '#shared/observability/logger.ts';
import { type ErrorPageKind, errorPage } from '#shared/pages/error-page.ts';
import { styleSource } from '#shared/pages/layout.ts';
import { type RouteContract, routeTables } from './contract.ts';
import type { TokenCheck } from './page-token.ts';
import { emptyForm, type Form, maxFormBytes, parseForm } from './form.ts';
import { PageError, pageNotFound } from './page-error.ts';
import { header, type RequestMeta, rawBody, requestMeta } from './request.ts';

export { emptyForm, type Form, maxFormBytes, parseForm, parseMultipart } from './form.ts';
export { PageError, pageNotFound } from './page-error.ts';

type Event = APIGatewayProxyEventV2;
type Result = APIGatewayProxyStructuredResultV2;

/** Routes served by this wrapper: those whose contract has `page`. */
export type PageContract = RouteContract & { readonly page: NonNullable<RouteContract['page']> };

type Purposes<C extends PageContract> = C extends { page: { purposes: readonly (infer P)[] } }
  ? Extract<P, TokenPurpose>
  : never;

/** A verified token: as it appeared in the path (for links back to the page) and its payload. */
export interface VerifiedToken<P extends TokenPurpose> {
  raw: string;
  payload: TokenPayloadFor<P>;
}

export interface PageRequest extends RequestMeta {
  acceptLanguage: string | undefined;
}

export interface PageInput<C extends PageContract> {
  token: [Purposes<C>] extends [never] ? undefined : VerifiedToken<Purposes<C>>;
  /** Empty for routes without `form`. */
  form: Form;
  request: PageRequest;
}

export type PageResponse =
  | { kind: 'html'; status: number; html: string; headers: Record<string, string> }
  | { kind: 'redirect'; location: string; status: 302 | 303 };

/** An HTML answer (200 unless told). */
export const htmlPage = (html: string, status = 200, headers: Record<string, string> = {}): PageResponse => ({
  kind: 'html',
  status,
  html,
  headers,
});

/** A redirect (tracked links): 302 after a GET, 303 ("see other", as a GET) after a form's POST. */
export const redirectTo = (location: string, status: 302 | 303 = 302): PageResponse => ({
  kind: 'redirect',
  location,
  status,
});

const contentSecurityPolicy = (formAction: string) =>
  `default-src 'none'; style-src ${styleSource}; img-src 'none'; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`;

/**
 * The headers of a page whose form's POST answers with a redirect to another origin (a tracked
 * link's signed target): browsers hold `form-action` to the redirect too, so that one origin is
 * allowed beside our own.
 */
export const formRedirectsTo = (url: string): Record<string, string> => ({
  'content-security-policy': contentSecurityPolicy(`'self' ${new URL(url).origin}`),
});

const securityHeaders: Record<string, string> = {
  'content-security-policy': contentSecurityPolicy("'self'"),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
  'x-robots-tag': 'noindex, nofollow',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'strict-transport-security': 'max-age=31536000',
};

const htmlHeaders = { 'content-type': 'text/html; charset=utf-8', ...securityHeaders };

/** The body as bytes, refusing oversized ones before decoding (base64 is 4/3 of its bytes). */
const formBody = (event: Event): Buffer => {
  if ((event.body?.length ?? 0) > Math.ceil((maxFormBytes * 4) / 3) + 4)
    throw new PageError(413, 'bad_request', `Form larger than ${maxFormBytes} bytes`);
  return rawBody(event);
};

/** Reads a page's form body; the handlers of routes that read a form pass it to {@link page}. */
export const readForm = (event: Event): Form => parseForm(header(event, 'content-type'), formBody(event));
export type FormReader = typeof readForm;

// ---------------------------------------------------------------------------------------------
// Errors

const isThrottle = (error: unknown) =>
  (error as { $retryable?: { throttling?: boolean } } | undefined)?.$retryable?.throttling === true;

/** Error class → status and page, in one place. Anything else is a 500 whose details stay in the log. */
const toErrorPage = (error: unknown): { statusCode: number; kind: ErrorPageKind; expected: boolean } => {
  if (error instanceof PageError) return { statusCode: error.statusCode, kind: error.kind, expected: true };
  if (error instanceof NotFoundError) return { statusCode: 404, kind: 'not_found', expected: true };
  if (error instanceof ValidationError) return { statusCode: 400, kind: 'bad_request', expected: true };
  if (error instanceof RuleViolationError) return { statusCode: 422, kind: 'bad_request', expected: true };
  if (error instanceof ConflictError) return { statusCode: 409, kind: 'server_error', expected: true };
  if (isThrottle(error)) return { statusCode: 429, kind: 'too_many', expected: true };
  return { statusCode: 500, kind: 'server_error', expected: false };
};

const errorPages = (routeKey: string): MiddlewareObj<Event, Result> => ({
  onError: async (request) => {
    const { statusCode, kind, expected } = toErrorPage(request.error);
    const error = request.error as Error | null;
    if (!expected)
      logger.error('unhandled error', { route: routeKey, error: error?.name, stack: error?.stack });
    else if (statusCode !== 404)
      logger.info('page refused', { route: routeKey, status: statusCode, error: error?.message });
    const language = fromAcceptLanguage(header(request.event, 'accept-language')) ?? 'en';
    request.response = {
      statusCode,
      headers: { ...htmlHeaders, ...(request.error instanceof PageError ? request.error.headers : {}) },
      body: errorPage(language, kind),
    };
  },
});

// ---------------------------------------------------------------------------------------------
// The wrapper

type PageContext<C extends PageContract> = Context & { input?: PageInput<C> };

/**
 * What a page route's handler passes in beside its contract: the token check when its auth is
 * `token` (shared/http/page-token.ts), the form reader when it reads a form ({@link readForm}).
 * Pages without a token or a form carry neither.
 */
export interface PageParts {
  tokens?: TokenCheck;
  forms?: FormReader;
}
type Needs<C extends PageContract> = (C['auth'] extends 'token' ? { tokens: TokenCheck } : unknown) &
  (C['page'] extends { form: true } ? { forms: FormReader } : unknown);
type PageOptions<C extends PageContract> = C['auth'] extends 'token'
  ? [parts: Needs<C>]
  : C['page'] extends { form: true }
    ? [parts: Needs<C>]
    : [];

const parsePage = <C extends PageContract>(
  route: C,
  parts: PageParts,
): MiddlewareObj<Event, Result, Error, PageContext<C>> => {
  const routeKey = `${route.method} ${route.path}`;
  const { tokens, forms } = parts;
  return {
    before: async (request) => {
      const event = request.event;
      let token: VerifiedToken<TokenPurpose> | undefined;
      if (route.auth === 'token' && tokens) {
        const verified = await tokens(event.pathParameters?.token, route.page.purposes ?? []);
        if (!verified.ok) {
          logger.info('token refused', { route: routeKey, code: verified.code });
          throw pageNotFound();
        }
        token = verified.token;
      }
      const form = route.page.form && forms ? forms(event) : emptyForm;
      request.context.input = {
        token,
        form,
        request: { ...requestMeta(event), acceptLanguage: header(event, 'accept-language') },
      } as PageInput<C>;
    },
  };
};

/**
 * Wraps a use-case call as the Lambda handler of one hosted-page route. The route's auth (token
 * purposes) and whether it reads a form come from its contract.
 */
export const page = <const C extends PageContract>(
  route: C,
  run: (input: PageInput<C>) => Promise<PageResponse>,
  ...options: PageOptions<C>
) => {
  const routeKey = `${route.method} ${route.path}`;
  // Fail at cold start, not on the first request, when a declared table is not configured.
  for (const table of Object.keys(routeTables(route)) as TableName[]) tableName(table);
  const parts = (options[0] ?? {}) as PageParts;
  if (route.auth === 'token' && !parts.tokens)
    throw new Error(`${routeKey} takes a token: its handler must pass the token check`);
  if (route.page.form && !parts.forms)
    throw new Error(`${routeKey} reads a form: its handler must pass the form reader`);
  return middy<Event, Result, Error, PageContext<C>>()
    .use(errorPages(routeKey))
    .use(parsePage(route, parts))
    .handler(async (_event, context) => {
      const response = await run(context.input as PageInput<C>);
      if (response.kind === 'redirect') {
        return {
          statusCode: response.status,
          headers: { location: response.location, ...securityHeaders },
          body: '',
        };
      }
      return {
        statusCode: response.status,
        headers: { ...htmlHeaders, ...response.headers },
        body: response.html,
      };
    });
};

/** Request metadata as consent evidence (GDPR Art. 7(1)): IP and user agent, as the API stores them. */
export const evidenceOf = (request: RequestMeta): { ip?: string; userAgent?: string } => ({
  ...(request.ip ? { ip: request.ip } : {}),
  ...(request.userAgent ? { userAgent: request.userAgent.slice(0, 512) } : {}),
});
