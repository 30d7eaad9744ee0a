/**
 * The contracts of the console's wizard page group: a new mailing's first steps and a draft's
 * steps, up to sending it. Served by one function (functions/console/wizard.ts); contract.ts says
 * what the groups share.
 */
import * as z from '#shared/schema/z.ts';
import { route as cancelMailing } from '#functions/api/cancel-mailing.route.ts';
import { route as createList } from '#functions/api/create-list.route.ts';
import { route as createMailing } from '#functions/api/create-mailing.route.ts';
import { route as findContacts } from '#functions/api/find-contacts.route.ts';
import { route as getMailing } from '#functions/api/get-mailing.route.ts';
import { route as listLists } from '#functions/api/list-lists.route.ts';
import { route as listMailingRecipients } from '#functions/api/list-mailing-recipients.route.ts';
import { route as listSubscriptionTypes } from '#functions/api/list-subscription-types.route.ts';
import { route as resumeMailing } from '#functions/api/resume-mailing.route.ts';
import { route as sendMailing } from '#functions/api/send-mailing.route.ts';
import { route as updateMailing } from '#functions/api/update-mailing.route.ts';
import type { RouteContract } from '#shared/http/contract.ts';
import { Id } from '#shared/http/schemas/common.ts';
import { consoleGroup, documentedGroup, Text } from './contract.ts';

/** The API routes this group stands in for, by what the console calls them. */
export const api = {
  cancelMailing,
  createList,
  createMailing,
  findContacts,
  getMailing,
  listLists,
  listMailingRecipients,
  listSubscriptionTypes,
  resumeMailing,
  sendMailing,
  updateMailing,
} as const satisfies Record<string, RouteContract>;

const { get, post } = consoleGroup('functions/console/wizard.ts', api);

export const wizardSteps = ['configuration', 'content', 'list', 'recipients', 'send'] as const;
export type WizardStep = (typeof wizardSteps)[number];

const StepParams = z.object({ id: Id, step: z.enum(wizardSteps) });
const ReportQuery = z.object({ reason: Text(40), cursor: Text(2048) });

/** The routes of the group by `METHOD /path`; infra/routes.ts adds them to the route table. */
export const routes = {
  'GET /console/mailings/new': get('/console/mailings/new', 'consoleNewMailing'),
  'POST /console/mailings/new': post('/console/mailings/new', 'consoleNewMailingStep'),
  'GET /console/mailings/{id}/{step}': get('/console/mailings/{id}/{step}', 'consoleMailingStep', {
    params: StepParams,
    query: ReportQuery,
  }),
  'POST /console/mailings/{id}/{step}': post(
    '/console/mailings/{id}/{step}',
    'consoleMailingStepSave',
    StepParams,
  ),
} as const satisfies Record<string, RouteContract>;

/** The group's routes with their words, for the route table (see `documentedGroup`). */
export const documentedRoutes = /* @__PURE__ */ documentedGroup(routes, () => ({
  'GET /console/mailings/new': 'The mailing wizard, step 1: configuration',
  'POST /console/mailings/new':
    'The mailing wizard for a new mailing, steps 1–3 (configuration, content with a preview, target list); the draft is created at step 3',
  'GET /console/mailings/{id}/{step}':
    'A step of the mailing wizard for a draft: configuration, content, target list, recipients (the recipient report), send',
  'POST /console/mailings/{id}/{step}':
    'Saves a step of the mailing wizard; at the recipients step the consent override (admins); at the send step, sends',
}));
