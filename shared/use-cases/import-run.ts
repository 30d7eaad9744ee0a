/**
 * Running a CSV import job, in Lambda-sized steps (the `imports` queue's worker).
 *
 * A step holds the job under a lease (one worker at a time) and moves it along its state machine
 * (shared/domain/bulk-jobs.ts):
 * - `uploading → parsing`: the upload arrived.
 * - `parsing → running`: one pass over the whole file — size, encoding, header, row count, repeated
 *   addresses — before anyone is written; a file that cannot be imported fails here, whole.
 * - `running`: rows from the checkpoint on, in batches of {@link batchRows}; each batch is decided
 *   by the consent-safe merge (shared/domain/import.ts), written, then checkpointed (byte offset,
 *   row, counts, problems) in one conditional write of the job.
 * - `running → done`: the results file (every failed and skipped row, with why) is assembled.
 *
 * Crash safety, without transactions: a step that dies after writing a batch and before its
 * checkpoint redoes the batch, and finds its own work instead of doing it twice — a new contact's
 * id is derived from the job and the row (so its claim and item are recognised), and an update's
 * history entries carry the job id (so a contact already changed by this job is `updated`, not
 * changed again). A dry run decides every row the same way and writes nothing but the job.
 */
import { claimAll } from '#shared/adapters/dynamodb/batch-claims.ts';
import { bulkJobs, type JobMovedError } from '#shared/adapters/dynamodb/bulk-jobs.ts';
import * as contacts from '#shared/adapters/dynamodb/contacts.ts';
import { inParallel, type StoredContact } from '#shared/adapters/dynamodb/contacts.ts';
import { emailFingerprint } from '#shared/adapters/secrets/signing-keys.ts';
import * as multipart from '#shared/adapters/s3/objects.ts';
import { getText, minPartBytes, objectSize, putObject, readFrom } from '#shared/adapters/s3/objects.ts';
import {
  addCounts,
  type ImportCounts,
  ImportFileError,
  importTransition,
  type LineError,
  maxImportBytes,
  maxImportRows,
  zeroCounts,
} from '#shared/domain/bulk-jobs.ts';
import type { ChangeContext, ContactState } from '#shared/domain/contact.ts';
import {
  bomLength,
  CsvReader,
  type CsvRecord,
  CsvStructureError,
  csvLine,
  type Delimiter,
  detectDelimiter,
  notCsvReason,
} from '#shared/domain/csv.ts';
import { parseEmail } from '#shared/domain/email.ts';
import { DomainError, NotFoundError } from '#shared/domain/errors.ts';
import { derivedId, newId } from '#shared/domain/ids.ts';
import {
  type ColumnMapping,
  decideRow,
  mapColumns,
  readRow,
  type RowInput,
  type RowOutcome,
} from '#shared/domain/import.ts';
import type { SubscriptionType } from '#shared/domain/subscription-type.ts';
import { logger } from '#shared/observability/logger.ts';
import { newlyPending, type OwedConfirmations, queueConfirmations } from './double-opt-in.ts';
import { allTypes, type ImportJob, importKeys, shownProblems } from './imports.ts';

/** Rows decided and written together, then checkpointed. */
export const batchRows = 1000;
/** Batches decided and written side by side. */
const parallelBatches = 2;
/** A step stops taking batches when less than this is left of its invocation. */
const reserveMs = 30_000;
/** Batches of 25 conditional claims in flight at once. */
const claimConcurrency = 8;
/** Lookups of addresses taken since the lookup, in flight at once. */
const contestedConcurrency = 16;
/** Existing contacts changed at once. */
const updateConcurrency = 16;

/** What the parse pass learned, kept beside the upload for every later step. */
interface ParseSummary {
  headers: string[];
  mapping: ColumnMapping;
  delimiter: Delimiter;
  /** Byte offset of the first data row, and its row number. */
  dataStart: number;
  dataRow: number;
  /** Rows whose address came earlier in the file: row → the first row with it. */
  duplicates: Record<number, number>;
}

