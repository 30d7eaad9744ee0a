/**
 * The one route table. CDK (infra/stacks/service-stack.ts) makes an HTTP API route and a Lambda per
 * entry; the local gateway (infra/local/gateway.ts) serves the same entries; shared/http/api.ts reads
 * a handler's auth and schemas from here; the OpenAPI document is generated from it.
 * Find any behaviour in one hop: the `entry` file is the handler.
 */
import * as z from 'zod';
import { ApiKey, CreateApiKey, CreatedApiKey, PutPrivacy, Settings } from '#shared/http/schemas/admin.ts';
import { IdParams, PageQuery, page } from '#shared/http/schemas/common.ts';
import {
  BouncePolicySetting,
  CreateSuppression,
  DeleteSuppressionQuery,
  FindSuppressionsQuery,
  PutBouncePolicy,
  SuppressionEntry,
  SuppressionParams,
} from '#shared/http/schemas/feedback.ts';
import {
  Contact,
  ContactExport,
  ContactParams,
  ContactTypeParams,
  CreateContact,
  ErasedContact,
  FindContactsQuery,
  HistoryEntry,
  ImportContacts,
  ImportResults,
  PutConsent,
  PutSubscription,
  UpdateContact,
} from '#shared/http/schemas/contacts.ts';
import {
  CreateList,
  CreateMailing,
  ListContactsQuery,
  ListMember,
  Mailing,
  RecipientRow,
  RecipientsQuery,
  TargetList,
  UpdateMailing,
} from '#shared/http/schemas/mailings.ts';
import {
  CreateSubscriptionType,
  SubscriptionType,
  UpdateSubscriptionType,
} from '#shared/http/schemas/subscription-types.ts';
import type { TokenPurpose } from '#shared/domain/tokens.ts';
import type { QueueName } from './queues.ts';
import type { TableName } from './tables.ts';

export type Auth = 'none' | 'token' | 'marketer' | 'admin';
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type Access = 'read' | 'write';

export interface RouteDefinition {
  readonly method: Method;
  /** API Gateway path syntax: `/contacts/{id}`. */
  readonly path: string;
  /** Handler file, relative to the project root; exports `handler`. */
  readonly entry: string;
  readonly auth: Auth;
  readonly summary: string;
  readonly tag: string;
  /** Success status. */
  readonly status: number;
  readonly params?: z.ZodType;
  readonly query?: z.ZodType;
  /** JSON request body; unknown fields are rejected (422). */
  readonly body?: z.ZodType;
  readonly response?: z.ZodType;
  /** Tables the handler touches; CDK grants exactly this and sets each table's env var. */
  readonly tables: Partial<Record<TableName, Access>>;
  /** Creating POST that honours `Idempotency-Key`. */
  readonly idempotent?: boolean;
  /** Response fields an idempotency record keeps sealed, never in clear (a key shown once). */
  readonly idempotentSecrets?: readonly string[];
  /** Secrets the handler reads: `signing` holds the HMAC keys for tokens and address fingerprints. */
  readonly secrets?: readonly 'signing'[];
  /** Queues the handler sends to (infra/queues.ts). */
  readonly queues?: readonly QueueName[];
  /** Sends e-mail through SES (CDK grants ses:SendEmail on the identity and configuration set). */
  readonly sendsEmail?: boolean;
  /**
   * A hosted page for recipients (shared/http/page.ts) rather than JSON: it answers HTML (or a
   * redirect) and takes form bodies (urlencoded or multipart, at most 64 KB), never JSON.
   */
  readonly page?: {
    /** With auth `token`: the purposes `{token}` may have; any other token gets the 404 page. */
    readonly purposes?: readonly TokenPurpose[];
    /** Reads a form body. */
    readonly form?: boolean;
  };
}

const route = <const T extends RouteDefinition>(definition: T): T => definition;

