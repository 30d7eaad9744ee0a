/**
 * The contracts of the console's admin page group: the suppressions and the settings. Served by one
 * function (functions/console/admin.ts); contract.ts says what the groups share.
 */
import { route as createSuppression } from '#functions/api/create-suppression.route.ts';
import { route as deleteSuppression } from '#functions/api/delete-suppression.route.ts';
import { route as findSuppressions } from '#functions/api/find-suppressions.route.ts';
import { route as getBouncePolicy } from '#functions/api/get-bounce-policy.route.ts';
import { route as getSettings } from '#functions/api/get-settings.route.ts';
import { route as putBouncePolicy } from '#functions/api/put-bounce-policy.route.ts';
import { route as putPrivacySetting } from '#functions/api/put-privacy-setting.route.ts';
import type { RouteContract } from '#shared/http/contract.ts';
import { consoleGroup, documentedGroup, DoneQuery, EmailQuery } from './contract.ts';

/** The API routes this group stands in for, by what the console calls them. */
export const api = {
  createSuppression,
  deleteSuppression,
  findSuppressions,
  getBouncePolicy,
  getSettings,
  putBouncePolicy,
  putPrivacySetting,
} as const satisfies Record<string, RouteContract>;

const { get, post } = consoleGroup('functions/console/admin.ts');

/** The routes of the group by `METHOD /path`; infra/routes.ts adds them to the route table. */
export const routes = {
  'GET /console/suppressions': get('/console/suppressions', 'consoleSuppressions', {
    query: EmailQuery,
  }),
  'POST /console/suppressions': post('/console/suppressions', 'consoleSuppressionAction'),
  'GET /console/settings': get('/console/settings', 'consoleSettings', { query: DoneQuery }),
  'POST /console/settings': post('/console/settings', 'consoleSaveSettings'),
} as const satisfies Record<string, RouteContract>;

/** The group's routes with their words, for the route table (see `documentedGroup`). */
export const documentedRoutes = /* @__PURE__ */ documentedGroup(routes, api, () => ({
  'GET /console/suppressions': 'Find a suppressed address',
  'POST /console/suppressions': 'Suppresses an address, or lifts a suppression (admins)',
  'GET /console/settings': 'Settings: the privacy filter (who changed it when) and the bounce policy',
  'POST /console/settings': 'Switches the privacy filter or saves the bounce policy (admins)',
}));
