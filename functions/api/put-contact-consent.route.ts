import { defineRoute, documented } from '#shared/http/contract.ts';
import { IdParams } from '#shared/http/schemas/common.ts';
import { Contact } from '#shared/http/schemas/contact.ts';
import { PutConsent } from '#shared/http/schemas/contact-change-input.ts';

/** The contract of `PUT /contacts/{id}/consent`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'PUT',
  path: '/contacts/{id}/consent',
  entry: 'functions/api/put-contact-consent.ts',
  operationId: 'putContactConsent',
  auth: 'marketer',
  tag: 'contacts',
  status: 200,
  params: IdParams,
  body: PutConsent,
  tables: { contacts: 'write' },
  secrets: ['signing'],
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary:
    'Grant or withdraw e-marketing consent, with legal basis, source and evidence; withdrawal stops all marketing',
  description:
    'Grants or withdraws e-marketing consent, with legal basis, source and evidence. A withdrawal stops all marketing, whatever the subscriptions.',
  response: Contact,
}));
