/**
 * The contracts of the marketers' console: server-rendered pages and form posts, all served by one
 * handler (functions/console/console.ts, a small router), so the console costs one Lambda function
 * and three resources per route instead of eight (infra/stacks/routes-stack.ts shares a function
 * between routes of one file).
 *
 * The console is another door to the same use cases as the JSON API: each action names the API
 * route it stands for (`api` below), whose role decides who may take it and whose schemas check
 * the form. The function's grants are the union of those API routes' grants, and nothing more.
 */
import * as z from 'zod/mini';
import { route as cancelMailing } from '#functions/api/cancel-mailing.route.ts';
import { route as createList } from '#functions/api/create-list.route.ts';
import { route as createMailing } from '#functions/api/create-mailing.route.ts';
import { route as createSubscriptionType } from '#functions/api/create-subscription-type.route.ts';
import { route as createSuppression } from '#functions/api/create-suppression.route.ts';
import { route as deleteContact } from '#functions/api/delete-contact.route.ts';
import { route as deleteSuppression } from '#functions/api/delete-suppression.route.ts';
import { route as exportContact } from '#functions/api/export-contact.route.ts';
import { route as findContacts } from '#functions/api/find-contacts.route.ts';
import { route as findSuppressions } from '#functions/api/find-suppressions.route.ts';
import { route as getBouncePolicy } from '#functions/api/get-bounce-policy.route.ts';
import { route as getContact } from '#functions/api/get-contact.route.ts';
import { route as getList } from '#functions/api/get-list.route.ts';
import { route as getMailing } from '#functions/api/get-mailing.route.ts';
import { route as getSettings } from '#functions/api/get-settings.route.ts';
import { route as getSubscriptionType } from '#functions/api/get-subscription-type.route.ts';
import { route as listContactHistory } from '#functions/api/list-contact-history.route.ts';
import { route as listListContacts } from '#functions/api/list-list-contacts.route.ts';
import { route as listLists } from '#functions/api/list-lists.route.ts';
import { route as listMailingRecipients } from '#functions/api/list-mailing-recipients.route.ts';
import { route as listMailings } from '#functions/api/list-mailings.route.ts';
import { route as listSubscriptionTypes } from '#functions/api/list-subscription-types.route.ts';
import { route as putBouncePolicy } from '#functions/api/put-bounce-policy.route.ts';
import { route as putPrivacySetting } from '#functions/api/put-privacy-setting.route.ts';
import { route as resumeMailing } from '#functions/api/resume-mailing.route.ts';
import { route as sendMailing } from '#functions/api/send-mailing.route.ts';
import { route as sendPrivacyEmail } from '#functions/api/send-privacy-email.route.ts';
import { route as updateMailing } from '#functions/api/update-mailing.route.ts';
import { route as updateSubscriptionType } from '#functions/api/update-subscription-type.route.ts';
import type { TableName } from '#infra/tables.ts';
import { type Access, defineRoute, type RouteContract } from '#shared/http/contract.ts';
import { Id, IdParams } from '#shared/http/schemas/common.ts';

/** The API routes the console stands in for, by what the console calls them. */
export const api = {
  cancelMailing,
  createList,
  createMailing,
  createSubscriptionType,
  createSuppression,
  deleteContact,
  deleteSuppression,
  exportContact,
  findContacts,
  findSuppressions,
  getBouncePolicy,
  getContact,
  getList,
  getMailing,
  getSettings,
  getSubscriptionType,
  listContactHistory,
  listListContacts,
  listLists,
  listMailingRecipients,
  listMailings,
  listSubscriptionTypes,
  putBouncePolicy,
  putPrivacySetting,
  resumeMailing,
  sendMailing,
  sendPrivacyEmail,
  updateMailing,
  updateSubscriptionType,
} as const satisfies Record<string, RouteContract>;

