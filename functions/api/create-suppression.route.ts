import * as z from '#shared/schema/z.ts';
import { defineRoute, documented } from '#shared/http/contract.ts';
import { Email } from '#shared/http/schemas/email.ts';
import { Suppression } from '#shared/http/schemas/suppression.ts';

const CreateSuppression = z
  .strictObject({
    email: Email,
    reason: z.enum(['manual', 'hard_bounce', 'soft_bounce', 'complaint']),
  })
  .check(z.meta({ id: 'CreateSuppressionRequest' }));

/** The contract of `POST /suppressions`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'POST',
  path: '/suppressions',
  entry: 'functions/api/create-suppression.ts',
  operationId: 'createSuppression',
  auth: 'admin',
  tag: 'suppressions',
  status: 201,
  body: CreateSuppression,
  tables: { contacts: 'write', app: 'write' },
  secrets: ['signing'],
  mirrorsSuppressions: true,
  idempotent: true,
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary:
    'Suppress an address by hand: no mailing reaches it again, override or not (409 if it is suppressed already; recorded in the audit log)',
  description:
    'Suppresses an address by hand: no mailing reaches it again, consent override or not. 409 when it is suppressed already. Recorded in the audit log.',
  response: Suppression,
}));
