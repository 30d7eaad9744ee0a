import * as z from '#shared/schema/z.ts';
import { mailingStatuses } from '#shared/domain/mailing.ts';
import { defineRoute, documented } from '#shared/http/contract.ts';
import { Id, page, pageFields } from '#shared/http/schemas/common.ts';
import { MailingSummary } from '#shared/http/schemas/mailing.ts';

const ListMailingsQuery = z.object({
  ...pageFields,
  status: z.optional(z.enum(mailingStatuses).check(z.describe('Only mailings in this state'))),
  subscriptionTypeId: z.optional(Id.check(z.describe('Only mailings of this subscription type'))),
});

/** The contract of `GET /mailings`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'GET',
  path: '/mailings',
  entry: 'functions/api/list-mailings.ts',
  operationId: 'listMailings',
  auth: 'marketer',
  tag: 'mailings',
  status: 200,
  query: ListMailingsQuery,
  tables: { app: 'read' },
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary: 'Mailings, newest first',
  description:
    'Mailings newest first, in cursor pages, optionally only those with a `status` or a `subscriptionTypeId`. Bodies and counts are in GET /mailings/{id}.',
  response: page(MailingSummary),
}));
