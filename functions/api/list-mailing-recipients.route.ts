import { defineRoute } from '#shared/http/contract.ts';
import { IdParams, page } from '#shared/http/schemas/common.ts';
import { RecipientRow, RecipientsQuery } from '#shared/http/schemas/mailings.ts';

/** The contract of `GET /mailings/{id}/recipients`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'GET',
  path: '/mailings/{id}/recipients',
  entry: 'functions/api/list-mailing-recipients.ts',
  operationId: 'listMailingRecipients',
  auth: 'marketer',
  summary: 'One row per list member: verdict, reason, status (before sending: the preview)',
  description:
    'One row per list member: verdict, eligibility reason and delivery status, filterable. Before sending, this is the preview of who would get it and why the others would not.',
  tag: 'mailings',
  status: 200,
  params: IdParams,
  query: RecipientsQuery,
  response: page(RecipientRow),
  tables: { app: 'read', contacts: 'read', recipients: 'read' },
});
