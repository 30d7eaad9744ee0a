/** The import and export jobs' state machines (shared/domain/bulk-jobs.ts), every status × every event. */
import { describe, expect, it } from 'vitest';
import {
  type ExportEventType,
  type ExportStatus,
  exportStatuses,
  exportTransition,
  type ImportEventType,
  type ImportStatus,
  importStatuses,
  importTransition,
} from '#shared/domain/bulk-jobs.ts';

const importTable: Record<ImportEventType, Partial<Record<ImportStatus, ImportStatus>>> = {
  uploadRequested: { created: 'uploading' },
  uploaded: { uploading: 'parsing' },
  parsed: { parsing: 'running' },
  checkpoint: { running: 'running' },
  finished: { running: 'done' },
  failed: { created: 'failed', uploading: 'failed', parsing: 'failed', running: 'failed' },
};

const exportTable: Record<ExportEventType, Partial<Record<ExportStatus, ExportStatus>>> = {
  started: { created: 'running' },
  checkpoint: { running: 'running' },
  finished: { running: 'done' },
  failed: { created: 'failed', running: 'failed' },
};

describe('an import job', () => {
  const rows = importStatuses.flatMap((status) =>
    (Object.keys(importTable) as ImportEventType[]).map(
      (event) => [status, event, importTable[event][status]] as const,
    ),
  );
  it.each(rows)('%s + %s → %s', (status, event, next) => {
    expect(importTransition(status, event)).toBe(next);
  });
  it('never leaves done or failed', () => {
    for (const event of Object.keys(importTable) as ImportEventType[]) {
      expect(importTransition('done', event)).toBeUndefined();
      expect(importTransition('failed', event)).toBeUndefined();
    }
  });
});

describe('an export job', () => {
  const rows = exportStatuses.flatMap((status) =>
    (Object.keys(exportTable) as ExportEventType[]).map(
      (event) => [status, event, exportTable[event][status]] as const,
    ),
  );
  it.each(rows)('%s + %s → %s', (status, event, next) => {
    expect(exportTransition(status, event)).toBe(next);
  });
});
