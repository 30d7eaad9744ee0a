import * as z from '#shared/schema/z.ts';
import { defineRoute, documented } from '#shared/http/contract.ts';
import { Id } from '#shared/http/schemas/common.ts';
import { ListCriteria, TargetList } from '#shared/http/schemas/list.ts';

const CreateList = z
  .strictObject({
    name: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
    criteria: z.optional(ListCriteria),
    contactIds: z.optional(
      z.array(Id).check(z.maxLength(10_000), z.describe('A static set of contacts; repeats are ignored')),
    ),
  })
  .check(
    z.refine((list) => Boolean(list.criteria || list.contactIds?.length), {
      message: 'A list needs criteria, contactIds, or both',
      path: ['criteria'],
    }),
    z.meta({ id: 'CreateListRequest' }),
  );

/** The contract of `POST /lists`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'POST',
  path: '/lists',
  entry: 'functions/api/create-list.ts',
  operationId: 'createList',
  auth: 'marketer',
  tag: 'lists',
  status: 201,
  body: CreateList,
  tables: { app: 'write' },
  idempotent: true,
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary: 'Create a target list: a selection (criteria), a static set of contacts, or both',
  description:
    'Creates a target list: a selection (subscribed to a type, interests, locale), a static set of contacts, or both. A selection must be readable from an index (a type or an interest).',
  response: TargetList,
}));