/** The union of what the API routes may touch: the console's function gets exactly this. */
const grants = (() => {
  const tables: Partial<Record<TableName, Access>> = {};
  const queues = new Set<NonNullable<RouteContract['queues']>[number]>();
  let secrets = false;
  let sendsEmail = false;
  let mirrorsSuppressions = false;
  for (const route of Object.values(api) as RouteContract[]) {
    for (const [name, access] of Object.entries(route.tables) as [TableName, Access][])
      if (tables[name] !== 'write') tables[name] = access;
    for (const queue of route.queues ?? []) queues.add(queue);
    secrets ||= Boolean(route.secrets?.length);
    sendsEmail ||= Boolean(route.sendsEmail);
    mirrorsSuppressions ||= Boolean(route.mirrorsSuppressions);
  }
  // Sessions are app-table items.
  tables.app = 'write';
  return {
    tables,
    queues: [...queues].sort(),
    ...(secrets ? { secrets: ['signing'] as const } : {}),
    sendsEmail,
    mirrorsSuppressions,
  };
})();

const Text = (max: number) => z.optional(z.string().check(z.maxLength(max)));

const common = {
  entry: 'functions/console/console.ts',
  tag: 'console',
  ...grants,
} as const;

/** A page of a signed-in person. */
const get = <const P extends string, const Q extends z.ZodMiniType | undefined = undefined>(
  path: P,
  operationId: string,
  summary: string,
  extra: { params?: z.ZodMiniType; query?: Q } = {},
) =>
  defineRoute({
    method: 'GET',
    path,
    operationId,
    auth: 'session',
    summary,
    description: `${summary}. HTML for people, server-rendered, usable without JavaScript.`,
    status: 200,
    page: {},
    ...common,
    ...extra,
  });

/** A form post of a signed-in person: 303 to the next page when done, the form again when not. */
const post = <const P extends string>(
  path: P,
  operationId: string,
  summary: string,
  params?: z.ZodMiniType,
) =>
  defineRoute({
    method: 'POST',
    path,
    operationId,
    auth: 'session',
    summary,
    description: `${summary}. A form post carrying the session's CSRF token; a form that breaks a rule comes back (422) with the API's message beside each field and what was typed kept.`,
    status: 303,
    page: { form: true },
    ...common,
    ...(params ? { params } : {}),
  });

export const wizardSteps = ['configuration', 'content', 'list', 'recipients', 'send'] as const;
export type WizardStep = (typeof wizardSteps)[number];

const StepParams = z.object({ id: Id, step: z.enum(wizardSteps) });
const ReportQuery = z.object({ reason: Text(40), cursor: Text(2048) });
const EmailQuery = z.object({ email: Text(320), done: Text(20) });
const CursorQuery = z.object({ cursor: Text(2048), done: Text(20) });
const DoneQuery = z.object({ done: Text(20) });
const SignInQuery = z.object({ next: Text(512), ended: Text(1), out: Text(1) });

