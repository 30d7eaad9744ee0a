import { defineRoute, documented } from '#shared/http/contract.ts';
import { Deleted, IdParams } from '#shared/http/schemas/common.ts';

/** The contract of `DELETE /lists/{id}`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'DELETE',
  path: '/lists/{id}',
  entry: 'functions/api/delete-list.ts',
  operationId: 'deleteList',
  auth: 'marketer',
  tag: 'lists',
  status: 200,
  params: IdParams,
  tables: { app: 'write' },
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary: 'Delete a list no mailing uses',
  description:
    'Deletes a list. 409 while a mailing that is a draft, planned, sending or paused uses it (the error details name them). Recorded in the audit log.',
  response: Deleted,
}));
