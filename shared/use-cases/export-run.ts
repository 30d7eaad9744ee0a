/**
 * Writing a CSV export, in Lambda-sized steps (the `exports` queue's worker), streamed to S3 as a
 * multipart upload whose parts may be written by different invocations:
 * - each part holds whole pages of the source (a contacts Scan page, a report page) and is written
 *   when it reaches S3's 5 MB minimum; the job's checkpoint then records the part and the cursor
 *   after its last page, in one conditional write;
 * - a step that crashes redoes the pages since the last checkpoint and uploads the same part
 *   number again, which replaces it: no row is written twice;
 * - at the end of the source the last part (any size) is written and the upload completed.
 * Cells are escaped against CSV injection (shared/domain/csv.ts) and the file starts with a BOM,
 * so a spreadsheet opens it as written.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { bulkJobs, type JobMovedError } from '#shared/adapters/dynamodb/bulk-jobs.ts';
import { dynamo, tableName } from '#shared/adapters/dynamodb/client.ts';
import * as multipart from '#shared/adapters/s3/objects.ts';
import { minPartBytes } from '#shared/adapters/s3/objects.ts';
import { csvLine, utf8Bom } from '#shared/domain/csv.ts';
import type { ContactState } from '#shared/domain/contact.ts';
import { DomainError } from '#shared/domain/errors.ts';
import { newId } from '#shared/domain/ids.ts';
import { logger } from '#shared/observability/logger.ts';
import { allTypes } from './imports.ts';
import { type ExportJob, moved } from './exports.ts';
import { recipientReport } from './recipient-report.ts';

/** A step stops taking pages when less than this is left of its invocation. */
const reserveMs = 30_000;

const contactAttributes = [
  'id',
  'email',
  'firstName',
  'lastName',
  'locale',
  'fields',
  'interests',
  'consent',
  'subscriptions',
  'suppressed',
  'createdAt',
  'updatedAt',
];

const contactHeader = (types: ReadonlyArray<{ name: string }>) => [
  'id',
  'email',
  'first_name',
  'last_name',
  'locale',
  'consent',
  'legal_basis',
  'consent_source',
  'consent_at',
  'suppressed',
  'interests',
  'fields',
  ...types.flatMap((t) => [t.name, `${t.name} source`, `${t.name} at`]),
  'created_at',
  'updated_at',
];

const contactRow = (c: ContactState, types: ReadonlyArray<{ id: string }>) => [
  c.id,
  c.email,
  c.firstName,
  c.lastName,
  c.locale,
  c.consent.status,
  c.consent.legalBasis,
  c.consent.source,
  c.consent.at,
  c.suppressed,
  (c.interests ?? []).join(' | '),
  c.fields && Object.keys(c.fields).length ? JSON.stringify(c.fields) : '',
  ...types.flatMap((t) => {
    const s = c.subscriptions[t.id];
    return [s?.status, s?.source, s?.at];
  }),
  c.createdAt,
  c.updatedAt,
];

const recipientHeader = ['contact_id', 'email', 'verdict', 'reason', 'status', 'detail'];

/** One page of the source: its CSV lines and the cursor after it (undefined at the end). */
const nextPage = async (job: ExportJob): Promise<{ lines: string[]; cursor: string | undefined }> => {
  if (job.kind === 'recipients') {
    const page = await recipientReport(job.mailingId as string, {}, 100, job.cursor);
    return {
      lines: page.items.map((r) => csvLine([r.contactId, r.email, r.verdict, r.reason, r.status, r.detail])),
      cursor: page.nextCursor ?? undefined,
    };
  }
  const result = await dynamo.send(
    new ScanCommand({
      TableName: tableName('contacts'),
      // Contact items only: the rest of the table (history, memberships, claims) is read and dropped.
      FilterExpression: 'sk = :profile',
      ProjectionExpression: contactAttributes.map((_, i) => `#a${i}`).join(', '),
      ExpressionAttributeNames: Object.fromEntries(contactAttributes.map((a, i) => [`#a${i}`, a])),
      ExpressionAttributeValues: { ':profile': 'PROFILE' },
      ...(job.cursor ? { ExclusiveStartKey: JSON.parse(job.cursor) } : {}),
    }),
  );
  const filter = job.filter ?? {};
  const lines: string[] = [];
  for (const item of result.Items ?? []) {
    const c = { fields: {}, interests: [], subscriptions: {}, ...item } as unknown as ContactState;
    if (filter.consent && c.consent?.status !== filter.consent) continue;
    if (filter.subscribedTo) {
      const s = c.subscriptions[filter.subscribedTo]?.status;
      if (s !== 'subscribed' && s !== 'pending') continue;
    }
    lines.push(csvLine(contactRow(c, job.typeColumns ?? [])));
  }
  return { lines, cursor: result.LastEvaluatedKey ? JSON.stringify(result.LastEvaluatedKey) : undefined };
};

