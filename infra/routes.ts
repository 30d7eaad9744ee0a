/**
 * The one route table, composed from the route contracts that sit beside their handlers
 * (`functions/<kind>/<verb>-<noun>.route.ts`, see shared/http/contract.ts). CDK
 * (infra/stacks/) makes an HTTP API route and a Lambda per entry; the local gateway
 * (infra/local/gateway.ts) serves the same entries; the OpenAPI document (shared/http/openapi.ts) and
 * the tests are generated from it. A handler never imports this table: only its own contract.
 */
import { documentedRoute as cancelMailing } from '#functions/api/cancel-mailing.route.ts';
import { documentedRoute as deleteList } from '#functions/api/delete-list.route.ts';
import { documentedRoute as deleteMailing } from '#functions/api/delete-mailing.route.ts';
import { documentedRoute as listAuditEntries } from '#functions/api/list-audit-entries.route.ts';
import { documentedRoute as listLists } from '#functions/api/list-lists.route.ts';
import { documentedRoute as listMailings } from '#functions/api/list-mailings.route.ts';
import { documentedRoute as createApiKey } from '#functions/api/create-api-key.route.ts';
import { documentedRoute as createContact } from '#functions/api/create-contact.route.ts';
import { documentedRoute as createExport } from '#functions/api/create-export.route.ts';
import { documentedRoute as createImport } from '#functions/api/create-import.route.ts';
import { documentedRoute as createList } from '#functions/api/create-list.route.ts';
import { documentedRoute as createMailing } from '#functions/api/create-mailing.route.ts';
import { documentedRoute as createSubscriptionType } from '#functions/api/create-subscription-type.route.ts';
import { documentedRoute as createSuppression } from '#functions/api/create-suppression.route.ts';
import { documentedRoute as deleteApiKey } from '#functions/api/delete-api-key.route.ts';
import { documentedRoute as deleteContact } from '#functions/api/delete-contact.route.ts';
import { documentedRoute as deleteSuppression } from '#functions/api/delete-suppression.route.ts';
import { documentedRoute as exportContact } from '#functions/api/export-contact.route.ts';
import { documentedRoute as findContacts } from '#functions/api/find-contacts.route.ts';
import { documentedRoute as findSuppressions } from '#functions/api/find-suppressions.route.ts';
import { documentedRoute as getBouncePolicy } from '#functions/api/get-bounce-policy.route.ts';
import { documentedRoute as getContact } from '#functions/api/get-contact.route.ts';
import { documentedRoute as getExport } from '#functions/api/get-export.route.ts';
import { documentedRoute as getImport } from '#functions/api/get-import.route.ts';
import { documentedRoute as getHealth } from '#functions/api/get-health.route.ts';
import { documentedRoute as getList } from '#functions/api/get-list.route.ts';
import { documentedRoute as getMailing } from '#functions/api/get-mailing.route.ts';
import { documentedRoute as getOpenapi } from '#functions/api/get-openapi.route.ts';
import { documentedRoute as getSettings } from '#functions/api/get-settings.route.ts';
import { documentedRoute as getSubscriptionType } from '#functions/api/get-subscription-type.route.ts';
import { documentedRoute as getSubscriptionTypeReport } from '#functions/api/get-subscription-type-report.route.ts';
import { documentedRoute as importContacts } from '#functions/api/import-contacts.route.ts';
import { documentedRoute as listApiKeys } from '#functions/api/list-api-keys.route.ts';
import { documentedRoute as listContactHistory } from '#functions/api/list-contact-history.route.ts';
import { documentedRoute as listListContacts } from '#functions/api/list-list-contacts.route.ts';
import { documentedRoute as listMailingRecipients } from '#functions/api/list-mailing-recipients.route.ts';
import { documentedRoute as listSubscriptionTypes } from '#functions/api/list-subscription-types.route.ts';
import { documentedRoute as putBouncePolicy } from '#functions/api/put-bounce-policy.route.ts';
import { documentedRoute as putContactConsent } from '#functions/api/put-contact-consent.route.ts';
import { documentedRoute as putContactSubscription } from '#functions/api/put-contact-subscription.route.ts';
import { documentedRoute as putPrivacySetting } from '#functions/api/put-privacy-setting.route.ts';
import { documentedRoute as resumeMailing } from '#functions/api/resume-mailing.route.ts';
import { documentedRoute as sendMailing } from '#functions/api/send-mailing.route.ts';
import { documentedRoute as sendPrivacyEmail } from '#functions/api/send-privacy-email.route.ts';
import { documentedRoute as updateContact } from '#functions/api/update-contact.route.ts';
import { documentedRoute as updateMailing } from '#functions/api/update-mailing.route.ts';
import { documentedRoute as updateSubscriptionType } from '#functions/api/update-subscription-type.route.ts';
import { documentedRoute as createWebhook } from '#functions/api/create-webhook.route.ts';
import { documentedRoute as deleteWebhook } from '#functions/api/delete-webhook.route.ts';
import { documentedRoute as getWebhook } from '#functions/api/get-webhook.route.ts';
import { documentedRoute as listWebhookDeliveries } from '#functions/api/list-webhook-deliveries.route.ts';
import { documentedRoute as listWebhooks } from '#functions/api/list-webhooks.route.ts';
import { documentedRoute as testWebhook } from '#functions/api/test-webhook.route.ts';
import { documentedRoute as confirmLink } from '#functions/pages/confirm-link.route.ts';
import { documentedRoutes as consoleAdminRoutes } from '#functions/console/admin.route.ts';
import { documentedRoutes as consoleContactRoutes } from '#functions/console/contacts.route.ts';
import { documentedRoutes as consoleListRoutes } from '#functions/console/lists.route.ts';
import { documentedRoutes as consoleMailingRoutes } from '#functions/console/mailings.route.ts';
import { documentedRoutes as consoleSessionRoutes } from '#functions/console/session.route.ts';
import { documentedRoutes as consoleTypeRoutes } from '#functions/console/types.route.ts';
import { documentedRoutes as consoleRecipientRoutes } from '#functions/console/recipients.route.ts';
import { documentedRoutes as consoleSendRoutes } from '#functions/console/send.route.ts';
import { documentedRoutes as consoleDraftRoutes } from '#functions/console/draft.route.ts';
import { documentedRoutes as consoleWizardRoutes } from '#functions/console/wizard.route.ts';
import { documentedRoute as followLink } from '#functions/pages/follow-link.route.ts';
import { documentedRoute as oneClickUnsubscribe } from '#functions/pages/one-click-unsubscribe.route.ts';
import { documentedRoute as requestMagicLink } from '#functions/pages/request-magic-link.route.ts';
import { documentedRoute as savePreferences } from '#functions/pages/save-preferences.route.ts';
import { documentedRoute as showMagicLinkForm } from '#functions/pages/show-magic-link-form.route.ts';
import { documentedRoute as showPreferences } from '#functions/pages/show-preferences.route.ts';
import { documentedRoute as showUnsubscribe } from '#functions/pages/show-unsubscribe.route.ts';
import type { DocumentedRoute } from '#shared/http/contract.ts';

