/**
 * The contracts of the console's types page group: the subscription types, with their report and
 * latest mailings. Served by one function (functions/console/types.ts); contract.ts says what the
 * groups share.
 */
import { route as createSubscriptionType } from '#functions/api/create-subscription-type.route.ts';
import { route as getMailing } from '#functions/api/get-mailing.route.ts';
import { route as getSubscriptionType } from '#functions/api/get-subscription-type.route.ts';
import { route as listMailings } from '#functions/api/list-mailings.route.ts';
import { route as listSubscriptionTypes } from '#functions/api/list-subscription-types.route.ts';
import { route as updateSubscriptionType } from '#functions/api/update-subscription-type.route.ts';
import type { RouteContract } from '#shared/http/contract.ts';
import { IdParams } from '#shared/http/schemas/common.ts';
import { consoleGroup, documentedGroup, CursorQuery, DoneQuery } from './contract.ts';

/** The API routes this group stands in for, by what the console calls them. */
export const api = {
  createSubscriptionType,
  getMailing,
  getSubscriptionType,
  listMailings,
  listSubscriptionTypes,
  updateSubscriptionType,
} as const satisfies Record<string, RouteContract>;

const { get, post } = consoleGroup('functions/console/types.ts');

/** The routes of the group by `METHOD /path`; infra/routes.ts adds them to the route table. */
export const routes = {
  'GET /console/types': get('/console/types', 'consoleTypes', { query: CursorQuery }),
  'POST /console/types': post('/console/types', 'consoleCreateType'),
  'GET /console/types/{id}': get('/console/types/{id}', 'consoleType', {
    params: IdParams,
    query: DoneQuery,
  }),
  'POST /console/types/{id}': post('/console/types/{id}', 'consoleUpdateType', IdParams),
} as const satisfies Record<string, RouteContract>;

/** The group's routes with their words, for the route table (see `documentedGroup`). */
export const documentedRoutes = /* @__PURE__ */ documentedGroup(routes, api, () => ({
  'GET /console/types': 'Subscription types',
  'POST /console/types': 'Creates a subscription type',
  'GET /console/types/{id}':
    'A subscription type: its settings and translations, subscribers and unsubscribes by source',
  'POST /console/types/{id}':
    'Changes a subscription type: name, description, translations, public, archived',
}));
