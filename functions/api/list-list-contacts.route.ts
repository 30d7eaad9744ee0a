import * as z from 'zod/mini';
import { defineRoute } from '#shared/http/contract.ts';
import { IdParams, page } from '#shared/http/schemas/common.ts';
import { ListContactsQuery, ListMember } from '#shared/http/schemas/mailings.ts';

/** The contract of `GET /lists/{id}/contacts`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'GET',
  path: '/lists/{id}/contacts',
  entry: 'functions/api/list-list-contacts.ts',
  operationId: 'listListContacts',
  auth: 'marketer',
  summary: 'The list resolved now, page by page (`total=true` also counts every member)',
  description:
    'The list resolved now, page by page; `total=true` also counts every member (which reads the whole list).',
  tag: 'lists',
  status: 200,
  params: IdParams,
  query: ListContactsQuery,
  response: z.extend(page(ListMember), { total: z.optional(z.number().check(z.int())) }),
  tables: { app: 'read', contacts: 'read' },
});
