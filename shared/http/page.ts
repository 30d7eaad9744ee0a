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
import { header, type RequestMeta, rawBody, requestMeta } from './request.ts';

/** Form bodies are small: a page's checkboxes, a reason, an address. */
export const maxFormBytes = 64 * 1024;
const maxFormFields = 200;

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

/** A parsed form: every field may repeat (checkbox groups). */
export interface Form {
  /** The first value of a field. */
  get(name: string): string | undefined;
  /** Every value of a field, in order. */
  all(name: string): string[];
  readonly size: number;
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

/** An error shown as one of the error pages. */
export class PageError extends Error {
  readonly statusCode: number;
  readonly kind: ErrorPageKind;
  readonly headers: Record<string, string>;
  constructor(
    statusCode: number,
    kind: ErrorPageKind,
    message: string,
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'PageError';
    this.statusCode = statusCode;
    this.kind = kind;
    this.headers = headers;
  }
}

export const pageNotFound = () => new PageError(404, 'not_found', 'Not found');
const badForm = (why: string) => new PageError(400, 'bad_request', `Unreadable form: ${why}`);

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

// ---------------------------------------------------------------------------------------------
// Forms

const formOf = (pairs: ReadonlyArray<readonly [string, string]>): Form => {
  const fields = new Map<string, string[]>();
  for (const [name, value] of pairs) {
    const values = fields.get(name);
    if (values) values.push(value);
    else fields.set(name, [value]);
  }
  return {
    get: (name) => fields.get(name)?.[0],
    all: (name) => [...(fields.get(name) ?? [])],
    size: pairs.length,
  };
};

export const emptyForm: Form = formOf([]);

const utf8 = /* @__PURE__ */ new TextDecoder('utf-8', { fatal: true });
const decodeUtf8 = (bytes: Uint8Array, what: string): string => {
  try {
    return utf8.decode(bytes);
  } catch {
    throw badForm(`${what} is not UTF-8`);
  }
};

const tchar = "[!#$%&'*+.^_`|~0-9A-Za-z-]";
const paramPattern = /* @__PURE__ */ new RegExp(
  `;\\s*(${tchar}+)\\s*=\\s*("(?:[^"\\\\\\r\\n]|\\\\.)*"|${tchar}+)`,
  'g',
);

/** `type/subtype; a=b; c="d"` → lower-cased type and parameters (names lower-cased, quotes removed). */
const parseMediaType = (value: string): { type: string; params: Map<string, string> } => {
  const semi = value.indexOf(';');
  const type = (semi === -1 ? value : value.slice(0, semi)).trim().toLowerCase();
  const params = new Map<string, string>();
  if (semi !== -1) {
    const rest = value.slice(semi);
    let consumed = 0;
    for (const match of rest.matchAll(paramPattern)) {
      if (rest.slice(consumed, match.index).trim()) throw badForm('malformed header parameters');
      const raw = match[2] ?? '';
      params.set(
        (match[1] ?? '').toLowerCase(),
        raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw,
      );
      consumed = (match.index ?? 0) + match[0].length;
    }
    if (rest.slice(consumed).trim().replace(/;$/, '')) throw badForm('malformed header parameters');
  }
  return { type, params };
};

// RFC 2046 §5.1.1: 1–70 characters, not ending in a space.
const boundaryPattern = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;
const headerLine = /* @__PURE__ */ new RegExp(`^(${tchar}+):[ \\t]*(.*?)[ \\t]*$`);
const maxPartHeaderBytes = 2048;

/** One part's headers → its field name. Only text fields: a file part is refused. */
const partName = (lines: string[]): string => {
  let name: string | undefined;
  for (const line of lines) {
    const match = headerLine.exec(line);
    if (!match) throw badForm('malformed part header');
    const key = (match[1] ?? '').toLowerCase();
    const value = match[2] ?? '';
    if (key === 'content-disposition') {
      const disposition = parseMediaType(value);
      if (disposition.type !== 'form-data') throw badForm('part is not form-data');
      if (disposition.params.has('filename') || disposition.params.has('filename*'))
        throw badForm('file uploads are not accepted');
      const raw = disposition.params.get('name');
      if (raw === undefined) throw badForm('part without a name');
      name = decodeUtf8(Buffer.from(raw, 'latin1'), 'a field name');
    } else if (key === 'content-type') {
      const type = parseMediaType(value);
      const charset = type.params.get('charset')?.toLowerCase();
      if (type.type !== 'text/plain' || (charset && charset !== 'utf-8' && charset !== 'us-ascii'))
        throw badForm('only text fields are accepted');
    } else if (key === 'content-transfer-encoding') {
      if (!['7bit', '8bit', 'binary'].includes(value.toLowerCase())) throw badForm('unsupported encoding');
    }
  }
  if (name === undefined) throw badForm('part without Content-Disposition');
  return name;
};

/**
 * A strict multipart/form-data reader for text fields (RFC 7578): CRLF line ends, a boundary as
 * RFC 2046 allows, `Content-Disposition: form-data; name=…` on every part, no files, no folded
 * headers. A preamble and an epilogue are ignored, as the RFC says.
 */
export const parseMultipart = (body: Buffer, boundary: string): Array<[string, string]> => {
  if (!boundaryPattern.test(boundary)) throw badForm('invalid boundary');
  // latin1 maps each byte to one character, so string offsets are byte offsets.
  const text = body.toString('latin1');
  const delimiter = `--${boundary}`;
  let pos: number;
  if (text.startsWith(delimiter)) pos = 0;
  else {
    const first = text.indexOf(`\r\n${delimiter}`);
    if (first === -1) throw badForm('no multipart boundary');
    pos = first + 2;
  }
  const pairs: Array<[string, string]> = [];
  for (;;) {
    pos += delimiter.length;
    if (text.startsWith('--', pos)) return pairs;
    while (text[pos] === ' ' || text[pos] === '\t') pos++;
    if (!text.startsWith('\r\n', pos)) throw badForm('malformed boundary line');
    pos += 2;
    const headerEnd = text.indexOf('\r\n\r\n', pos);
    if (headerEnd === -1 || headerEnd - pos > maxPartHeaderBytes) throw badForm('malformed part headers');
    const name = partName(text.slice(pos, headerEnd).split('\r\n'));
    const end = text.indexOf(`\r\n${delimiter}`, headerEnd + 4);
    if (end === -1) throw badForm('unterminated part');
    pairs.push([name, decodeUtf8(body.subarray(headerEnd + 4, end), 'a field')]);
    if (pairs.length > maxFormFields) throw badForm('too many fields');
    pos = end + 2;
  }
};

/**
 * The form of a request body: size first (413), then type (415), then syntax (400). No body is an
 * empty form (RFC 8058 clients always send one, but a bare POST is still a POST).
 */
export const parseForm = (contentType: string | undefined, body: Buffer): Form => {
  if (body.length > maxFormBytes)
    throw new PageError(413, 'bad_request', `Form larger than ${maxFormBytes} bytes`);
  if (body.length === 0) return emptyForm;
  const media = parseMediaType(contentType ?? '');
  if (media.type === 'application/x-www-form-urlencoded') {
    const pairs = [...new URLSearchParams(decodeUtf8(body, 'the form'))];
    if (pairs.length > maxFormFields) throw badForm('too many fields');
    return formOf(pairs);
  }
  if (media.type === 'multipart/form-data') {
    const boundary = media.params.get('boundary');
    if (!boundary) throw badForm('multipart without a boundary');
    return formOf(parseMultipart(body, boundary));
  }
  throw new PageError(415, 'bad_request', 'Unsupported form content type');
};

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
