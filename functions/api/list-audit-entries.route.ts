import * as z from '#shared/schema/z.ts';
import { isoDateTime } from '#shared/schema/z.ts';
import { defineRoute, documented } from '#shared/http/contract.ts';
import { page, pageFields, Timestamp } from '#shared/http/schemas/common.ts';

/** What the audit log records, by action. */
const auditActions = [
  'api_key.created',
  'api_key.revoked',
  'settings.privacy',
  'settings.bounce_policy',
  'suppression.created',
  'suppression.deleted',
  'contact.erased',
  'mailing.override_send',
  'mailing.override_reached',
  'mailing.paused',
  'mailing.resumed',
  'mailing.deleted',
  'list.deleted',
  'webhook.created',
  'webhook.deleted',
  'webhook.disabled',
] as const;

const AuditQuery = z.object({
  ...pageFields,
  action: z.optional(z.enum(auditActions).check(z.describe('Only entries of this action'))),
  from: z.optional(isoDateTime().check(z.describe('Only entries at or after this time'))),
  to: z.optional(isoDateTime().check(z.describe('Only entries before this time'))),
});

const AuditEntry = z
  .object({
    id: z.string(),
    at: Timestamp,
    action: z.string().check(z.describe(`What was done: ${auditActions.map((a) => `\`${a}\``).join(', ')}`)),
    actor: z.object({
      keyId: z.string().check(z.describe('The API key, or `system` for the product itself')),
      name: z.string().check(z.describe("The key's name, or the part of the product that acted")),
      role: z.string(),
    }),
    details: z
      .record(z.string(), z.unknown())
      .check(z.describe('Ids and non-personal facts about the action; never an address or a name')),
  })
  .check(z.meta({ id: 'AuditEntry' }));

/** The contract of `GET /audit`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'GET',
  path: '/audit',
  entry: 'functions/api/list-audit-entries.ts',
  operationId: 'listAuditEntries',
  auth: 'admin',
  tag: 'audit',
  status: 200,
  query: AuditQuery,
  tables: { app: 'read' },
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary: 'The audit log, newest first',
  description:
    'The audit log, newest first: who (the API key) did what (keys, settings, overrides, erasure, suppressions, deletions, pauses and resumes, webhook endpoints registered, deleted or disabled) and when, filterable by action and time. It holds ids and facts, never an address or a name of a person.',
  response: page(AuditEntry),
}));
