/**
 * The contracts of the console's draft page group: a draft's first three steps of the mailing
 * wizard (configuration, content with a preview, target list), each saved as it is left. Served by
 * one function (functions/console/draft.ts); a new mailing's steps are wizard.route.ts, the later
 * steps recipients.route.ts and send.route.ts. contract.ts says what the groups share.
 */
import * as z from '#shared/schema/z.ts';
import { route as createList } from '#functions/api/create-list.route.ts';
import { route as findContacts } from '#functions/api/find-contacts.route.ts';
import { route as getMailing } from '#functions/api/get-mailing.route.ts';
import { route as listLists } from '#functions/api/list-lists.route.ts';
import { route as listSubscriptionTypes } from '#functions/api/list-subscription-types.route.ts';
import { route as updateMailing } from '#functions/api/update-mailing.route.ts';
import type { RouteContract } from '#shared/http/contract.ts';
import { Id } from '#shared/http/schemas/common.ts';
import { consoleGroup, documentedGroup } from './contract.ts';

/** The API routes this group stands in for, by what the console calls them. */
export const api = {
  createList,
  findContacts,
  getMailing,
  listLists,
  listSubscriptionTypes,
  updateMailing,
} as const satisfies Record<string, RouteContract>;

const { get, post } = consoleGroup('functions/console/draft.ts');

/** The steps of a draft this group serves (`{step}`); recipients and send have routes of their own. */
export const composeSteps = ['configuration', 'content', 'list'] as const;
export type ComposeStep = (typeof composeSteps)[number];

const StepParams = z.object({ id: Id, step: z.enum(composeSteps) });

/** The routes of the group by `METHOD /path`; infra/routes.ts adds them to the route table. */
export const routes = {
  'GET /console/mailings/{id}/{step}': get('/console/mailings/{id}/{step}', 'consoleMailingStep', {
    params: StepParams,
  }),
  'POST /console/mailings/{id}/{step}': post(
    '/console/mailings/{id}/{step}',
    'consoleMailingStepSave',
    StepParams,
  ),
} as const satisfies Record<string, RouteContract>;

/** The group's routes with their grants and words, for the route table (see `documentedGroup`). */
export const documentedRoutes = /* @__PURE__ */ documentedGroup(routes, api, () => ({
  'GET /console/mailings/{id}/{step}':
    'A step of the mailing wizard for a draft: configuration, content or target list',
  'POST /console/mailings/{id}/{step}':
    'Saves the configuration, content or target list of a draft; a mailing that is no longer a draft answers 409',
}));
