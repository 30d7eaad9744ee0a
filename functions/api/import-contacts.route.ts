import * as z from '#shared/schema/z.ts';
import { defineRoute, documented } from '#shared/http/contract.ts';
import { ErrorDetail } from '#shared/http/schemas/error.ts';
import { ImportContacts } from '#shared/http/schemas/contact-input.ts';

const ImportResults = z
  .object({
    results: z.array(
      z.object({
        index: z.number().check(z.int()),
        status: z.enum(['created', 'updated', 'unchanged', 'failed']),
        id: z.optional(z.string()),
        error: z.optional(z.object({ code: z.string(), message: z.string(), details: z.array(ErrorDetail) })),
      }),
    ),
  })
  .check(z.meta({ id: 'ImportResults' }));

/** The contract of `POST /contacts/batch`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'POST',
  path: '/contacts/batch',
  entry: 'functions/api/import-contacts.ts',
  operationId: 'importContacts',
  auth: 'marketer',
  tag: 'contacts',
  status: 200,
  body: ImportContacts,
  tables: { contacts: 'write', app: 'read' },
  secrets: ['signing'],
  // Double opt-in confirmations go out through the paced mail worker.
  queues: ['mail'],
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary: 'Upsert up to 1000 contacts by e-mail address; one result per item (200 even if some failed)',
  description:
    "Creates or updates up to 1000 contacts by address, each validated on its own: one result per item, 200 even when some failed. An import never downgrades a choice the person made themselves. Double opt-in confirmations are queued and mailed at the account's SES rate.",
  response: ImportResults,
}));
