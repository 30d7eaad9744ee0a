/**
 * Import and export jobs as explicit state machines: every status in one type, every move a pure
 * transition. Storage (shared/adapters/dynamodb/bulk-jobs.ts) writes a move only conditional on the
 * version it read, so two workers handed the same job cannot both move it.
 *
 * Import: `created → uploading → parsing → running → done`, or `failed` from any state before done.
 * - `uploading`: the job waits for its file (a presigned PUT, or the CSV the request carried).
 * - `parsing`: one pass over the whole file before anything is written: encoding, header, row count
 *   (at most {@link maxImportRows}), repeated addresses. A file that fails here writes nobody.
 * - `running`: rows applied in Lambda-sized steps; each step ends with a checkpoint (byte offset,
 *   row, counts), so a step that crashes resumes at the last checkpoint.
 *
 * Export: `created → running → done`, or `failed`.
 */

/** Largest file an import takes. */
export const maxImportBytes = 200 * 1024 * 1024;
/** Most data rows an import takes. */
export const maxImportRows = 1_000_000;
/** Largest CSV a request may carry in its body (the rest goes through an upload URL). */
export const maxInlineCsvBytes = 1024 * 1024;

export const importStatuses = ['created', 'uploading', 'parsing', 'running', 'done', 'failed'] as const;
export type ImportStatus = (typeof importStatuses)[number];

export type ImportEvent =
  | { type: 'uploadRequested' }
  | { type: 'uploaded' }
  | { type: 'parsed' }
  | { type: 'checkpoint' }
  | { type: 'finished' }
  | { type: 'failed' };
export type ImportEventType = ImportEvent['type'];

const importMoves: Readonly<Record<ImportEventType, Partial<Record<ImportStatus, ImportStatus>>>> = {
  uploadRequested: { created: 'uploading' },
  uploaded: { uploading: 'parsing' },
  parsed: { parsing: 'running' },
  checkpoint: { running: 'running' },
  finished: { running: 'done' },
  failed: { created: 'failed', uploading: 'failed', parsing: 'failed', running: 'failed' },
};

/** The status after `event`, or undefined when the event does not apply in `status` (a stale or repeated one). */
export const importTransition = (status: ImportStatus, event: ImportEventType): ImportStatus | undefined =>
  importMoves[event][status];

export const exportStatuses = ['created', 'running', 'done', 'failed'] as const;
export type ExportStatus = (typeof exportStatuses)[number];
export type ExportEventType = 'started' | 'checkpoint' | 'finished' | 'failed';

const exportMoves: Readonly<Record<ExportEventType, Partial<Record<ExportStatus, ExportStatus>>>> = {
  started: { created: 'running' },
  checkpoint: { running: 'running' },
  finished: { running: 'done' },
  failed: { created: 'failed', running: 'failed' },
};

export const exportTransition = (status: ExportStatus, event: ExportEventType): ExportStatus | undefined =>
  exportMoves[event][status];

/** Terminal: nothing moves a job out of these. */
export const isFinal = (status: ImportStatus | ExportStatus): boolean =>
  status === 'done' || status === 'failed';

/** The per-row tallies of an import. */
export interface ImportCounts {
  processed: number;
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  failed: number;
}

export const zeroCounts = (): ImportCounts => ({
  processed: 0,
  created: 0,
  updated: 0,
  unchanged: 0,
  skipped: 0,
  failed: 0,
});

export const addCounts = (a: ImportCounts, b: ImportCounts): ImportCounts => ({
  processed: a.processed + b.processed,
  created: a.created + b.created,
  updated: a.updated + b.updated,
  unchanged: a.unchanged + b.unchanged,
  skipped: a.skipped + b.skipped,
  failed: a.failed + b.failed,
});

/** A problem with one row (or, with row 0, the file): where, a code and a sentence a person can act on. */
export interface LineError {
  line: number;
  column: string | null;
  code: string;
  message: string;
}

/** A job that cannot go on, with the reason to show. */
export class ImportFileError extends Error {
  /** `not_csv`, `file_too_large`, `too_many_rows`, `empty_file`, `missing_email_column`, `record_too_large`, … */
  readonly code: string;
  readonly line: number;
  readonly column: string | null;
  constructor(code: string, message: string, line = 0, column: string | null = null) {
    super(message);
    this.name = 'ImportFileError';
    this.code = code;
    this.line = line;
    this.column = column;
  }
}