/**
 * One step of an export. Returns whether another step is needed (the worker then queues one).
 * 1. Read the job; a finished one, or one another worker holds, needs nothing. `created` →
 *    `running`: the type columns are fixed and the multipart upload started.
 * 2. Pages from the checkpoint on, into a buffer; at 5 MB the buffer becomes the next part, then a
 *    checkpoint. When time runs short, what is buffered is dropped (the next step reads it again).
 * 3. At the end of the source: the last part, the upload completed, `done`.
 */
export const runExportStep = async (
  jobId: string,
  remainingMs: () => number,
  options: { now?: () => number } = {},
): Promise<{ more: boolean }> => {
  const now = options.now ?? Date.now;
  let job = await bulkJobs.get<ExportJob>('EXPORT', jobId);
  if (!job || job.status === 'done' || job.status === 'failed') return { more: false };
  if (job.leaseUntil && job.leaseUntil > now()) return { more: false };
  try {
    const lease = { lease: newId(), leaseUntil: now() + remainingMs() };
    if (job.status === 'created') {
      const types = job.kind === 'contacts' ? await allTypes() : [];
      const started = moved(job, 'started') as ExportJob;
      job = await bulkJobs.save('EXPORT', {
        ...started,
        ...lease,
        typeColumns: types.map((t) => ({ id: t.id, name: t.name })),
        upload: await multipart.start('exports', job.key),
      });
    } else job = await bulkJobs.save('EXPORT', { ...job, ...lease });
  } catch (error) {
    if ((error as JobMovedError).name === 'JobMovedError') return { more: false };
    throw error;
  }

  // 2.
  const upload = job.upload as NonNullable<ExportJob['upload']>;
  const first = upload.parts.length === 0 && !job.cursor;
  let buffer: string[] = first
    ? [utf8Bom, csvLine(job.kind === 'contacts' ? contactHeader(job.typeColumns ?? []) : recipientHeader)]
    : [];
  let bytes = 0;
  let rows = 0;
  let cursor = job.cursor;
  for (;;) {
    let page: Awaited<ReturnType<typeof nextPage>>;
    try {
      page = await nextPage({ ...job, ...(cursor ? { cursor } : { cursor: undefined }) } as ExportJob);
    } catch (error) {
      // What the export reads is gone (the mailing was deleted): a job error, not a retry.
      if (!(error instanceof DomainError)) throw error;
      await multipart.abort('exports', job.key, upload).catch(() => undefined);
      await bulkJobs.save('EXPORT', {
        ...(moved(job, 'failed') as ExportJob),
        error: { line: 0, column: null, code: 'source_gone', message: error.message },
        finishedAt: new Date(now()).toISOString(),
        lease: undefined,
        leaseUntil: 0,
      });
      return { more: false };
    }
    buffer.push(...page.lines);
    rows += page.lines.length;
    bytes += page.lines.reduce((n, l) => n + Buffer.byteLength(l), 0);
    cursor = page.cursor;
    const atEnd = cursor === undefined;
    if (atEnd || bytes >= minPartBytes) {
      const body = Buffer.from(buffer.join(''), 'utf8');
      const part = await multipart.part('exports', job.key, upload, upload.parts.length + 1, body);
      const parts = [...upload.parts, part];
      if (atEnd) {
        await multipart.complete('exports', job.key, { ...upload, parts });
        job = await bulkJobs.save('EXPORT', {
          ...(moved(job, 'finished') as ExportJob),
          upload: { ...upload, parts },
          rows: job.rows + rows,
          bytes: job.bytes + body.length,
          cursor: undefined,
          finishedAt: new Date(now()).toISOString(),
          lease: undefined,
          leaseUntil: 0,
        });
        logger.info('export done', { jobId, rows: job.rows, bytes: job.bytes, parts: parts.length });
        return { more: false };
      }
      upload.parts = parts;
      job = await bulkJobs.save('EXPORT', {
        ...job,
        upload: { ...upload },
        rows: job.rows + rows,
        bytes: job.bytes + body.length,
        cursor,
      });
      buffer = [];
      bytes = 0;
      rows = 0;
    }
    if (remainingMs() < reserveMs) break;
  }
  // Out of time: what is buffered since the last part is read again by the next step.
  await bulkJobs.save('EXPORT', { ...job, lease: undefined, leaseUntil: 0 });
  return { more: true };
};
