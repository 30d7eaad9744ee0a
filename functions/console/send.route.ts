/**
 * The contracts of the console's send page group: the mailing wizard's step 5, the confirmation
 * with the counts, and the send. Served by one function (functions/console/send.ts); the steps
 * before it are recipients.route.ts and wizard.route.ts. contract.ts says what the groups share.
 */
import { route as getMailing } from '#functions/api/get-mailing.route.ts';
import { route as sendMailing } from '#functions/api/send-mailing.route.ts';
import type { RouteContract } from '#shared/http/contract.ts';
import { IdParams } from '#shared/http/schemas/common.ts';
import { consoleGroup, documentedGroup } from './contract.ts';

/** The API routes this group stands in for, by what the console calls them. */
export const api = { getMailing, sendMailing } as const satisfies Record<string, RouteContract>;

const { get, post } = consoleGroup('functions/console/send.ts');

/** The routes of the group by `METHOD /path`; infra/routes.ts adds them to the route table. */
export const routes = {
  'GET /console/mailings/{id}/send': get('/console/mailings/{id}/send', 'consoleMailingSendStep', {
    params: IdParams,
  }),
  'POST /console/mailings/{id}/send': post('/console/mailings/{id}/send', 'consoleSendMailing', IdParams),
} as const satisfies Record<string, RouteContract>;

/** The group's routes with their grants and words, for the route table (see `documentedGroup`). */
export const documentedRoutes = /* @__PURE__ */ documentedGroup(routes, api, () => ({
  'GET /console/mailings/{id}/send': 'The mailing wizard, step 5: the confirmation with the counts',
  'POST /console/mailings/{id}/send':
    'Sends the draft; a second send (another tab) answers 409 with the way to its progress, an override without an admin 403',
}));