export interface StepOptions {
  /** Stop after this many rows in this step (tests: a step that ends mid-file). */
  maxRows?: number;
  now?: () => number;
  /** Called after a batch is written, before its checkpoint (tests: a crash in between). */
  afterBatchWrite?: (batch: number) => void | Promise<void>;
}

const fileError = (job: ImportJob, error: ImportFileError): ImportJob => ({
  ...job,
  status: importTransition(job.status, 'failed') ?? job.status,
  error: { line: error.line, column: error.column, code: error.code, message: error.message },
  finishedAt: new Date().toISOString(),
  lease: undefined,
  leaseUntil: 0,
});

/**
 * One pass over the whole upload: checks it can be imported and writes nobody.
 * Throws ImportFileError for a file that cannot be imported (the job fails with it).
 */
const parseUpload = async (
  job: ImportJob,
  types: readonly SubscriptionType[],
): Promise<{ summary: ParseSummary; total: number }> => {
  const key = importKeys.upload(job.id);
  const size = await objectSize('imports', key);
  if (size === undefined)
    throw new ImportFileError('upload_missing', 'The upload is gone (it expires after 7 days)');
  if (size > maxImportBytes)
    throw new ImportFileError(
      'file_too_large',
      `The file is ${(size / 1048576).toFixed(0)} MB; at most 200 MB: split it`,
    );
  if (size === 0)
    throw new ImportFileError('empty_file', 'The file is empty: it needs a header row and data rows');

  let reader: CsvReader | undefined;
  let head = Buffer.alloc(0);
  let summary: ParseSummary | undefined;
  const seen = new Map<string, number>();
  const duplicates: Record<number, number> = {};
  let total = 0;
  const take = (records: CsvRecord[]) => {
    for (const record of records) {
      if (!summary) {
        const headers = record.cells.map((c) => c.trim());
        const mapped = mapColumns(headers, types, job.columns);
        if (!mapped.ok)
          throw new ImportFileError(mapped.error.code, mapped.error.message, 1, mapped.error.column);
        summary = {
          headers,
          mapping: mapped.mapping,
          delimiter: detectDelimiter(head.subarray(bomLength(head))),
          dataStart: record.end,
          dataRow: record.row + 1,
          duplicates,
        };
        continue;
      }
      total++;
      if (total > maxImportRows)
        throw new ImportFileError(
          'too_many_rows',
          `More than ${maxImportRows.toLocaleString('en')} rows: split the file`,
          record.row,
        );
      const cell = record.cells[summary.mapping.targets.indexOf('email')]?.trim();
      const parsed = cell ? parseEmail(cell) : undefined;
      if (!parsed?.ok) continue;
      const first = seen.get(parsed.address.key);
      if (first === undefined) seen.set(parsed.address.key, record.row);
      else duplicates[record.row] = first;
    }
  };
  try {
    for await (const chunk of readFrom('imports', key, 0)) {
      if (!reader) {
        head = Buffer.concat([head, chunk]);
        if (head.length < 65536) continue;
        const reason = notCsvReason(head);
        if (reason) throw new ImportFileError('not_csv', reason);
        const bom = bomLength(head);
        reader = new CsvReader({ delimiter: detectDelimiter(head.subarray(bom)), offset: bom });
        take(reader.push(head.subarray(bom)));
        continue;
      }
      take(reader.push(chunk));
    }
    if (!reader) {
      const reason = notCsvReason(head);
      if (reason) throw new ImportFileError('not_csv', reason);
      const bom = bomLength(head);
      reader = new CsvReader({ delimiter: detectDelimiter(head.subarray(bom)), offset: bom });
      take(reader.push(head.subarray(bom)));
    }
    take(reader.finish());
  } catch (error) {
    if (error instanceof CsvStructureError) throw new ImportFileError(error.code, error.message, error.row);
    throw error;
  }
  if (!summary)
    throw new ImportFileError('empty_file', 'The file is empty: it needs a header row and data rows');
  if (!total) throw new ImportFileError('empty_file', 'The file has a header but no data rows', 1);
  return { summary, total };
};

interface BatchResult {
  counts: ImportCounts;
  errors: LineError[];
  skips: LineError[];
  resultLines: string[];
  confirmations: number;
}

