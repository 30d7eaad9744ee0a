import { defineRoute } from '#shared/http/contract.ts';
import { Suppression } from '#shared/http/schemas/contacts.ts';
import { CreateSuppression } from '#shared/http/schemas/feedback.ts';

/** The contract of `POST /suppressions`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'POST',
  path: '/suppressions',
  entry: 'functions/api/create-suppression.ts',
  operationId: 'createSuppression',
  auth: 'admin',
  summary:
    'Suppress an address by hand: no mailing reaches it again, override or not (409 if it is suppressed already; recorded in the audit log)',
  description:
    'Suppresses an address by hand: no mailing reaches it again, consent override or not. 409 when it is suppressed already. Recorded in the audit log.',
  tag: 'suppressions',
  status: 201,
  body: CreateSuppression,
  response: Suppression,
  tables: { contacts: 'write', app: 'write' },
  secrets: ['signing'],
  idempotent: true,
});
