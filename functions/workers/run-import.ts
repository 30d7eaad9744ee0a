import * as z from '#shared/schema/z.ts';
import { sendMessage } from '#shared/adapters/sqs/client.ts';
import { runImportStep } from '#shared/use-cases/import-run.ts';
import { sqsWorker } from '#shared/workers/sqs-worker.ts';

const jobIdOfKey = /^imports\/([0-9a-hjkmnp-tv-z]{26})\/upload\.csv$/;

/** The upload's S3 event as EventBridge delivers it, or the worker's own next-step message. */
const ImportMessage = z.union([
  z.object({ jobId: z.string().check(z.regex(/^[0-9a-hjkmnp-tv-z]{26}$/)) }),
  z.object({
    source: z.literal('aws.s3'),
    'detail-type': z.literal('Object Created'),
    detail: z.object({ object: z.object({ key: z.string().check(z.regex(jobIdOfKey)) }) }),
  }),
]);

/** Runs an import a Lambda-sized step at a time; re-queues itself until the file is done. */
export const handler = sqsWorker('run-import', ImportMessage, async (message, _record, context) => {
  const jobId =
    'jobId' in message
      ? message.jobId
      : (jobIdOfKey.exec(decodeURIComponent(message.detail.object.key))?.[1] as string);
  const { more } = await runImportStep(jobId, () => context.getRemainingTimeInMillis());
  if (more) await sendMessage('imports', JSON.stringify({ jobId }));
});
