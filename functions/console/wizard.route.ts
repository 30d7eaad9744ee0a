/**
 * The contracts of the console's wizard page group: a new mailing's first three steps
 * (configuration, content with a preview, target list), which carry what was typed until the draft
 * is created. Served by one function (functions/console/wizard.ts); a draft's steps are draft.route.ts,
 * recipients.route.ts and send.route.ts. contract.ts says what the groups share.
 */
import { route as createList } from '#functions/api/create-list.route.ts';
import { route as createMailing } from '#functions/api/create-mailing.route.ts';
import { route as findContacts } from '#functions/api/find-contacts.route.ts';
import { route as listLists } from '#functions/api/list-lists.route.ts';
import { route as listSubscriptionTypes } from '#functions/api/list-subscription-types.route.ts';
import type { RouteContract } from '#shared/http/contract.ts';
import { consoleGroup, documentedGroup } from './contract.ts';

/** The API routes this group stands in for, by what the console calls them. */
export const api = {
  createList,
  createMailing,
  findContacts,
  listLists,
  listSubscriptionTypes,
} as const satisfies Record<string, RouteContract>;

const { get, post } = consoleGroup('functions/console/wizard.ts');

/** The routes of the group by `METHOD /path`; infra/routes.ts adds them to the route table. */
export const routes = {
  'GET /console/mailings/new': get('/console/mailings/new', 'consoleNewMailing'),
  'POST /console/mailings/new': post('/console/mailings/new', 'consoleNewMailingStep'),
} as const satisfies Record<string, RouteContract>;

/** The group's routes with their grants and words, for the route table (see `documentedGroup`). */
export const documentedRoutes = /* @__PURE__ */ documentedGroup(routes, api, () => ({
  'GET /console/mailings/new': 'The mailing wizard, step 1: configuration',
  'POST /console/mailings/new':
    'The mailing wizard for a new mailing, steps 1–3 (configuration, content with a preview, target list); the draft is created at step 3',
}));
