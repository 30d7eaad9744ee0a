/**
 * The contracts of the console's contacts page group: finding a contact, its consent, subscriptions
 * and history, the "manage your subscriptions" e-mail, erasure and the export. Served by one
 * function (functions/console/contacts.ts); contract.ts says what the groups share.
 */
import { route as deleteContact } from '#functions/api/delete-contact.route.ts';
import { route as exportContact } from '#functions/api/export-contact.route.ts';
import { route as findContacts } from '#functions/api/find-contacts.route.ts';
import { route as getContact } from '#functions/api/get-contact.route.ts';
import { route as listContactHistory } from '#functions/api/list-contact-history.route.ts';
import { route as listSubscriptionTypes } from '#functions/api/list-subscription-types.route.ts';
import { route as sendPrivacyEmail } from '#functions/api/send-privacy-email.route.ts';
import type { RouteContract } from '#shared/http/contract.ts';
import { IdParams } from '#shared/http/schemas/common.ts';
import { consoleGroup, documentedGroup, CursorQuery, EmailQuery } from './contract.ts';

/** The API routes this group stands in for, by what the console calls them. */
export const api = {
  deleteContact,
  exportContact,
  findContacts,
  getContact,
  listContactHistory,
  listSubscriptionTypes,
  sendPrivacyEmail,
} as const satisfies Record<string, RouteContract>;

const { get, post } = consoleGroup('functions/console/contacts.ts');

/** The routes of the group by `METHOD /path`; infra/routes.ts adds them to the route table. */
export const routes = {
  'GET /console/contacts': get('/console/contacts', 'consoleContacts', {
    query: EmailQuery,
  }),
  'GET /console/contacts/{id}': get('/console/contacts/{id}', 'consoleContact', {
    params: IdParams,
    query: CursorQuery,
  }),
  'POST /console/contacts/{id}': post('/console/contacts/{id}', 'consoleContactAction', IdParams),
  'GET /console/contacts/{id}/export': get('/console/contacts/{id}/export', 'consoleContactExport', {
    params: IdParams,
  }),
} as const satisfies Record<string, RouteContract>;

/** The group's routes with their words, for the route table (see `documentedGroup`). */
export const documentedRoutes = /* @__PURE__ */ documentedGroup(routes, api, () => ({
  'GET /console/contacts': 'Find a contact by address',
  'GET /console/contacts/{id}':
    'A contact: consent and subscriptions with their history (who, when, how, evidence)',
  'POST /console/contacts/{id}':
    'Sends the "manage your subscriptions" e-mail, or erases the contact (admins)',
  'GET /console/contacts/{id}/export': 'Everything stored about a contact, as a JSON download',
}));