/** Every console route by `METHOD /path`; infra/routes.ts adds them to the route table. */
export const routes = {
  'GET /console': get('/console', 'consoleHome', 'The console: mailings, newest first', {
    query: CursorQuery,
  }),
  'GET /console/sign-in': defineRoute({
    method: 'GET',
    path: '/console/sign-in',
    operationId: 'consoleSignInForm',
    auth: 'none',
    summary: 'The sign-in form: one field labelled "API key"',
    description:
      'The sign-in form of the console: one field labelled "API key". `next` is the console page to return to after signing in.',
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
    summary: 'Signs in with an API key: a session cookie (HttpOnly, SameSite=Strict, 8 hours)',
    description:
      'Exchanges an API key for a console session stored server-side (its id hashed): an HttpOnly, SameSite=Strict cookie (Secure over HTTPS) for 8 hours, then 303 to `next`. The form carries the token of its own cookie (login CSRF). An unknown or revoked key gets the form again (401); the key is never logged or shown.',
    status: 303,
    page: { form: true },
    query: SignInQuery,
    ...common,
  }),
  'POST /console/sign-out': post('/console/sign-out', 'consoleSignOut', 'Signs out: the session is deleted'),
  'GET /console/mailings/new': get(
    '/console/mailings/new',
    'consoleNewMailing',
    'The mailing wizard, step 1: configuration',
  ),
  'POST /console/mailings/new': post(
    '/console/mailings/new',
    'consoleNewMailingStep',
    'The mailing wizard for a new mailing, steps 1–3 (configuration, content with a preview, target list); the draft is created at step 3',
  ),
  'GET /console/mailings/{id}': get(
    '/console/mailings/{id}',
    'consoleMailingProgress',
    'A mailing: its progress (counts, outcomes, rates against SES’s review thresholds), or its wizard while a draft',
    { params: IdParams, query: DoneQuery },
  ),
  'POST /console/mailings/{id}': post(
    '/console/mailings/{id}',
    'consoleMailingAction',
    'Cancels or resumes a mailing',
    IdParams,
  ),
  'GET /console/mailings/{id}/{step}': get(
    '/console/mailings/{id}/{step}',
    'consoleMailingStep',
    'A step of the mailing wizard for a draft: configuration, content, target list, recipients (the recipient report), send',
    { params: StepParams, query: ReportQuery },
  ),
  'POST /console/mailings/{id}/{step}': post(
    '/console/mailings/{id}/{step}',
    'consoleMailingStepSave',
    'Saves a step of the mailing wizard; at the recipients step the consent override (admins); at the send step, sends',
    StepParams,
  ),
  'GET /console/contacts': get('/console/contacts', 'consoleContacts', 'Find a contact by address', {
    query: EmailQuery,
  }),
  'GET /console/contacts/{id}': get(
    '/console/contacts/{id}',
    'consoleContact',
    'A contact: consent and subscriptions with their history (who, when, how, evidence)',
    { params: IdParams, query: CursorQuery },
  ),
  'POST /console/contacts/{id}': post(
    '/console/contacts/{id}',
    'consoleContactAction',
    'Sends the "manage your subscriptions" e-mail, or erases the contact (admins)',
    IdParams,
  ),
  'GET /console/contacts/{id}/export': get(
    '/console/contacts/{id}/export',
    'consoleContactExport',
    'Everything stored about a contact, as a JSON download',
    { params: IdParams },
  ),
  'GET /console/types': get('/console/types', 'consoleTypes', 'Subscription types', { query: CursorQuery }),
  'POST /console/types': post('/console/types', 'consoleCreateType', 'Creates a subscription type'),
  'GET /console/types/{id}': get(
    '/console/types/{id}',
    'consoleType',
    'A subscription type: its settings and translations, subscribers and unsubscribes by source',
    { params: IdParams, query: DoneQuery },
  ),
  'POST /console/types/{id}': post(
    '/console/types/{id}',
    'consoleUpdateType',
    'Changes a subscription type: name, description, translations, public, archived',
    IdParams,
  ),
  'GET /console/lists': get('/console/lists', 'consoleLists', 'Target lists', { query: CursorQuery }),
  'POST /console/lists': post('/console/lists', 'consoleCreateList', 'Creates a target list'),
  'GET /console/lists/{id}': get('/console/lists/{id}', 'consoleList', 'A target list and its members', {
    params: IdParams,
    query: CursorQuery,
  }),
  'GET /console/suppressions': get(
    '/console/suppressions',
    'consoleSuppressions',
    'Find a suppressed address',
    {
      query: EmailQuery,
    },
  ),
  'POST /console/suppressions': post(
    '/console/suppressions',
    'consoleSuppressionAction',
    'Suppresses an address, or lifts a suppression (admins)',
  ),
  'GET /console/settings': get(
    '/console/settings',
    'consoleSettings',
    'Settings: the privacy filter (who changed it when) and the bounce policy',
    { query: DoneQuery },
  ),
  'POST /console/settings': post(
    '/console/settings',
    'consoleSaveSettings',
    'Switches the privacy filter or saves the bounce policy (admins)',
  ),
} as const satisfies Record<string, RouteContract>;
