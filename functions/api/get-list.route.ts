import { defineRoute, documented } from '#shared/http/contract.ts';
import { IdParams } from '#shared/http/schemas/common.ts';
import { TargetList } from '#shared/http/schemas/list.ts';

/** The contract of `GET /lists/{id}`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'GET',
  path: '/lists/{id}',
  entry: 'functions/api/get-list.ts',
  operationId: 'getList',
  auth: 'marketer',
  tag: 'lists',
  status: 200,
  params: IdParams,
  tables: { app: 'read' },
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary: 'A target list',
  description: 'One target list: its selection criteria and its static contacts.',
  response: TargetList,
}));
