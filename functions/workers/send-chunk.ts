import * as z from 'zod';
import { sendChunk, sendingConfig } from '#shared/use-cases/sending.ts';
import { sqsWorker } from '#shared/workers/sqs-worker.ts';

// A misconfigured sender fails at cold start, not on its first message.
sendingConfig();

/** One SQS message = one chunk of ≤ 50 planned recipients (mailing id + chunk id). */
const SendMessage = z.object({ m: z.string().min(1).max(64), k: z.string().min(1).max(100) });

export const handler = sqsWorker('send-chunk', SendMessage, ({ m, k }, _record, context) =>
  sendChunk(m, k, () => context.getRemainingTimeInMillis()),
);