/** What a batch needs besides its rows. */
interface BatchContext {
  job: ImportJob;
  summary: ParseSummary;
  types: ReadonlyMap<string, SubscriptionType>;
  now: number;
}

const resultHeader = (headers: readonly string[]) =>
  csvLine([...headers, 'result', 'error_line', 'error_column', 'error_code', 'error_message']);

/**
 * Decides and (unless a dry run) writes one batch of rows. Returns what it counted; throws only
 * when a dependency fails (the step then fails and is redone from the last checkpoint).
 */
const runBatch = async (bc: BatchContext, records: readonly CsvRecord[]): Promise<BatchResult> => {
  const { job, summary, types } = bc;
  const { headers, mapping } = summary;
  const counts = zeroCounts();
  const errors: LineError[] = [];
  const skips: LineError[] = [];
  // Rows finish out of order (writes run side by side): problems are sorted by row at the end.
  const results: Array<{ row: number; line: string }> = [];
  const ctx: ChangeContext = {
    at: new Date(bc.now).toISOString(),
    actor: job.createdBy,
    source: 'import',
    requestId: job.id,
  };
  const columnOf = (target: string) => {
    const i = mapping.targets.indexOf(target as never);
    return i < 0 ? null : (headers[i] ?? null);
  };
  const record = (rec: CsvRecord, outcome: RowOutcome) => {
    counts.processed++;
    counts[outcome.kind]++;
    if (outcome.kind === 'failed' || outcome.kind === 'skipped') {
      const problem: LineError = {
        line: rec.row,
        column: outcome.column,
        code: outcome.kind === 'skipped' ? outcome.reason : outcome.code,
        message: outcome.message,
      };
      (outcome.kind === 'failed' ? errors : skips).push(problem);
      results.push({
        row: rec.row,
        line: csvLine([
          ...rec.cells,
          outcome.kind,
          rec.row,
          problem.column ?? '',
          problem.code,
          problem.message,
        ]),
      });
    }
  };
  const failRead = (rec: CsvRecord, problems: LineError[]) => {
    counts.processed++;
    counts.failed++;
    errors.push(...problems);
    results.push({
      row: rec.row,
      line: csvLine([
        ...rec.cells,
        'failed',
        rec.row,
        problems.map((p) => p.column ?? '').join(' | '),
        problems.map((p) => p.code).join(' | '),
        problems.map((p) => p.message).join(' | '),
      ]),
    });
  };

  // Read each row; the rest of the batch works on the rows that read.
  const rows: Array<{ rec: CsvRecord; row: RowInput }> = [];
  for (const rec of records) {
    const first = summary.duplicates[rec.row];
    if (rec.badEncoding)
      failRead(rec, [
        {
          line: rec.row,
          column: null,
          code: 'encoding',
          message: 'The row is not UTF-8 text: save the file as "CSV UTF-8"',
        },
      ]);
    else if (first !== undefined)
      failRead(rec, [
        {
          line: rec.row,
          column: columnOf('email'),
          code: 'duplicate',
          message: `The same address is on row ${first}: only the first is imported`,
        },
      ]);
    else {
      const read = readRow(rec.cells, headers, mapping, job.defaults, rec.row, bc.now);
      if (read.ok) rows.push({ rec, row: read.row });
      else failRead(rec, read.errors);
    }
  }

  // Who holds each address now, and which addresses are suppressed.
  const fingerprints = await Promise.all(rows.map(({ row }) => emailFingerprint(row.address.key)));
  const { claims, suppressed } = await contacts.lookup(
    rows.map(({ row }) => row.address.key),
    fingerprints,
  );
  const holders = await contacts.getMany([...new Set([...claims.values()].map((c) => c.contactId))]);
  const holderOf = (key: string): StoredContact | undefined => {
    const claim = claims.get(key);
    const holder = claim ? holders.get(claim.contactId) : undefined;
    return holder?.emailKey === key ? holder : undefined;
  };
  const idOf = (rec: CsvRecord) => derivedId(Date.parse(job.createdAt), `${job.id}:${rec.row}`);
  const appliedByThisJob = (contact: StoredContact) =>
    Object.values(contact.outbox).some((e) => e.requestId === job.id);
  const decide = (rec: CsvRecord, row: RowInput, current: ContactState | undefined, fingerprint: string) =>
    decideRow({
      mode: job.mode,
      row,
      current,
      suppression: suppressed.get(fingerprint),
      types,
      ctx,
      newId: idOf(rec),
      columnOf,
    });

  const owed: OwedConfirmations[] = [];
  const owe = (before: ContactState | undefined, after: ContactState) => {
    const pending = newlyPending(before, after);
    if (pending.length) owed.push({ c: after.id, t: pending });
  };

  const creates: Array<{
    rec: CsvRecord;
    row: RowInput;
    fingerprint: string;
    outcome: RowOutcome & { kind: 'created' };
  }> = [];
  const resumed: Array<{ rec: CsvRecord; outcome: RowOutcome & { kind: 'created' } }> = [];
  const updates: Array<{ rec: CsvRecord; row: RowInput; fingerprint: string; holder: StoredContact }> = [];
  rows.forEach(({ rec, row }, k) => {
    const fingerprint = fingerprints[k] as string;
    const holder = holderOf(row.address.key);
    if (holder && holder.id === idOf(rec)) {
      // Created by this job in a step that crashed before its checkpoint.
      resumed.push({ rec, outcome: { kind: 'created', change: { next: holder, entries: [] } } });
      return;
    }
    if (holder && !job.dryRun) {
      updates.push({ rec, row, fingerprint, holder });
      return;
    }
    const outcome = decide(rec, row, holder, fingerprint);
    if (outcome.kind === 'created' && !job.dryRun) creates.push({ rec, row, fingerprint, outcome });
    else record(rec, outcome);
  });

  if (!job.dryRun) {
    // New contacts: claim each address (conditional, 25 a request), then store the contacts that won.
    const claimed = await claimAll(
      creates.map((c) => ({ emailKey: c.row.address.key, contactId: c.outcome.change.next.id })),
      { concurrency: claimConcurrency },
    );
    const won = creates.filter((_, i) => claimed[i]);
    const lost = creates.filter((_, i) => !claimed[i]);
    await inParallel(lost, contestedConcurrency, async (c) => {
      // Someone created the address since the lookup: theirs is updated instead, if it is there.
      const holder = await contacts.findByEmail(c.row.address.key);
      if (holder) updates.push({ rec: c.rec, row: c.row, fingerprint: c.fingerprint, holder });
      else
        record(c.rec, {
          kind: 'failed',
          code: 'conflict',
          column: columnOf('email'),
          message: 'The address was being created by someone else at the same time; import the row again',
        });
    });
    await contacts.insertImported(won.map((c) => c.outcome.change));
    if (resumed.length)
      await contacts.insertImported(
        resumed.map((r) => r.outcome.change),
        true,
      );
    for (const c of won) {
      record(c.rec, c.outcome);
      owe(undefined, c.outcome.change.next);
    }
    for (const r of resumed) {
      record(r.rec, r.outcome);
      owe(undefined, r.outcome.change.next);
    }

    // Existing contacts: one conditional write each, decided on what is stored at that moment.
    await inParallel(updates, updateConcurrency, async (u) => {
      let outcome = { kind: 'unchanged' } as RowOutcome;
      let before: ContactState | undefined;
      const attempt = await contacts
        .change(
          u.holder.id,
          (current) => {
            before = current;
            if (appliedByThisJob(current)) {
              // This job changed it in a step that crashed before its checkpoint.
              outcome = { kind: 'updated', change: { next: current, entries: [] } };
              return undefined;
            }
            outcome = decide(u.rec, u.row, current, u.fingerprint);
            return outcome.kind === 'updated' ? outcome.change : undefined;
          },
          u.holder,
        )
        .catch((error: unknown) => {
          // Erased meanwhile, or changed by others on every attempt: this row fails, the batch goes on.
          if (!(error instanceof DomainError)) throw error;
          return { error };
        });
      if ('error' in attempt) {
        const code = attempt.error instanceof NotFoundError ? 'contact_gone' : 'conflict';
        record(u.rec, {
          kind: 'failed',
          code,
          column: columnOf('email'),
          message: `${attempt.error.message}; import the row again`,
        });
        return;
      }
      const { contact, changed } = attempt;
      record(u.rec, outcome);
      if (changed || outcome.kind === 'updated') owe(changed ? before : undefined, contact);
    });
  }

  if (owed.length) await queueConfirmations(owed);
  const byRow = (a: { line: number } | { row: number }, b: { line: number } | { row: number }) =>
    ('row' in a ? a.row : a.line) - ('row' in b ? b.row : b.line);
  return {
    counts,
    errors: errors.sort(byRow),
    skips: skips.sort(byRow),
    resultLines: results.sort(byRow).map((r) => r.line),
    confirmations: owed.length,
  };
};

