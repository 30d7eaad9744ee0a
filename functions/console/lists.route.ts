/**
 * The contracts of the console's lists page group: the target lists, making one (a selection or
 * static addresses) and a list's members. Served by one function (functions/console/lists.ts);
 * contract.ts says what the groups share.
 */
import { route as createList } from '#functions/api/create-list.route.ts';
import { route as findContacts } from '#functions/api/find-contacts.route.ts';
import { route as getList } from '#functions/api/get-list.route.ts';
import { route as listListContacts } from '#functions/api/list-list-contacts.route.ts';
import { route as listLists } from '#functions/api/list-lists.route.ts';
import { route as listSubscriptionTypes } from '#functions/api/list-subscription-types.route.ts';
import type { RouteContract } from '#shared/http/contract.ts';
import { IdParams } from '#shared/http/schemas/common.ts';
import { CursorQuery, consoleGroup, documentedGroup } from './contract.ts';

/** The API routes this group stands in for, by what the console calls them. */
export const api = {
  createList,
  findContacts,
  getList,
  listListContacts,
  listLists,
  listSubscriptionTypes,
} as const satisfies Record<string, RouteContract>;

const { get, post } = consoleGroup('functions/console/lists.ts');

/** The routes of the group by `METHOD /path`; infra/routes.ts adds them to the route table. */
export const routes = {
  'GET /console/lists': get('/console/lists', 'consoleLists', { query: CursorQuery }),
  'POST /console/lists': post('/console/lists', 'consoleCreateList'),
  'GET /console/lists/{id}': get('/console/lists/{id}', 'consoleList', {
    params: IdParams,
    query: CursorQuery,
  }),
} as const satisfies Record<string, RouteContract>;

/** The group's routes with their words, for the route table (see `documentedGroup`). */
export const documentedRoutes = /* @__PURE__ */ documentedGroup(routes, api, () => ({
  'GET /console/lists': 'Target lists',
  'POST /console/lists': 'Creates a target list',
  'GET /console/lists/{id}': 'A target list and its members',
}));
