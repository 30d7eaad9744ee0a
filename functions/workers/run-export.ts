import * as z from '#shared/schema/z.ts';
import { sendMessage } from '#shared/adapters/sqs/client.ts';
import { runExportStep } from '#shared/use-cases/export-run.ts';
import { sqsWorker } from '#shared/workers/sqs-worker.ts';

const ExportMessage = z.object({ jobId: z.string().check(z.regex(/^[0-9a-hjkmnp-tv-z]{26}$/)) });

/** Writes an export a Lambda-sized step at a time; re-queues itself until the file is complete. */
export const handler = sqsWorker('run-export', ExportMessage, async ({ jobId }, _record, context) => {
  const { more } = await runExportStep(jobId, () => context.getRemainingTimeInMillis());
  if (more) await sendMessage('exports', JSON.stringify({ jobId }));
});