/** Appends up to the shown limit. */
const keep = (shown: readonly LineError[], more: readonly LineError[]) =>
  shown.length >= shownProblems ? [...shown] : [...shown, ...more].slice(0, shownProblems);

/** Joins the results parts into one results file (a multipart upload when it is large). */
const writeResults = async (job: ImportJob, summary: ParseSummary): Promise<string> => {
  const key = importKeys.results(job.id);
  let buffer = Buffer.from(`\uFEFF${resultHeader(summary.headers)}`, 'utf8');
  let state: Awaited<ReturnType<typeof multipart.start>> | undefined;
  for (const batch of job.resultBatches) {
    const part = (await getText('imports', importKeys.resultsPart(job.id, batch))) ?? '';
    buffer = Buffer.concat([buffer, Buffer.from(part, 'utf8')]);
    if (buffer.length >= minPartBytes) {
      state ??= await multipart.start('imports', key);
      state.parts.push(await multipart.part('imports', key, state, state.parts.length + 1, buffer));
      buffer = Buffer.alloc(0);
    }
  }
  if (!state) {
    await putObject('imports', key, buffer);
    return key;
  }
  if (buffer.length)
    state.parts.push(await multipart.part('imports', key, state, state.parts.length + 1, buffer));
  await multipart.complete('imports', key, state);
  return key;
};

