import * as z from '#shared/schema/z.ts';
import { Timestamp } from './common.ts';

/** A problem with one row (line 0: the file as a whole). */
export const LineProblem = z
  .object({
    line: z.number().check(z.int(), z.describe('The row as a spreadsheet numbers it: the header is row 1')),
    column: z.nullable(z.string().check(z.describe('The header of the column, when one is at fault'))),
    code: z.string(),
    message: z.string(),
  })
  .check(z.meta({ id: 'LineProblem' }));

export const ImportJob = z
  .object({
    id: z.string(),
    status: z.enum(['created', 'uploading', 'parsing', 'running', 'done', 'failed']),
    mode: z.enum(['add', 'update']),
    dryRun: z.boolean(),
    total: z.nullable(z.number().check(z.int(), z.describe('Data rows in the file, once parsed'))),
    processed: z.number().check(z.int()),
    created: z.number().check(z.int()),
    updated: z.number().check(z.int()),
    unchanged: z.number().check(z.int()),
    skipped: z.number().check(z.int(), z.describe('Rows the consent-safe merge refused; `skips` says why')),
    failed: z.number().check(z.int()),
    errors: z
      .array(LineProblem)
      .check(z.describe('Failed rows, the first 100; every one is in the results file')),
    skips: z.array(LineProblem).check(z.describe('Skipped rows and why, the first 100')),
    ignoredColumns: z
      .array(z.string())
      .check(z.describe('Headers that mean nothing here (a typo shows up here)')),
    error: z.nullable(LineProblem),
    resultsUrl: z.nullable(
      z
        .string()
        .check(z.describe('Every failed and skipped row, with why, as CSV: a download URL valid 1 hour')),
    ),
    confirmationsQueued: z.number().check(z.int(), z.describe('Double opt-in confirmation mails queued')),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    finishedAt: z.nullable(Timestamp),
    upload: z.optional(
      z
        .object({
          url: z.string(),
          method: z.literal('PUT'),
          expiresAt: Timestamp,
          maxBytes: z.number().check(z.int()),
        })
        .check(z.describe('PUT the CSV file here (once, within the hour): the upload starts the job')),
    ),
  })
  .check(z.meta({ id: 'ImportJob' }));

export const ExportJob = z
  .object({
    id: z.string(),
    kind: z.enum(['contacts', 'recipients']),
    status: z.enum(['created', 'running', 'done', 'failed']),
    mailingId: z.nullable(z.string()),
    rows: z.number().check(z.int()),
    bytes: z.number().check(z.int()),
    url: z.nullable(
      z.string().check(z.describe('The CSV file once done: a download URL valid 1 hour from this answer')),
    ),
    urlExpiresAt: z.nullable(Timestamp),
    error: z.nullable(LineProblem),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    finishedAt: z.nullable(Timestamp),
  })
  .check(z.meta({ id: 'ExportJob' }));
