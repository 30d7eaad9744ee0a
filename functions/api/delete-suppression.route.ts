import { defineRoute } from '#shared/http/contract.ts';
import { Suppression } from '#shared/http/schemas/contacts.ts';
import { DeleteSuppressionQuery, SuppressionParams } from '#shared/http/schemas/feedback.ts';

/** The contract of `DELETE /suppressions/{id}`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'DELETE',
  path: '/suppressions/{id}',
  entry: 'functions/api/delete-suppression.ts',
  operationId: 'deleteSuppression',
  auth: 'admin',
  summary:
    "Lift a suppression (recorded in the audit log): the contact's mirror is cleared and the address's bounce counts start over; consent is not touched",
  description:
    "Lifts a suppression: the contact's mirror is cleared and the address's bounce counts start over; consent is not touched. Recorded in the audit log.",
  tag: 'suppressions',
  status: 200,
  params: SuppressionParams,
  query: DeleteSuppressionQuery,
  response: Suppression,
  tables: { contacts: 'write', app: 'write' },
  secrets: ['signing'],
});
