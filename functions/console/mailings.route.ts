/**
 * The contracts of the console's mailings page group: the mailings, newest first, and a mailing's
 * progress with cancel and resume. Served by one function (functions/console/mailings.ts);
 * contract.ts says what the groups share.
 */
import { route as cancelMailing } from '#functions/api/cancel-mailing.route.ts';
import { route as getMailing } from '#functions/api/get-mailing.route.ts';
import { route as listMailings } from '#functions/api/list-mailings.route.ts';
import { route as resumeMailing } from '#functions/api/resume-mailing.route.ts';
import type { RouteContract } from '#shared/http/contract.ts';
import { IdParams } from '#shared/http/schemas/common.ts';
import { CursorQuery, consoleGroup, documentedGroup, DoneQuery } from './contract.ts';

/** The API routes this group stands in for, by what the console calls them. */
export const api = {
  cancelMailing,
  getMailing,
  listMailings,
  resumeMailing,
} as const satisfies Record<string, RouteContract>;

const { get, post } = consoleGroup('functions/console/mailings.ts');

/** The routes of the group by `METHOD /path`; infra/routes.ts adds them to the route table. */
export const routes = {
  'GET /console': get('/console', 'consoleHome', {
    query: CursorQuery,
  }),
  'GET /console/mailings/{id}': get('/console/mailings/{id}', 'consoleMailingProgress', {
    params: IdParams,
    query: DoneQuery,
  }),
  'POST /console/mailings/{id}': post('/console/mailings/{id}', 'consoleMailingAction', IdParams),
} as const satisfies Record<string, RouteContract>;

/** The group's routes with their words, for the route table (see `documentedGroup`). */
export const documentedRoutes = /* @__PURE__ */ documentedGroup(routes, api, () => ({
  'GET /console': 'The console: mailings, newest first',
  'GET /console/mailings/{id}':
    'A mailing: its progress (counts, outcomes, rates against SES’s review thresholds), or its wizard while a draft',
  'POST /console/mailings/{id}': 'Cancels or resumes a mailing',
}));
