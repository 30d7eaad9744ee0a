/**
 * CSV import jobs, the request side: create one (with an upload URL, or with the CSV the request
 * carries) and read one back. The work itself is shared/use-cases/import-run.ts, in the worker.
 */
import { bulkJobs, type JobBase } from '#shared/adapters/dynamodb/bulk-jobs.ts';
import * as subscriptionTypes from '#shared/adapters/dynamodb/subscription-types.ts';
import { presignGet, presignPut, putObject } from '#shared/adapters/s3/objects.ts';
import type { Actor } from '#shared/domain/api-key.ts';
import {
  type ImportCounts,
  type ImportStatus,
  importTransition,
  type LineError,
  maxImportBytes,
  maxInlineCsvBytes,
  zeroCounts,
} from '#shared/domain/bulk-jobs.ts';
import {
  bomLength,
  CsvReader,
  CsvStructureError,
  detectDelimiter,
  notCsvReason,
} from '#shared/domain/csv.ts';
import { NotFoundError, ValidationError } from '#shared/domain/errors.ts';
import { newId } from '#shared/domain/ids.ts';
import { type ImportDefaults, type ImportMode, mapColumns, type TypeRef } from '#shared/domain/import.ts';
import type { SubscriptionType } from '#shared/domain/subscription-type.ts';
import { logger } from '#shared/observability/logger.ts';

/** How long an upload URL works, and a download URL of a results file. */
export const urlSeconds = 3600;
/** Jobs and their files are kept this long. */
const keepDays = 7;
/** Errors and skips a job keeps to show; every one is in the results file. */
export const shownProblems = 100;

/** Object keys of one import job, in the imports bucket. */
export const importKeys = {
  upload: (id: string) => `imports/${id}/upload.csv`,
  parsed: (id: string) => `imports/${id}/parsed.json`,
  resultsPart: (id: string, batch: number) => `imports/${id}/results/${String(batch).padStart(7, '0')}.csv`,
  results: (id: string) => `imports/${id}/results.csv`,
};

/** The job as stored (app table, shared/adapters/dynamodb/bulk-jobs.ts). */
export interface ImportJob extends JobBase {
  status: ImportStatus;
  mode: ImportMode;
  dryRun: boolean;
  defaults: ImportDefaults;
  /** Header → target overrides of the column mapping. */
  columns?: Record<string, string>;
  /** The CSV came in the request body. */
  inline: boolean;
  uploadExpiresAt?: string;
  size?: number;
  /** Data rows in the file (known once parsed). */
  total?: number;
  /** Where the next step reads from: byte offset and the row number there. */
  offset: number;
  row: number;
  /** Checkpoints written (each after a batch of rows); numbers the results parts. */
  batches: number;
  counts: ImportCounts;
  errors: LineError[];
  skips: LineError[];
  ignoredColumns: string[];
  /** Why the job failed as a whole (nothing was written when it failed before running). */
  error?: LineError & { code: string };
  /** Batches that wrote a part of the results file. */
  resultBatches: number[];
  resultsKey?: string;
  confirmationsQueued: number;
  finishedAt?: string;
}

export interface CreateImportInput {
  format: 'csv';
  mode?: ImportMode;
  dryRun?: boolean;
  defaults?: ImportDefaults;
  columns?: Record<string, string>;
  csv?: string;
}

