/**
 * The wrapper of the marketers' console: one Lambda handler per page group (functions/console/group.ts),
 * a small router over the group's routes keyed by the route key API Gateway names in the event, so
 * the console costs a function per group, not per page, and each carries only its group's pages.
 *
 * What every console request gets from here, so the actions hold only the use-case calls:
 * - the route's path parameters and query checked by its contract's schemas (an id that cannot
 *   exist is the 404 page); the form body of a POST read as the hosted pages read theirs, but
 *   urlencoded only (the console's own forms; multipart is a 415);
 * - for routes with auth `session`: the session from its HttpOnly cookie, checked (alive, its API
 *   key neither deleted nor revoked) before anything else is looked up; without one, a 303 to the
 *   sign-in page that leads back to where the person was; every POST must carry the session's
 *   CSRF token (403 otherwise, nothing done);
 * - security headers on every answer: a CSP allowing the console's own stylesheet and nothing
 *   else — no script, no inline style, no request to another host, no framing, forms only to
 *   ourselves;
 * - errors as console pages by the one table of errors.ts (a 500 is logged, never shown). The
 *   API key typed at sign-in is in the form only: never logged, never put in a URL or a page.
 */
import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { TableName } from '#infra/tables.ts';
import { tableName } from '#shared/adapters/dynamodb/client.ts';
import { clearCookie, parseCookies, sameSecret, sessionCookie } from '#shared/domain/console-session.ts';
import { logger } from '#shared/observability/logger.ts';
import { type ConsoleLanguage, consoleLanguage } from '#shared/console/strings.ts';
import { type LiveSession, liveSession } from '#shared/use-cases/console-sessions.ts';
import { type RouteContract, routeTables } from './contract.ts';
import { toErrorResponse } from './errors.ts';
import { emptyForm, type Form, maxFormBytes, parseUrlencodedForm } from './form.ts';
import { PageError } from './page-error.ts';
import { header, type RequestMeta, rawBody, requestMeta } from './request.ts';

type Event = APIGatewayProxyEventV2;
type Result = APIGatewayProxyStructuredResultV2;

/** A console route: an HTML page (`page`) served by the console's handler. */
export type ConsoleContract = RouteContract & { readonly page: NonNullable<RouteContract['page']> };

export interface ConsoleInput {
  /** The path parameters as the route's schema returned them. */
  params: Readonly<Record<string, string>>;
  /** The query as the route's schema returned it (unknown parameters dropped). */
  query: Readonly<Record<string, string | undefined>>;
  form: Form;
  language: ConsoleLanguage;
  /** The path and query as requested: where the sign-in page leads back to. */
  here: string;
  request: RequestMeta;
  cookies: ReadonlyMap<string, string>;
  /** Set for routes with auth `session`: the live session, and its id from the cookie. */
  session: (LiveSession & { id: string }) | undefined;
}

export type ConsoleResponse =
  | { kind: 'html'; status: number; html: string; cookies?: string[] }
  | { kind: 'redirect'; location: string; cookies?: string[] }
  | { kind: 'file'; filename: string; contentType: string; body: string }
  /** A static part of the console (its stylesheet), cached by the browser for `maxAgeSeconds`. */
  | { kind: 'asset'; contentType: string; body: string; maxAgeSeconds: number };

export const html = (body: string, status = 200, cookies?: string[]): ConsoleResponse => ({
  kind: 'html',
  status,
  html: body,
  ...(cookies ? { cookies } : {}),
});

/** Post/Redirect/Get: a 303, so a reload never posts twice. */
export const seeOther = (location: string, cookies?: string[]): ConsoleResponse => ({
  kind: 'redirect',
  location,
  ...(cookies ? { cookies } : {}),
});

