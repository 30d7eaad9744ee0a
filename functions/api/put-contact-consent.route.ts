import { defineRoute } from '#shared/http/contract.ts';
import { IdParams } from '#shared/http/schemas/common.ts';
import { Contact } from '#shared/http/schemas/contact.ts';
import { PutConsent } from '#shared/http/schemas/contact-input.ts';

/** The contract of `PUT /contacts/{id}/consent`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'PUT',
  path: '/contacts/{id}/consent',
  entry: 'functions/api/put-contact-consent.ts',
  operationId: 'putContactConsent',
  auth: 'marketer',
  summary:
    'Grant or withdraw e-marketing consent, with legal basis, source and evidence; withdrawal stops all marketing',
  description:
    'Grants or withdraws e-marketing consent, with legal basis, source and evidence. A withdrawal stops all marketing, whatever the subscriptions.',
  tag: 'contacts',
  status: 200,
  params: IdParams,
  body: PutConsent,
  response: Contact,
  tables: { contacts: 'write' },
  secrets: ['signing'],
});