/**
 * One step of a job: whatever its state asks for, until the file is done or the invocation's time
 * runs short. Returns whether the job still needs another step (the worker then queues one).
 * 1. Read the job; a finished job, or one another worker holds (a duplicate message), needs nothing.
 * 2. `uploading`: the upload arrived → `parsing`. Take the lease for this invocation.
 * 3. `parsing`: check the whole file; a file that cannot be imported fails the job here.
 * 4. `running`: batches from the checkpoint: read, decide, write, checkpoint.
 * 5. At the end of the file: the results file, then `done`.
 */
export const runImportStep = async (
  jobId: string,
  remainingMs: () => number,
  options: StepOptions = {},
): Promise<{ more: boolean }> => {
  const now = options.now ?? Date.now;
  // 1–2.
  let job = await bulkJobs.get<ImportJob>('IMPORT', jobId);
  if (!job || job.status === 'done' || job.status === 'failed') return { more: false };
  if (job.leaseUntil && job.leaseUntil > now()) {
    logger.info('import held by another worker', { jobId });
    return { more: false };
  }
  try {
    job = await bulkJobs.save('IMPORT', {
      ...job,
      status: job.status === 'uploading' ? 'parsing' : job.status,
      lease: newId(),
      leaseUntil: now() + remainingMs(),
    });
  } catch (error) {
    if ((error as JobMovedError).name === 'JobMovedError') return { more: false };
    throw error;
  }
  const types = await allTypes();
  const typeMap = new Map(types.map((t) => [t.id, t]));

  // 3.
  if (job.status === 'parsing') {
    try {
      const { summary, total } = await parseUpload(job, types);
      await putObject('imports', importKeys.parsed(job.id), JSON.stringify(summary), 'application/json');
      job = await bulkJobs.save('IMPORT', {
        ...job,
        status: importTransition(job.status, 'parsed') ?? job.status,
        total,
        offset: summary.dataStart,
        row: summary.dataRow,
        ignoredColumns: summary.mapping.ignored.slice(0, 50),
      });
      logger.info('import parsed', { jobId, total, duplicates: Object.keys(summary.duplicates).length });
    } catch (error) {
      if (!(error instanceof ImportFileError)) throw error;
      await bulkJobs.save('IMPORT', fileError(job, error));
      logger.info('import failed', { jobId, code: error.code, line: error.line });
      return { more: false };
    }
  }
  if (job.status !== 'running') return { more: false };
  const summary = JSON.parse((await getText('imports', importKeys.parsed(job.id))) ?? 'null') as ParseSummary;

  // 4.
  let rowsThisStep = 0;
  let atEnd = false;
  const reader = new CsvReader({ delimiter: summary.delimiter, offset: job.offset, firstRow: job.row });
  const pending: CsvRecord[] = [];
  // Batches touch distinct addresses (a repeated address fails its later rows), so a few are decided
  // and written side by side; their checkpoints still follow one another, in file order.
  const flushBatches = async (groups: CsvRecord[][]) => {
    const first = job as ImportJob;
    const results = await Promise.all(
      groups.map((records) => runBatch({ job: first, summary, types: typeMap, now: now() }, records)),
    );
    for (const [i, records] of groups.entries()) {
      const current = job as ImportJob;
      const result = results[i] as BatchResult;
      const batch = current.batches;
      if (result.resultLines.length)
        await putObject('imports', importKeys.resultsPart(current.id, batch), result.resultLines.join(''));
      await options.afterBatchWrite?.(batch);
      const last = records[records.length - 1] as CsvRecord;
      job = await bulkJobs.save('IMPORT', {
        ...current,
        status: importTransition(current.status, 'checkpoint') ?? current.status,
        offset: last.end,
        row: last.row + 1,
        batches: batch + 1,
        counts: addCounts(current.counts, result.counts),
        errors: keep(current.errors, result.errors),
        skips: keep(current.skips, result.skips),
        resultBatches: result.resultLines.length ? [...current.resultBatches, batch] : current.resultBatches,
        confirmationsQueued: current.confirmationsQueued + result.confirmations,
      });
      rowsThisStep += records.length;
    }
  };
  const take = (batches: number) => {
    const groups: CsvRecord[][] = [];
    while (groups.length < batches && pending.length) groups.push(pending.splice(0, batchRows));
    return groups;
  };
  const stepDone = () =>
    remainingMs() < reserveMs || (options.maxRows !== undefined && rowsThisStep >= options.maxRows);
  const size = (await objectSize('imports', importKeys.upload(job.id))) ?? 0;
  if (job.offset >= size) atEnd = true;
  else {
    try {
      read: for await (const chunk of readFrom('imports', importKeys.upload(job.id), job.offset)) {
        pending.push(...reader.push(chunk));
        while (pending.length >= batchRows * parallelBatches) {
          if (stepDone()) break read;
          await flushBatches(take(parallelBatches));
        }
        if (stepDone()) break;
      }
      if (!stepDone()) {
        pending.push(...reader.finish());
        while (pending.length && !stepDone()) await flushBatches(take(parallelBatches));
        atEnd = !pending.length;
      }
    } catch (error) {
      if (!(error instanceof CsvStructureError)) throw error;
      // The parse pass read the same bytes: only a file replaced under the job gets here.
      await bulkJobs.save(
        'IMPORT',
        fileError(job, new ImportFileError(error.code, error.message, error.row)),
      );
      return { more: false };
    }
  }
  if (!atEnd) {
    await bulkJobs.save('IMPORT', { ...job, lease: undefined, leaseUntil: 0 });
    logger.info('import step done', { jobId, rows: rowsThisStep, processed: job.counts.processed });
    return { more: true };
  }

  // 5.
  const resultsKey = job.resultBatches.length ? await writeResults(job, summary) : undefined;
  job = await bulkJobs.save('IMPORT', {
    ...job,
    status: importTransition(job.status, 'finished') ?? job.status,
    ...(resultsKey ? { resultsKey } : {}),
    finishedAt: new Date(now()).toISOString(),
    lease: undefined,
    leaseUntil: 0,
  });
  logger.info('import done', { jobId, dryRun: job.dryRun, ...job.counts });
  return { more: false };
};