/** Every subscription type (for mapping columns by name), page by page. */
export const allTypes = async (): Promise<SubscriptionType[]> => {
  const out: SubscriptionType[] = [];
  let cursor: string | undefined;
  do {
    const page = await subscriptionTypes.list(100, cursor);
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
};

const invalid = (path: string, code: string, message: string) =>
  new ValidationError('The import cannot start', [{ path, code, message }]);

/**
 * The header of a CSV given in a request, mapped now: a file that cannot be imported is a 422
 * before anything is stored. (An uploaded file is checked the same way when the job parses it.)
 */
const checkInlineHeader = (
  bytes: Buffer,
  types: readonly TypeRef[],
  columns: Record<string, string> | undefined,
) => {
  const reason = notCsvReason(bytes);
  if (reason) throw invalid('body.csv', 'not_csv', reason);
  const bom = bomLength(bytes);
  const reader = new CsvReader({ delimiter: detectDelimiter(bytes.subarray(bom)), offset: bom });
  let header: string[] | undefined;
  try {
    const records = reader.push(bytes.subarray(bom));
    header = (records[0] ?? reader.finish()[0])?.cells;
  } catch (error) {
    if (error instanceof CsvStructureError) throw invalid('body.csv', error.code, error.message);
    throw error;
  }
  if (!header)
    throw invalid('body.csv', 'empty_file', 'The file is empty: it needs a header row and data rows');
  const mapped = mapColumns(header, types, columns);
  if (!mapped.ok)
    throw invalid(mapped.error.column ? `body.columns` : 'body.csv', mapped.error.code, mapped.error.message);
};

/**
 * Create an import job.
 * Input: mode, dry run, defaults, column overrides, optionally the CSV itself (≤ 1 MB); the caller.
 * Output: the job (201), with an upload URL when the CSV is not in the request.
 * 1. Check the defaults: each default subscription names a type that exists (and, to subscribe,
 *    is not archived); a default grant of consent needs a default source (422 otherwise).
 * 2. With the CSV in the body: check its header maps (an e-mail column, known types) — 422 if not.
 * 3. Store the job (`uploading`).
 * 4. With the CSV: store it as the job's upload, whose S3 event starts the job. Without: a presigned
 *    PUT URL for the upload (1 h); the upload starts the job.
 */
export const createImport = async (input: CreateImportInput, actor: Actor) => {
  // 1. Defaults.
  const defaults = input.defaults ?? {};
  const defaultTypes = Object.keys(defaults.subscriptions ?? {});
  const known = defaultTypes.length ? await subscriptionTypes.getMany(defaultTypes) : new Map();
  for (const [typeId, status] of Object.entries(defaults.subscriptions ?? {})) {
    const type = known.get(typeId);
    if (!type)
      throw invalid(`body.defaults.subscriptions.${typeId}`, 'unknown_type', 'No such subscription type');
    if (type.archived && status === 'subscribed')
      throw invalid(
        `body.defaults.subscriptions.${typeId}`,
        'type_archived',
        'Archived types take no new subscriptions',
      );
  }
  if (defaults.consent?.status === 'granted' && !defaults.source)
    throw invalid(
      'body.defaults.source',
      'consent_source_required',
      'A default grant of consent needs the source it was collected from',
    );

  // 2. The CSV in the body.
  const inline = input.csv !== undefined ? Buffer.from(input.csv, 'utf8') : undefined;
  if (inline) {
    if (inline.length > maxInlineCsvBytes)
      throw invalid('body.csv', 'too_large', 'A CSV in the request is at most 1 MB: upload larger files');
    checkInlineHeader(inline, await allTypes(), input.columns);
  }

  // 3. The job.
  const now = new Date();
  const id = newId(now.getTime());
  const uploadExpiresAt = new Date(now.getTime() + urlSeconds * 1000).toISOString();
  const status = importTransition('created', 'uploadRequested') as ImportStatus;
  const job: ImportJob = {
    id,
    version: 1,
    status,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    createdBy: actor.keyId,
    expiresAt: Math.floor(now.getTime() / 1000) + keepDays * 86400,
    mode: input.mode ?? 'add',
    dryRun: input.dryRun ?? false,
    defaults,
    ...(input.columns ? { columns: input.columns } : {}),
    inline: Boolean(inline),
    ...(inline ? {} : { uploadExpiresAt }),
    offset: 0,
    row: 1,
    batches: 0,
    counts: zeroCounts(),
    errors: [],
    skips: [],
    ignoredColumns: [],
    resultBatches: [],
    confirmationsQueued: 0,
  };
  await bulkJobs.create('IMPORT', job);

  // 4. The upload.
  if (inline) {
    await putObject('imports', importKeys.upload(id), inline);
    logger.info('import created', { jobId: id, inline: true, bytes: inline.length, dryRun: job.dryRun });
    return viewOf(job);
  }
  const url = await presignPut('imports', importKeys.upload(id), urlSeconds);
  logger.info('import created', { jobId: id, inline: false, dryRun: job.dryRun });
  return {
    ...(await viewOf(job)),
    upload: { url, method: 'PUT' as const, expiresAt: uploadExpiresAt, maxBytes: maxImportBytes },
  };
};

/** The job as GET /imports/{id} shows it; a results file comes as a fresh download URL (1 h). */
export const viewOf = async (job: ImportJob) => ({
  id: job.id,
  status: job.status,
  mode: job.mode,
  dryRun: job.dryRun,
  total: job.total ?? null,
  ...job.counts,
  errors: job.errors,
  skips: job.skips,
  ignoredColumns: job.ignoredColumns,
  error: job.error ?? null,
  resultsUrl: job.resultsKey
    ? await presignGet('imports', job.resultsKey, urlSeconds, `import-${job.id}-results.csv`)
    : null,
  confirmationsQueued: job.confirmationsQueued,
  createdAt: job.createdAt,
  updatedAt: job.updatedAt,
  finishedAt: job.finishedAt ?? null,
});

/** GET /imports/{id}. */
export const getImport = async (id: string) => {
  const job = await bulkJobs.get<ImportJob>('IMPORT', id);
  if (!job) throw new NotFoundError('Import not found');
  return viewOf(job);
};
