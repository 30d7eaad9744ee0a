/**
 * The contracts of the console's session page group: the sign-in form, signing in and out, and the
 * stylesheet of every console page. Served
 * by one function (functions/console/session.ts); contract.ts says what the groups share.
 */
import * as z from '#shared/schema/z.ts';
import { defineRoute, type RouteContract } from '#shared/http/contract.ts';
import { consoleGroup, documentedGroup, Text } from './contract.ts';

/** The API routes this group stands in for, by what the console calls them. */
export const api = {} as const satisfies Record<string, RouteContract>;

const { common, post } = consoleGroup('functions/console/session.ts');

const SignInQuery = z.object({ next: Text(512), ended: Text(1), out: Text(1) });

/** The routes of the group by `METHOD /path`; infra/routes.ts adds them to the route table. */
export const routes = {
  'GET /console/sign-in': defineRoute({
    method: 'GET',
    path: '/console/sign-in',
    operationId: 'consoleSignInForm',
    auth: 'none',
    status: 200,
    page: {},
    query: SignInQuery,
    ...common,
  }),
  'POST /console/sign-in': defineRoute({
    method: 'POST',
    path: '/console/sign-in',
    operationId: 'consoleSignIn',
    auth: 'none',
    status: 303,
    page: { form: true },
    query: SignInQuery,
    ...common,
  }),
  'GET /console/style.css': defineRoute({
    method: 'GET',
    path: '/console/style.css',
    operationId: 'consoleStylesheet',
    auth: 'none',
    status: 200,
    page: { contentType: 'text/css; charset=utf-8' },
    ...common,
  }),
  'POST /console/sign-out': post('/console/sign-out', 'consoleSignOut'),
} as const satisfies Record<string, RouteContract>;

/** The group's routes with their words, for the route table (see `documentedGroup`). */
export const documentedRoutes = /* @__PURE__ */ documentedGroup(routes, api, () => ({
  'GET /console/sign-in': {
    summary: 'The sign-in form: one field labelled "API key"',
    description:
      'The sign-in form of the console: one field labelled "API key". `next` is the console page to return to after signing in.',
  },
  'POST /console/sign-in': {
    summary: 'Signs in with an API key: a session cookie (HttpOnly, SameSite=Strict, 8 hours)',
    description:
      'Exchanges an API key for a console session stored server-side (its id hashed): an HttpOnly, SameSite=Strict cookie (Secure over HTTPS) for 8 hours, then 303 to `next`. The form carries the token of its own cookie (login CSRF). An unknown or revoked key gets the form again (401); the key is never logged or shown.',
  },
  'GET /console/style.css': {
    summary: "The console's stylesheet",
    description:
      'The one stylesheet every console page links to (the Content-Security-Policy allows no other style), cached by the browser for an hour.',
  },
  'POST /console/sign-out': 'Signs out: the session is deleted',
}));
