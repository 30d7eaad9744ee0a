/**
 * The contracts of the console's recipients page group: the mailing wizard's step 4, the report of
 * who gets a mailing and why the others do not, with the consent override for admins. Served by one
 * function (functions/console/recipients.ts); the send step is send.route.ts, the first steps
 * wizard.route.ts. contract.ts says what the groups share.
 */
import * as z from '#shared/schema/z.ts';
import { route as getMailing } from '#functions/api/get-mailing.route.ts';
import { route as listMailingRecipients } from '#functions/api/list-mailing-recipients.route.ts';
import { route as updateMailing } from '#functions/api/update-mailing.route.ts';
import type { RouteContract } from '#shared/http/contract.ts';
import { IdParams } from '#shared/http/schemas/common.ts';
import { consoleGroup, documentedGroup, Text } from './contract.ts';

/** The API routes this group stands in for, by what the console calls them. */
export const api = {
  getMailing,
  listMailingRecipients,
  updateMailing,
} as const satisfies Record<string, RouteContract>;

const { get, post } = consoleGroup('functions/console/recipients.ts');

const ReportQuery = z.object({ reason: Text(40), cursor: Text(2048) });

/** The routes of the group by `METHOD /path`; infra/routes.ts adds them to the route table. */
export const routes = {
  'GET /console/mailings/{id}/recipients': get(
    '/console/mailings/{id}/recipients',
    'consoleMailingRecipients',
    {
      params: IdParams,
      query: ReportQuery,
    },
  ),
  'POST /console/mailings/{id}/recipients': post(
    '/console/mailings/{id}/recipients',
    'consoleMailingOverride',
    IdParams,
  ),
} as const satisfies Record<string, RouteContract>;

/** The group's routes with their grants and words, for the route table (see `documentedGroup`). */
export const documentedRoutes = /* @__PURE__ */ documentedGroup(routes, api, () => ({
  'GET /console/mailings/{id}/recipients': {
    summary: 'The mailing wizard, step 4: the recipient report',
    description:
      'Step 4 of the mailing wizard: one row per list member with its verdict and reason, counts per reason, a filter by reason, cursor pages; for an admin and a draft, the consent override with how many more it would reach. For a mailing past its draft, the same report with its delivery statuses. HTML for people, server-rendered, usable without JavaScript.',
  },
  'POST /console/mailings/{id}/recipients':
    'Turns the consent override of a draft on (with its reason) or off; admins only; a mailing that is no longer a draft answers 409',
}));
