import * as z from '#shared/schema/z.ts';
import { defineRoute, documented } from '#shared/http/contract.ts';
import { IdParams, page, pageFields } from '#shared/http/schemas/common.ts';
import { recipientStatuses } from '#shared/adapters/dynamodb/recipients.ts';
import { eligibilityReasons } from '#shared/domain/eligibility.ts';

const RecipientsQuery = z.object({
  ...pageFields,
  status: z.optional(z.enum(recipientStatuses)),
  reason: z.optional(z.enum(eligibilityReasons)),
  verdict: z.optional(z.enum(['included', 'excluded'])),
});

const RecipientRow = z
  .object({
    contactId: z.string(),
    email: z.nullable(z.string()).check(z.describe('null once the contact has been erased')),
    verdict: z.enum(['included', 'excluded']),
    reason: z.enum(eligibilityReasons),
    status: z.enum(recipientStatuses),
    detail: z.optional(z.string().check(z.describe('Suppression reason, or why sending failed'))),
  })
  .check(z.meta({ id: 'RecipientRow' }));

/** The contract of `GET /mailings/{id}/recipients`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'GET',
  path: '/mailings/{id}/recipients',
  entry: 'functions/api/list-mailing-recipients.ts',
  operationId: 'listMailingRecipients',
  auth: 'marketer',
  tag: 'mailings',
  status: 200,
  params: IdParams,
  query: RecipientsQuery,
  tables: { app: 'read', contacts: 'read', recipients: 'read' },
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary: 'One row per list member: verdict, reason, status (before sending: the preview)',
  description:
    'One row per list member: verdict, eligibility reason and delivery status, filterable. Before sending, this is the preview of who would get it and why the others would not.',
  response: page(RecipientRow),
}));
