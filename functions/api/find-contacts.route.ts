import * as z from '#shared/schema/z.ts';
import { defineRoute, documented } from '#shared/http/contract.ts';
import { page, pageFields } from '#shared/http/schemas/common.ts';
import { Contact } from '#shared/http/schemas/contact.ts';
import { Email } from '#shared/http/schemas/email.ts';

const FindContactsQuery = z.object({ ...pageFields, email: Email });

/** The contract of `GET /contacts`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'GET',
  path: '/contacts',
  entry: 'functions/api/find-contacts.ts',
  operationId: 'findContacts',
  auth: 'marketer',
  tag: 'contacts',
  status: 200,
  query: FindContactsQuery,
  tables: { contacts: 'read' },
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary: 'Find the contact with an e-mail address: a list of zero or one',
  description: 'Finds the contact with an address (compared case-insensitively): a list of zero or one.',
  response: page(Contact),
}));
