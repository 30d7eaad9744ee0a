import { defineRoute } from '#shared/http/contract.ts';
import { ImportContacts, ImportResults } from '#shared/http/schemas/contacts.ts';

/** The contract of `POST /contacts/batch`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'POST',
  path: '/contacts/batch',
  entry: 'functions/api/import-contacts.ts',
  operationId: 'importContacts',
  auth: 'marketer',
  summary: 'Upsert up to 1000 contacts by e-mail address; one result per item (200 even if some failed)',
  description:
    "Creates or updates up to 1000 contacts by address, each validated on its own: one result per item, 200 even when some failed. An import never downgrades a choice the person made themselves. Double opt-in confirmations are queued and mailed at the account's SES rate.",
  tag: 'contacts',
  status: 200,
  body: ImportContacts,
  response: ImportResults,
  tables: { contacts: 'write', app: 'read' },
  secrets: ['signing'],
  // Double opt-in confirmations go out through the paced mail worker.
  queues: ['mail'],
});