export const routes = {
  'GET /health': route({
    method: 'GET',
    path: '/health',
    entry: 'functions/api/get-health.ts',
    auth: 'none',
    summary: 'Liveness check',
    tag: 'meta',
    status: 200,
    tables: {},
  }),
  'GET /openapi.json': route({
    method: 'GET',
    path: '/openapi.json',
    entry: 'functions/api/get-openapi.ts',
    auth: 'none',
    summary: 'This API as an OpenAPI 3.1 document',
    tag: 'meta',
    status: 200,
    tables: {},
  }),
  'POST /api-keys': route({
    method: 'POST',
    path: '/api-keys',
    entry: 'functions/api/create-api-key.ts',
    auth: 'admin',
    summary: 'Create an API key (the key is shown once)',
    tag: 'api-keys',
    status: 201,
    body: CreateApiKey,
    response: CreatedApiKey,
    tables: { app: 'write' },
    idempotent: true,
    idempotentSecrets: ['key'],
    // The signing secret seals the key in the idempotency record.
    secrets: ['signing'],
  }),
  'GET /api-keys': route({
    method: 'GET',
    path: '/api-keys',
    entry: 'functions/api/list-api-keys.ts',
    auth: 'admin',
    summary: 'List API keys (never the keys themselves)',
    tag: 'api-keys',
    status: 200,
    query: PageQuery,
    response: page(ApiKey),
    tables: { app: 'read' },
  }),
  'DELETE /api-keys/{id}': route({
    method: 'DELETE',
    path: '/api-keys/{id}',
    entry: 'functions/api/delete-api-key.ts',
    auth: 'admin',
    summary: 'Revoke an API key; it stops working at once',
    tag: 'api-keys',
    status: 200,
    params: IdParams,
    response: ApiKey,
    tables: { app: 'write' },
  }),
  'GET /settings': route({
    method: 'GET',
    path: '/settings',
    entry: 'functions/api/get-settings.ts',
    auth: 'marketer',
    summary: 'Account settings',
    tag: 'settings',
    status: 200,
    response: Settings,
    tables: { app: 'read' },
  }),
  'PUT /settings/privacy': route({
    method: 'PUT',
    path: '/settings/privacy',
    entry: 'functions/api/put-privacy-setting.ts',
    auth: 'admin',
    summary: 'Switch the e-marketing privacy filter on or off (recorded in the audit log)',
    tag: 'settings',
    status: 200,
    body: PutPrivacy,
    response: Settings,
    tables: { app: 'write' },
  }),
  'GET /settings/bounce-policy': route({
    method: 'GET',
    path: '/settings/bounce-policy',
    entry: 'functions/api/get-bounce-policy.ts',
    auth: 'marketer',
    summary:
      'The bounce policy: for hard bounces, soft bounces and complaints, how many trigger which action',
    tag: 'settings',
    status: 200,
    response: BouncePolicySetting,
    tables: { app: 'read' },
  }),
  'PUT /settings/bounce-policy': route({
    method: 'PUT',
    path: '/settings/bounce-policy',
    entry: 'functions/api/put-bounce-policy.ts',
    auth: 'admin',
    summary: 'Replace the bounce policy (recorded in the audit log); it applies to feedback from now on',
    tag: 'settings',
    status: 200,
    body: PutBouncePolicy,
    response: BouncePolicySetting,
    tables: { app: 'write' },
  }),
  'GET /suppressions': route({
    method: 'GET',
    path: '/suppressions',
    entry: 'functions/api/find-suppressions.ts',
    auth: 'marketer',
    summary: "The address's suppression entry, found by its fingerprint: a list of zero or one",
    tag: 'suppressions',
    status: 200,
    query: FindSuppressionsQuery,
    response: page(SuppressionEntry),
    tables: { contacts: 'read' },
    secrets: ['signing'],
  }),
  'POST /suppressions': route({
    method: 'POST',
    path: '/suppressions',
    entry: 'functions/api/create-suppression.ts',
    auth: 'admin',
    summary:
      'Suppress an address by hand: no mailing reaches it again, override or not (409 if it is suppressed already; recorded in the audit log)',
    tag: 'suppressions',
    status: 201,
    body: CreateSuppression,
    response: SuppressionEntry,
    tables: { contacts: 'write', app: 'write' },
    secrets: ['signing'],
    idempotent: true,
  }),
  'DELETE /suppressions/{id}': route({
    method: 'DELETE',
    path: '/suppressions/{id}',
    entry: 'functions/api/delete-suppression.ts',
    auth: 'admin',
    summary:
      "Lift a suppression (recorded in the audit log): the contact's mirror is cleared and the address's bounce counts start over; consent is not touched",
    tag: 'suppressions',
    status: 200,
    params: SuppressionParams,
    query: DeleteSuppressionQuery,
    response: SuppressionEntry,
    tables: { contacts: 'write', app: 'write' },
    secrets: ['signing'],
  }),
  'POST /subscription-types': route({
    method: 'POST',
    path: '/subscription-types',
    entry: 'functions/api/create-subscription-type.ts',
    auth: 'marketer',
    summary: 'Create a subscription type (mailing type)',
    tag: 'subscription-types',
    status: 201,
    body: CreateSubscriptionType,
    response: SubscriptionType,
    tables: { app: 'write' },
    idempotent: true,
  }),
  'GET /subscription-types': route({
    method: 'GET',
    path: '/subscription-types',
    entry: 'functions/api/list-subscription-types.ts',
    auth: 'marketer',
    summary: 'List subscription types, oldest first (archived ones included)',
    tag: 'subscription-types',
    status: 200,
    query: PageQuery,
    response: page(SubscriptionType),
    tables: { app: 'read' },
  }),
  'GET /subscription-types/{id}': route({
    method: 'GET',
    path: '/subscription-types/{id}',
    entry: 'functions/api/get-subscription-type.ts',
    auth: 'marketer',
    summary: 'A subscription type',
    tag: 'subscription-types',
    status: 200,
    params: IdParams,
    response: SubscriptionType,
    tables: { app: 'read' },
  }),
  'PATCH /subscription-types/{id}': route({
    method: 'PATCH',
    path: '/subscription-types/{id}',
    entry: 'functions/api/update-subscription-type.ts',
    auth: 'marketer',
    summary:
      'Change a subscription type; `{"archived": true}` archives it (no new subscriptions or mailings)',
    tag: 'subscription-types',
    status: 200,
    params: IdParams,
    body: UpdateSubscriptionType,
    response: SubscriptionType,
    tables: { app: 'write' },
  }),
  'POST /contacts': route({
    method: 'POST',
    path: '/contacts',
    entry: 'functions/api/create-contact.ts',
    auth: 'marketer',
    summary: 'Create a contact; 409 when a contact has the address (compared case-insensitively)',
    tag: 'contacts',
    status: 201,
    body: CreateContact,
    response: Contact,
    tables: { contacts: 'write', app: 'write' },
    secrets: ['signing'],
    idempotent: true,
    sendsEmail: true,
  }),
  'POST /contacts/batch': route({
    method: 'POST',
    path: '/contacts/batch',
    entry: 'functions/api/import-contacts.ts',
    auth: 'marketer',
    summary: 'Upsert up to 1000 contacts by e-mail address; one result per item (200 even if some failed)',
    tag: 'contacts',
    status: 200,
    body: ImportContacts,
    response: ImportResults,
    tables: { contacts: 'write', app: 'read' },
    secrets: ['signing'],
    // Double opt-in confirmations go out through the paced mail worker.
    queues: ['mail'],
  }),
  'GET /contacts': route({
    method: 'GET',
    path: '/contacts',
    entry: 'functions/api/find-contacts.ts',
    auth: 'marketer',
    summary: 'Find the contact with an e-mail address: a list of zero or one',
    tag: 'contacts',
    status: 200,
    query: FindContactsQuery,
    response: page(Contact),
    tables: { contacts: 'read' },
  }),
  'GET /contacts/{id}': route({
    method: 'GET',
    path: '/contacts/{id}',
    entry: 'functions/api/get-contact.ts',
    auth: 'marketer',
    summary: 'A contact',
    tag: 'contacts',
    status: 200,
    params: ContactParams,
    response: Contact,
    tables: { contacts: 'read' },
  }),
  'PATCH /contacts/{id}': route({
    method: 'PATCH',
    path: '/contacts/{id}',
    entry: 'functions/api/update-contact.ts',
    auth: 'marketer',
    summary: 'Change address, profile, custom fields or interests (add/remove or replace)',
    tag: 'contacts',
    status: 200,
    params: ContactParams,
    body: UpdateContact,
    response: Contact,
    tables: { contacts: 'write' },
    secrets: ['signing'],
  }),
  'DELETE /contacts/{id}': route({
    method: 'DELETE',
    path: '/contacts/{id}',
    entry: 'functions/api/delete-contact.ts',
    auth: 'admin',
    summary:
      'Erase a contact (GDPR Art. 17): personal data is removed everywhere; the address stays suppressed (reason `erased`) by a keyed fingerprint until the person grants consent again. Recorded in the audit log.',
    tag: 'contacts',
    status: 200,
    params: ContactParams,
    response: ErasedContact,
    tables: { contacts: 'write', app: 'write' },
    secrets: ['signing'],
  }),
  'PUT /contacts/{id}/consent': route({
    method: 'PUT',
    path: '/contacts/{id}/consent',
    entry: 'functions/api/put-contact-consent.ts',
    auth: 'marketer',
    summary:
      'Grant or withdraw e-marketing consent, with legal basis, source and evidence; withdrawal stops all marketing',
    tag: 'contacts',
    status: 200,
    params: ContactParams,
    body: PutConsent,
    response: Contact,
    tables: { contacts: 'write' },
    secrets: ['signing'],
  }),
  'PUT /contacts/{id}/subscriptions/{typeId}': route({
    method: 'PUT',
    path: '/contacts/{id}/subscriptions/{typeId}',
    entry: 'functions/api/put-contact-subscription.ts',
    auth: 'marketer',
    summary:
      'Subscribe or unsubscribe one type (other types are untouched; double opt-in types become `pending`)',
    tag: 'contacts',
    status: 200,
    params: ContactTypeParams,
    body: PutSubscription,
    response: Contact,
    tables: { contacts: 'write', app: 'read' },
    secrets: ['signing'],
    sendsEmail: true,
  }),
  'GET /contacts/{id}/history': route({
    method: 'GET',
    path: '/contacts/{id}/history',
    entry: 'functions/api/list-contact-history.ts',
    auth: 'marketer',
    summary: 'Every consent, subscription and profile change of a contact, newest first',
    tag: 'contacts',
    status: 200,
    params: ContactParams,
    query: PageQuery,
    response: page(HistoryEntry),
    tables: { contacts: 'read' },
  }),
  'GET /contacts/{id}/export': route({
    method: 'GET',
    path: '/contacts/{id}/export',
    entry: 'functions/api/export-contact.ts',
    auth: 'marketer',
    summary:
      'Everything stored about a contact (GDPR Art. 15/20): profile, history, memberships, suppression, mailings',
    tag: 'contacts',
    status: 200,
    params: ContactParams,
    response: ContactExport,
    tables: { contacts: 'read' },
    secrets: ['signing'],
  }),
  'POST /contacts/{id}/privacy-email': route({
    method: 'POST',
    path: '/contacts/{id}/privacy-email',
    entry: 'functions/api/send-privacy-email.ts',
    auth: 'marketer',
    summary: 'Send the contact the "manage your subscriptions" e-mail with a personal preference link',
    tag: 'contacts',
    status: 202,
    params: IdParams,
    tables: { contacts: 'read' },
    secrets: ['signing'],
    sendsEmail: true,
  }),
  'POST /lists': route({
    method: 'POST',
    path: '/lists',
    entry: 'functions/api/create-list.ts',
    auth: 'marketer',
    summary: 'Create a target list: a selection (criteria), a static set of contacts, or both',
    tag: 'lists',
    status: 201,
    body: CreateList,
    response: TargetList,
    tables: { app: 'write' },
    idempotent: true,
  }),
  'GET /lists/{id}': route({
    method: 'GET',
    path: '/lists/{id}',
    entry: 'functions/api/get-list.ts',
    auth: 'marketer',
    summary: 'A target list',
    tag: 'lists',
    status: 200,
    params: IdParams,
    response: TargetList,
    tables: { app: 'read' },
  }),
  'GET /lists/{id}/contacts': route({
    method: 'GET',
    path: '/lists/{id}/contacts',
    entry: 'functions/api/list-list-contacts.ts',
    auth: 'marketer',
    summary: 'The list resolved now, page by page (`total=true` also counts every member)',
    tag: 'lists',
    status: 200,
    params: IdParams,
    query: ListContactsQuery,
    response: page(ListMember).extend({ total: z.number().int().optional() }),
    tables: { app: 'read', contacts: 'read' },
  }),
  'POST /mailings': route({
    method: 'POST',
    path: '/mailings',
    entry: 'functions/api/create-mailing.ts',
    auth: 'marketer',
    summary: 'Create a mailing (a draft)',
    tag: 'mailings',
    status: 201,
    body: CreateMailing,
    response: Mailing,
    tables: { app: 'write', contacts: 'read' },
    idempotent: true,
  }),
  'GET /mailings/{id}': route({
    method: 'GET',
    path: '/mailings/{id}',
    entry: 'functions/api/get-mailing.ts',
    auth: 'marketer',
    summary: 'A mailing with its counts (a draft: the preview of what sending would do)',
    tag: 'mailings',
    status: 200,
    params: IdParams,
    response: Mailing,
    tables: { app: 'read', contacts: 'read', recipients: 'read' },
  }),
  'PATCH /mailings/{id}': route({
    method: 'PATCH',
    path: '/mailings/{id}',
    entry: 'functions/api/update-mailing.ts',
    auth: 'marketer',
    summary: 'Edit a draft (409 once it is being sent)',
    tag: 'mailings',
    status: 200,
    params: IdParams,
    body: UpdateMailing,
    response: Mailing,
    tables: { app: 'write', contacts: 'read' },
  }),
  'GET /mailings/{id}/recipients': route({
    method: 'GET',
    path: '/mailings/{id}/recipients',
    entry: 'functions/api/list-mailing-recipients.ts',
    auth: 'marketer',
    summary: 'One row per list member: verdict, reason, status (before sending: the preview)',
    tag: 'mailings',
    status: 200,
    params: IdParams,
    query: RecipientsQuery,
    response: page(RecipientRow),
    tables: { app: 'read', contacts: 'read', recipients: 'read' },
  }),
  'POST /mailings/{id}/send': route({
    method: 'POST',
    path: '/mailings/{id}/send',
    entry: 'functions/api/send-mailing.ts',
    auth: 'marketer',
    summary: 'Send: 202, planning and sending run in the background (overrideConsent needs an admin key)',
    tag: 'mailings',
    status: 202,
    params: IdParams,
    tables: { app: 'write' },
    queues: ['plan'],
  }),
  'POST /mailings/{id}/resume': route({
    method: 'POST',
    path: '/mailings/{id}/resume',
    entry: 'functions/api/resume-mailing.ts',
    auth: 'admin',
    summary:
      'Resume a paused mailing (reputation guard, SES quota or pause), or bring back its chunks from the dead-letter queue (admin: these protect the whole account)',
    tag: 'mailings',
    status: 200,
    params: IdParams,
    response: Mailing,
    tables: { app: 'write', contacts: 'read', recipients: 'read' },
    queues: ['plan'],
  }),
  'POST /mailings/{id}/cancel': route({
    method: 'POST',
    path: '/mailings/{id}/cancel',
    entry: 'functions/api/cancel-mailing.ts',
    auth: 'marketer',
    summary: 'Stop everything not yet handed to SES',
    tag: 'mailings',
    status: 200,
    params: IdParams,
    response: Mailing,
    tables: { app: 'write', contacts: 'read', recipients: 'read' },
    queues: ['plan'],
  }),
  'GET /p': route({
    method: 'GET',
    path: '/p',
    entry: 'functions/pages/show-magic-link-form.ts',
    auth: 'none',
    summary: 'HTML: asks for an e-mail address to send a personal preference link to',
    tag: 'pages',
    status: 200,
    tables: {},
    page: {},
  }),
  'POST /p': route({
    method: 'POST',
    path: '/p',
    entry: 'functions/pages/request-magic-link.ts',
    auth: 'none',
    summary:
      'HTML form post: mails a preference link (valid 7 days) if the address is known; the same answer, in the same time, either way; rate-limited per IP and per address (429)',
    tag: 'pages',
    status: 200,
    // The rate-limit counters; the lookup and the mail are the mail worker's (infra/queues.ts).
    tables: { app: 'write' },
    secrets: ['signing'],
    queues: ['mail'],
    page: { form: true },
  }),
  'GET /p/{token}': route({
    method: 'GET',
    path: '/p/{token}',
    entry: 'functions/pages/show-preferences.ts',
    auth: 'token',
    summary:
      'HTML preference page (preferences, unsubscribe or magic token), or the double opt-in confirmation page (confirm token); changes nothing',
    tag: 'pages',
    status: 200,
    tables: { contacts: 'read', app: 'read' },
    secrets: ['signing'],
    page: { purposes: ['preferences', 'unsubscribe', 'magic', 'confirm'] },
  }),
  'POST /p/{token}': route({
    method: 'POST',
    path: '/p/{token}',
    entry: 'functions/pages/save-preferences.ts',
    auth: 'token',
    summary:
      'HTML form post: saves the types shown on the page (and only those), unsubscribes from everything, or confirms a double opt-in',
    tag: 'pages',
    status: 200,
    tables: { contacts: 'write', app: 'read' },
    secrets: ['signing'],
    sendsEmail: true,
    page: { purposes: ['preferences', 'unsubscribe', 'magic', 'confirm'], form: true },
  }),
  'GET /u/{token}': route({
    method: 'GET',
    path: '/u/{token}',
    entry: 'functions/pages/show-unsubscribe.ts',
    auth: 'token',
    summary: 'HTML: a page with an unsubscribe button; a GET alone never changes anything (link scanners)',
    tag: 'pages',
    status: 200,
    tables: { contacts: 'read', app: 'read' },
    secrets: ['signing'],
    page: { purposes: ['unsubscribe'] },
  }),
  'POST /u/{token}': route({
    method: 'POST',
    path: '/u/{token}',
    entry: 'functions/pages/one-click-unsubscribe.ts',
    auth: 'token',
    summary:
      "RFC 8058 one-click unsubscribe from the token's type: `List-Unsubscribe=One-Click` as multipart/form-data or form-urlencoded; 200, no redirect, no cookie; idempotent",
    tag: 'pages',
    status: 200,
    tables: { contacts: 'write', app: 'read' },
    secrets: ['signing'],
    page: { purposes: ['unsubscribe'], form: true },
  }),
  'GET /l/{token}': route({
    method: 'GET',
    path: '/l/{token}',
    entry: 'functions/pages/follow-link.ts',
    auth: 'token',
    summary:
      'Tracked link: applies its signed action once (interest or subscription), then 302 to its signed target',
    tag: 'pages',
    status: 302,
    tables: { contacts: 'write', app: 'write' },
    secrets: ['signing'],
    sendsEmail: true,
    page: { purposes: ['link'] },
  }),
} as const satisfies Record<string, RouteDefinition>;

export type RouteKey = keyof typeof routes;
export type Route<K extends RouteKey> = (typeof routes)[K];

/** Every route as a list, for CDK, the local gateway, OpenAPI and the generated tests. */
export const routeList = (): Array<RouteDefinition & { key: RouteKey }> =>
  (Object.keys(routes) as RouteKey[]).map((key) => ({ key, ...routes[key] }));

/**
 * The tables a route's function may touch: what it declares, plus reading API keys (app table)
 * when it checks a key. CDK grants exactly these; the API wrapper checks their env vars at cold start.
 */
export const routeTables = (route: RouteDefinition): Partial<Record<TableName, Access>> => {
  const declared: Partial<Record<TableName, Access>> = { ...route.tables };
  if ((route.auth === 'marketer' || route.auth === 'admin') && !declared.app) declared.app = 'read';
  if (route.idempotent) declared.app = 'write';
  return declared;
};
