import * as z from 'zod/mini';
import { closeSendSession, type SendSession, sendChunk, sendingConfig } from '#shared/use-cases/sending.ts';
import { sqsWorker } from '#shared/workers/sqs-worker.ts';

// A misconfigured sender fails at cold start, not on its first message.
sendingConfig();

/** One SQS message = one chunk of ≤ 50 planned recipients (mailing id + chunk id). */
const SendMessage = z.object({
  m: z.string().check(z.minLength(1), z.maxLength(64)),
  k: z.string().check(z.minLength(1), z.maxLength(100)),
});

/** The chunks of one batch share a send session (shared/use-cases/sending.ts). */
export const handler = sqsWorker(
  'send-chunk',
  SendMessage,
  ({ m, k }, _record, context, session: SendSession) =>
    sendChunk(m, k, () => context.getRemainingTimeInMillis(), session),
  { open: (): SendSession => ({}), close: closeSendSession },
);
