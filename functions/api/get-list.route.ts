import { defineRoute } from '#shared/http/contract.ts';
import { IdParams } from '#shared/http/schemas/common.ts';
import { TargetList } from '#shared/http/schemas/list.ts';

/** The contract of `GET /lists/{id}`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'GET',
  path: '/lists/{id}',
  entry: 'functions/api/get-list.ts',
  operationId: 'getList',
  auth: 'marketer',
  summary: 'A target list',
  description: 'One target list: its selection criteria and its static contacts.',
  tag: 'lists',
  status: 200,
  params: IdParams,
  response: TargetList,
  tables: { app: 'read' },
});
