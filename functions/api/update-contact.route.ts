import { defineRoute, documented } from '#shared/http/contract.ts';
import { IdParams } from '#shared/http/schemas/common.ts';
import { Contact } from '#shared/http/schemas/contact.ts';
import { UpdateContact } from '#shared/http/schemas/contact-input.ts';

/** The contract of `PATCH /contacts/{id}`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'PATCH',
  path: '/contacts/{id}',
  entry: 'functions/api/update-contact.ts',
  operationId: 'updateContact',
  auth: 'marketer',
  tag: 'contacts',
  status: 200,
  params: IdParams,
  body: UpdateContact,
  tables: { contacts: 'write' },
  secrets: ['signing'],
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary: 'Change address, profile, custom fields or interests (add/remove or replace)',
  description:
    'Changes the address, the name, the locale, custom fields or interests (added, removed or replaced). Which attributes changed is recorded in the history, never their values.',
  response: Contact,
}));
