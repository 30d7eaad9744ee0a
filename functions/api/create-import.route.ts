import * as z from '#shared/schema/z.ts';
import { grantSources, importModes, plainTargets } from '#shared/domain/import.ts';
import { defineRoute, documented } from '#shared/http/contract.ts';
import { ImportJob } from '#shared/http/schemas/bulk-jobs.ts';
import { Id } from '#shared/http/schemas/common.ts';
import { LegalBasis } from '#shared/http/schemas/contact.ts';

const CreateImport = z
  .strictObject({
    format: z.literal('csv'),
    mode: z.optional(
      z
        .enum(importModes)
        .check(
          z.describe(
            '`add` (default): new contacts, and what existing ones lack; `update`: also replaces profile values the file states (and a grant of consent needs evidence)',
          ),
        ),
    ),
    dryRun: z.optional(z.boolean().check(z.describe('Decide every row and count, write nothing'))),
    defaults: z.optional(
      z.strictObject({
        consent: z.optional(
          z.strictObject({
            status: z.literal('granted'),
            legalBasis: z.optional(LegalBasis),
            evidence: z.optional(
              z.strictObject({
                text: z.optional(z.string().check(z.minLength(1), z.maxLength(5000))),
                textVersion: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
              }),
            ),
          }),
        ),
        subscriptions: z.optional(
          z
            .record(Id, z.enum(['subscribed', 'unsubscribed']))
            .check(z.refine((s) => Object.keys(s).length <= 100, 'At most 100 types')),
        ),
        source: z.optional(z.enum(grantSources).check(z.describe('Where granted consent was collected'))),
      }),
    ),
    columns: z.optional(
      z
        .record(
          z.string().check(z.minLength(1), z.maxLength(200)),
          z.string().check(z.minLength(1), z.maxLength(200)),
        )
        .check(
          z.refine((c) => Object.keys(c).length <= 200, 'At most 200 columns'),
          z.describe(
            `Header → what the column holds, overriding the headers' own meaning: ${plainTargets.join(', ')}, \`fields.<name>\`, \`subscriptions.<type id or name>\` or \`ignore\``,
          ),
        ),
    ),
    csv: z.optional(
      z
        .string()
        .check(
          z.maxLength(1_048_576),
          z.describe('The CSV itself, for files up to 1 MB; without it the answer has an upload URL'),
        ),
    ),
  })
  .check(
    z.meta({
      id: 'CreateImportRequest',
      description: 'A CSV import job. Unknown fields are rejected with 422.',
    }),
  );

/** The contract of `POST /imports`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'POST',
  path: '/imports',
  entry: 'functions/api/create-import.ts',
  operationId: 'createImport',
  auth: 'marketer',
  tag: 'imports',
  status: 201,
  body: CreateImport,
  tables: { app: 'write' },
  buckets: { imports: 'write' },
  idempotent: true,
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary: 'Start a CSV import (with the CSV, or answering an upload URL)',
  description:
    'Creates an import job. With `csv` in the body (up to 1 MB) the job starts at once; otherwise the answer carries `upload.url`, a presigned PUT for a file of up to 200 MB / 1,000,000 rows, and the upload starts the job. Columns are read by header (e-mail, names, locale, `fields.<name>`, consent and its source and evidence, subscription types by id or name, interests), UTF-8 with or without BOM, comma or semicolon. No import ever downgrades consent or a subscription, or overrides a choice the person made themselves: such rows are skipped with the reason. `dryRun` answers the same counts and errors without writing. Follow the job with `GET /imports/{id}`.',
  response: ImportJob,
}));
