import { defineRoute, documented } from '#shared/http/contract.ts';
import { Deleted, IdParams } from '#shared/http/schemas/common.ts';

/** The contract of `DELETE /mailings/{id}`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'DELETE',
  path: '/mailings/{id}',
  entry: 'functions/api/delete-mailing.ts',
  operationId: 'deleteMailing',
  auth: 'marketer',
  tag: 'mailings',
  status: 200,
  params: IdParams,
  tables: { app: 'write' },
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary: 'Delete a draft',
  description:
    'Deletes a draft; 409 for a mailing that was ever sent (cancel one that is being sent). Recorded in the audit log.',
  response: Deleted,
}));