const securityHeaders: Record<string, string> = {
  'content-security-policy':
    "default-src 'none'; style-src 'self'; img-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
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

/** An error page, in the console's frame: (language, status, message, session?) → HTML. */
export type ErrorRenderer = (
  language: ConsoleLanguage,
  status: number,
  message: string | undefined,
  session: LiveSession | undefined,
) => string;

export interface ConsoleApp {
  routes: Readonly<Record<string, ConsoleContract>>;
  actions: Readonly<Record<string, (input: ConsoleInput) => Promise<ConsoleResponse>>>;
  errorPage: ErrorRenderer;
  /** Cookies only over HTTPS (in AWS). */
  secureCookies: () => boolean;
}

/** Thrown by the wrapper: answered as a page of the console with this status. */
export class ConsoleError extends PageError {}

type ConsoleContext = Context & { input?: ConsoleInput; routeKey?: string };

const toResult = (response: ConsoleResponse): Result => {
  if (response.kind === 'redirect')
    return {
      statusCode: 303,
      headers: { location: response.location, ...securityHeaders },
      ...(response.cookies?.length ? { cookies: response.cookies } : {}),
      body: '',
    };
  if (response.kind === 'asset')
    return {
      statusCode: 200,
      headers: {
        ...securityHeaders,
        'content-type': response.contentType,
        'cache-control': `public, max-age=${response.maxAgeSeconds}`,
      },
      body: response.body,
    };
  if (response.kind === 'file')
    return {
      statusCode: 200,
      headers: {
        ...securityHeaders,
        'content-type': response.contentType,
        'content-disposition': `attachment; filename="${response.filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
      },
      body: response.body,
    };
  return {
    statusCode: response.status,
    headers: htmlHeaders,
    ...(response.cookies?.length ? { cookies: response.cookies } : {}),
    body: response.html,
  };
};

const here = (event: Event) => `${event.rawPath}${event.rawQueryString ? `?${event.rawQueryString}` : ''}`;

/** The sign-in page, leading back to `next`, and marking that a session existed and ended. */
const toSignIn = (next: string, ended: boolean) =>
  `/console/sign-in?next=${encodeURIComponent(next)}${ended ? '&ended=1' : ''}`;

const parse = (app: ConsoleApp): MiddlewareObj<Event, Result, Error, ConsoleContext> => ({
  before: async (request) => {
    const event = request.event;
    const routeKey = event.routeKey;
    const route = app.routes[routeKey];
    if (!route) throw new ConsoleError(404, 'not_found', 'No such console route');
    request.context.routeKey = routeKey;
    const cookies = parseCookies(event.cookies);
    const language = consoleLanguage(header(event, 'accept-language'));
    let params: unknown = {};
    if (route.params) {
      const parsed = route.params.safeParse(event.pathParameters ?? {});
      if (!parsed.success) throw new ConsoleError(404, 'not_found', 'No such item');
      params = parsed.data;
    }
    let query: unknown = {};
    if (route.query) {
      const parsed = route.query.safeParse(event.queryStringParameters ?? {});
      if (!parsed.success) throw new ConsoleError(400, 'bad_request', 'Query not understood');
      query = parsed.data;
    }
    let session: (LiveSession & { id: string }) | undefined;
    const id = cookies.get(sessionCookie);
    if (route.auth === 'session') {
      const live = await liveSession(id);
      if (!live) {
        const next = route.method === 'GET' ? here(event) : event.rawPath;
        request.response = toResult(
          seeOther(
            toSignIn(next, id !== undefined),
            id !== undefined ? [clearCookie(sessionCookie, app.secureCookies())] : undefined,
          ),
        );
        return request.response;
      }
      session = { ...live, id: id as string };
    }
    let form: Form = emptyForm;
    if (route.page.form) {
      if ((event.body?.length ?? 0) > Math.ceil((maxFormBytes * 4) / 3) + 4)
        throw new ConsoleError(413, 'bad_request', `Form larger than ${maxFormBytes} bytes`);
      form = parseUrlencodedForm(header(event, 'content-type'), rawBody(event));
      // Every form of a signed-in person carries the session's token: a page of another site
      // cannot post here in their name (SameSite=Strict already keeps the cookie from it).
      if (session && !sameSecret(form.get('csrf'), session.csrf))
        throw new ConsoleError(403, 'bad_request', 'csrf');
    }
    request.context.input = {
      params,
      query,
      form,
      language,
      here: here(event),
      request: requestMeta(event),
      cookies,
      session,
    } as ConsoleInput;
    return undefined;
  },
});

const errors = (app: ConsoleApp): MiddlewareObj<Event, Result, Error, ConsoleContext> => ({
  onError: async (request) => {
    const error = request.error;
    const language = consoleLanguage(header(request.event, 'accept-language'));
    const session = request.context.input?.session;
    let status: number;
    let message: string | undefined;
    if (error instanceof PageError) {
      status = error.statusCode;
      message = error.message === 'csrf' ? 'csrf' : undefined;
    } else {
      const mapped = toErrorResponse(error);
      status = mapped.statusCode;
      message = mapped.expected ? mapped.body.error.message : undefined;
      if (!mapped.expected) {
        const e = error as Error | null;
        logger.error('unhandled error', { route: request.context.routeKey, error: e?.name, stack: e?.stack });
      }
    }
    if (status < 500) logger.info('console refused', { route: request.context.routeKey, status });
    request.response = toResult(html(app.errorPage(language, status, message, session), status));
  },
});

/**
 * The console's Lambda handler: dispatches on the route key to the action of that route. Every
 * route of `routes` needs its action (checked at cold start).
 */
export const consoleHandler = (app: ConsoleApp) => {
  for (const key of Object.keys(app.routes))
    if (!app.actions[key]) throw new Error(`The console has no action for ${key}`);
  const tables = new Set<TableName>();
  for (const route of Object.values(app.routes))
    for (const table of Object.keys(routeTables(route)) as TableName[]) tables.add(table);
  // Fail at cold start, not on the first request, when a declared table is not configured.
  for (const table of tables) tableName(table);
  return middy<Event, Result, Error, ConsoleContext>()
    .use(errors(app))
    .use(parse(app))
    .handler(async (event, context) => {
      const action = app.actions[context.routeKey ?? event.routeKey];
      if (!action || !context.input) throw new ConsoleError(404, 'not_found', 'No such console route');
      return toResult(await action(context.input));
    });
};