export type {
  Access,
  Auth,
  DocumentedRoute,
  Method,
  RouteContract,
} from '#shared/http/contract.ts';
export { routeTables } from '#shared/http/contract.ts';

/** Every route by `METHOD /path` (a test checks each key against its contract). */
export const routes = {
  'GET /health': getHealth,
  'GET /openapi.json': getOpenapi,
  'POST /api-keys': createApiKey,
  'GET /api-keys': listApiKeys,
  'DELETE /api-keys/{id}': deleteApiKey,
  'GET /settings': getSettings,
  'PUT /settings/privacy': putPrivacySetting,
  'GET /audit': listAuditEntries,
  'GET /settings/bounce-policy': getBouncePolicy,
  'PUT /settings/bounce-policy': putBouncePolicy,
  'GET /suppressions': findSuppressions,
  'POST /suppressions': createSuppression,
  'DELETE /suppressions/{id}': deleteSuppression,
  'POST /subscription-types': createSubscriptionType,
  'GET /subscription-types': listSubscriptionTypes,
  'GET /subscription-types/{id}': getSubscriptionType,
  'GET /subscription-types/{id}/report': getSubscriptionTypeReport,
  'PATCH /subscription-types/{id}': updateSubscriptionType,
  'POST /contacts': createContact,
  'POST /contacts/batch': importContacts,
  'GET /contacts': findContacts,
  'GET /contacts/{id}': getContact,
  'PATCH /contacts/{id}': updateContact,
  'DELETE /contacts/{id}': deleteContact,
  'PUT /contacts/{id}/consent': putContactConsent,
  'PUT /contacts/{id}/subscriptions/{typeId}': putContactSubscription,
  'GET /contacts/{id}/history': listContactHistory,
  'GET /contacts/{id}/export': exportContact,
  'POST /contacts/{id}/privacy-email': sendPrivacyEmail,
  'POST /imports': createImport,
  'GET /imports/{id}': getImport,
  'POST /exports': createExport,
  'GET /exports/{id}': getExport,
  'POST /lists': createList,
  'GET /lists': listLists,
  'GET /lists/{id}': getList,
  'DELETE /lists/{id}': deleteList,
  'GET /lists/{id}/contacts': listListContacts,
  'POST /mailings': createMailing,
  'GET /mailings': listMailings,
  'GET /mailings/{id}': getMailing,
  'DELETE /mailings/{id}': deleteMailing,
  'PATCH /mailings/{id}': updateMailing,
  'GET /mailings/{id}/recipients': listMailingRecipients,
  'POST /mailings/{id}/send': sendMailing,
  'POST /mailings/{id}/resume': resumeMailing,
  'POST /mailings/{id}/cancel': cancelMailing,
  'POST /webhooks': createWebhook,
  'GET /webhooks': listWebhooks,
  'GET /webhooks/{id}': getWebhook,
  'DELETE /webhooks/{id}': deleteWebhook,
  'GET /webhooks/{id}/deliveries': listWebhookDeliveries,
  'POST /webhooks/{id}/test': testWebhook,
  'GET /p': showMagicLinkForm,
  'POST /p': requestMagicLink,
  'GET /p/{token}': showPreferences,
  'POST /p/{token}': savePreferences,
  'GET /u/{token}': showUnsubscribe,
  'POST /u/{token}': oneClickUnsubscribe,
  'GET /l/{token}': followLink,
  'POST /l/{token}': confirmLink,
  ...consoleSessionRoutes,
  ...consoleMailingRoutes,
  ...consoleWizardRoutes,
  ...consoleDraftRoutes,
  ...consoleRecipientRoutes,
  ...consoleSendRoutes,
  ...consoleContactRoutes,
  ...consoleTypeRoutes,
  ...consoleListRoutes,
  ...consoleAdminRoutes,
} as const satisfies Record<string, DocumentedRoute>;

export type RouteKey = keyof typeof routes;
export type Route<K extends RouteKey> = (typeof routes)[K];
/** A route of the table with its key. */
export type RouteDefinition = DocumentedRoute;

/** Every route as a list, for CDK, the local gateway, OpenAPI and the generated tests. */
export const routeList = (): Array<DocumentedRoute & { key: RouteKey }> =>
  (Object.keys(routes) as RouteKey[]).map((key) => ({ key, ...routes[key] }));
