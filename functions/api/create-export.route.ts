import * as z from '#shared/schema/z.ts';
import { consentStatuses } from '#shared/domain/contact.ts';
import { defineRoute, documented } from '#shared/http/contract.ts';
import { ExportJob } from '#shared/http/schemas/bulk-jobs.ts';
import { Id } from '#shared/http/schemas/common.ts';

const CreateExport = z
  .strictObject({
    kind: z.enum(['contacts', 'recipients']),
    mailingId: z.optional(
      Id.check(z.describe('The mailing whose recipient report to export (`recipients`)')),
    ),
    filter: z.optional(
      z.strictObject({
        subscribedTo: z.optional(Id.check(z.describe('Contacts subscribed (or pending) to this type'))),
        consent: z.optional(z.enum(consentStatuses)),
      }),
    ),
  })
  .check(
    z.meta({
      id: 'CreateExportRequest',
      description: 'A CSV export job. Unknown fields are rejected with 422.',
    }),
  );

/** The contract of `POST /exports`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'POST',
  path: '/exports',
  entry: 'functions/api/create-export.ts',
  operationId: 'createExport',
  auth: 'marketer',
  tag: 'exports',
  status: 201,
  body: CreateExport,
  tables: { app: 'write' },
  queues: ['exports'],
  idempotent: true,
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary: 'Start a CSV export of contacts, or of a mailing’s recipient report',
  description:
    '`contacts`: every contact (optionally those subscribed to a type, or with a consent status) with consent, legal basis, source and time, and each subscription type’s status, source and time. `recipients`: every row of a mailing’s recipient report with verdict, reason and status. Streamed to S3, any size; cells that a spreadsheet would run as a formula are escaped. Follow the job with `GET /exports/{id}`, which hands out a download URL (valid 1 hour) once done.',
  response: ExportJob,
}));
