import { defineRoute, documented } from '#shared/http/contract.ts';
import { page, PageQuery } from '#shared/http/schemas/common.ts';
import { TargetList } from '#shared/http/schemas/list.ts';

/** The contract of `GET /lists`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'GET',
  path: '/lists',
  entry: 'functions/api/list-lists.ts',
  operationId: 'listLists',
  auth: 'marketer',
  tag: 'lists',
  status: 200,
  query: PageQuery,
  tables: { app: 'read' },
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary: 'Target lists, newest first',
  description: 'Every target list, newest first, in cursor pages.',
  response: page(TargetList),
}));
