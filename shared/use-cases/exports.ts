/**
 * CSV export jobs, the request side: create one and read one back (with a download URL once it is
 * written). The work is shared/use-cases/export-run.ts, in the worker.
 */
import { bulkJobs, type JobBase } from '#shared/adapters/dynamodb/bulk-jobs.ts';
import * as mailings from '#shared/adapters/dynamodb/mailings.ts';
import * as subscriptionTypes from '#shared/adapters/dynamodb/subscription-types.ts';
import type { MultipartState } from '#shared/adapters/s3/objects.ts';
import { presignGet } from '#shared/adapters/s3/objects.ts';
import { sendMessage } from '#shared/adapters/sqs/client.ts';
import type { Actor } from '#shared/domain/api-key.ts';
import { type ExportStatus, exportTransition, type LineError } from '#shared/domain/bulk-jobs.ts';
import type { ConsentStatus } from '#shared/domain/contact.ts';
import { NotFoundError, ValidationError } from '#shared/domain/errors.ts';
import { newId } from '#shared/domain/ids.ts';
import { logger } from '#shared/observability/logger.ts';

/** How long a download URL works. */
export const downloadSeconds = 3600;
const keepDays = 7;

export interface ExportFilter {
  /** Contacts subscribed (or pending) to this type. */
  subscribedTo?: string;
  consent?: ConsentStatus;
}

export interface ExportJob extends JobBase {
  status: ExportStatus;
  kind: 'contacts' | 'recipients';
  mailingId?: string;
  filter?: ExportFilter;
  key: string;
  /** The subscription types as columns, fixed when the job starts. */
  typeColumns?: Array<{ id: string; name: string }>;
  rows: number;
  bytes: number;
  /** Where the next step reads from (a Scan key or a report cursor), after the last part written. */
  cursor?: string;
  upload?: MultipartState;
  error?: LineError;
  finishedAt?: string;
}

export interface CreateExportInput {
  kind: 'contacts' | 'recipients';
  mailingId?: string;
  filter?: ExportFilter;
}

const invalid = (path: string, code: string, message: string) =>
  new ValidationError('The export cannot start', [{ path, code, message }]);

/**
 * Create an export job.
 * Input: what to export (`contacts`, optionally filtered; or a mailing's `recipients`); the caller.
 * Output: the job (201); the worker writes the file and GET /exports/{id} hands out its URL.
 * 1. Check the request: a recipients export names a mailing that exists; a filter's type exists.
 * 2. Store the job (`created`) and queue its first step.
 */
export const createExport = async (input: CreateExportInput, actor: Actor) => {
  if (input.kind === 'recipients') {
    if (!input.mailingId)
      throw invalid('body.mailingId', 'required', 'A recipients export names its mailing');
    if (input.filter) throw invalid('body.filter', 'not_allowed', 'A recipients export takes no filter');
    if (!(await mailings.getStored(input.mailingId)))
      throw invalid('body.mailingId', 'unknown_mailing', 'No mailing with this id');
  } else {
    if (input.mailingId)
      throw invalid('body.mailingId', 'not_allowed', 'Only a recipients export names a mailing');
    const typeId = input.filter?.subscribedTo;
    if (typeId && !(await subscriptionTypes.get(typeId)))
      throw invalid('body.filter.subscribedTo', 'unknown_type', 'No subscription type with this id');
  }
  const now = new Date();
  const id = newId(now.getTime());
  const job: ExportJob = {
    id,
    version: 1,
    status: 'created',
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    createdBy: actor.keyId,
    expiresAt: Math.floor(now.getTime() / 1000) + keepDays * 86400,
    kind: input.kind,
    ...(input.mailingId ? { mailingId: input.mailingId } : {}),
    ...(input.filter ? { filter: input.filter } : {}),
    key: `exports/${id}.csv`,
    rows: 0,
    bytes: 0,
  };
  await bulkJobs.create('EXPORT', job);
  await sendMessage('exports', JSON.stringify({ jobId: id }));
  logger.info('export created', { jobId: id, kind: job.kind });
  return viewOf(job);
};

const viewOf = async (job: ExportJob) => {
  const done = job.status === 'done';
  return {
    id: job.id,
    kind: job.kind,
    status: job.status,
    mailingId: job.mailingId ?? null,
    rows: job.rows,
    bytes: job.bytes,
    url: done
      ? await presignGet('exports', job.key, downloadSeconds, `${job.kind}-${job.createdAt.slice(0, 10)}.csv`)
      : null,
    urlExpiresAt: done ? new Date(Date.now() + downloadSeconds * 1000).toISOString() : null,
    error: job.error ?? null,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    finishedAt: job.finishedAt ?? null,
  };
};

/** GET /exports/{id}. */
export const getExport = async (id: string) => {
  const job = await bulkJobs.get<ExportJob>('EXPORT', id);
  if (!job) throw new NotFoundError('Export not found');
  return viewOf(job);
};

/** Moves the job by `event`, or undefined when the event does not apply to its status. */
export const moved = (
  job: ExportJob,
  event: Parameters<typeof exportTransition>[1],
): ExportJob | undefined => {
  const status = exportTransition(job.status, event);
  return status ? { ...job, status } : undefined;
};
