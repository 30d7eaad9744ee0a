import * as z from '#shared/schema/z.ts';
import { defineRoute, documented } from '#shared/http/contract.ts';
import { IdParams, Timestamp } from '#shared/http/schemas/common.ts';

const ErasedContact = z
  .object({ id: z.string(), erased: z.literal(true), at: Timestamp })
  .check(z.meta({ id: 'ErasedContact' }));

/** The contract of `DELETE /contacts/{id}`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'DELETE',
  path: '/contacts/{id}',
  entry: 'functions/api/delete-contact.ts',
  operationId: 'eraseContact',
  auth: 'admin',
  tag: 'contacts',
  status: 200,
  params: IdParams,
  tables: { contacts: 'write', app: 'write' },
  secrets: ['signing'],
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary:
    'Erase a contact (GDPR Art. 17): personal data is removed everywhere; the address stays suppressed (reason `erased`) by a keyed fingerprint until the person grants consent again. Recorded in the audit log.',
  description:
    'Erases a contact (GDPR Art. 17): the profile, history, memberships and address claims go; only a keyed fingerprint of the address stays, as a suppression with reason `erased`, until the person grants consent again. Recorded in the audit log.',
  response: ErasedContact,
}));
