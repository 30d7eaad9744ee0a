import * as z from '#shared/schema/z.ts';
import { defineRoute, documented } from '#shared/http/contract.ts';
import { IdParams, page, pageFields } from '#shared/http/schemas/common.ts';

const ListContactsQuery = z.object({
  ...pageFields,
  total: z.optional(
    z.enum(['true', 'false']).check(z.describe('Also count every member (reads the whole list)')),
  ),
});

const ListMember = z
  .object({
    id: z.string(),
    email: z.optional(z.string()),
    firstName: z.optional(z.string()),
    lastName: z.optional(z.string()),
    locale: z.optional(z.string()),
  })
  .check(z.meta({ id: 'ListMember' }));

/** The contract of `GET /lists/{id}/contacts`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'GET',
  path: '/lists/{id}/contacts',
  entry: 'functions/api/list-list-contacts.ts',
  operationId: 'listListContacts',
  auth: 'marketer',
  tag: 'lists',
  status: 200,
  params: IdParams,
  query: ListContactsQuery,
  tables: { app: 'read', contacts: 'read' },
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary: 'The list resolved now, page by page (`total=true` also counts every member)',
  description:
    'The list resolved now, page by page; `total=true` also counts every member (which reads the whole list).',
  response: z.extend(page(ListMember), { total: z.optional(z.number().check(z.int())) }),
}));
