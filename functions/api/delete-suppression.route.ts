import * as z from '#shared/schema/z.ts';
import { defineRoute, documented } from '#shared/http/contract.ts';
import { Email } from '#shared/http/schemas/email.ts';
import { Suppression } from '#shared/http/schemas/suppression.ts';

const SuppressionParams = z.object({
  id: z.string().check(z.regex(/^[0-9a-f]{64}$/, 'Not a suppression id')),
});

const DeleteSuppressionQuery = z.object({
  email: z.optional(
    Email.check(
      z.describe(
        'The address, when a contact holding it may not be known to the entry (created after it): its ' +
          'mirror is cleared too. It must belong to the entry.',
      ),
    ),
  ),
});

/** The contract of `DELETE /suppressions/{id}`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'DELETE',
  path: '/suppressions/{id}',
  entry: 'functions/api/delete-suppression.ts',
  operationId: 'deleteSuppression',
  auth: 'admin',
  tag: 'suppressions',
  status: 200,
  params: SuppressionParams,
  query: DeleteSuppressionQuery,
  tables: { contacts: 'write', app: 'write' },
  secrets: ['signing'],
  mirrorsSuppressions: true,
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary:
    "Lift a suppression (recorded in the audit log): the contact's mirror is cleared and the address's bounce counts start over; consent is not touched",
  description:
    "Lifts a suppression: the contact's mirror is cleared and the address's bounce counts start over; consent is not touched. Recorded in the audit log.",
  response: Suppression,
}));
