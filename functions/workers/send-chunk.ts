import * as z from '#shared/schema/z.ts';
import * as mailings from '#shared/adapters/dynamodb/mailings.ts';
import {
  closeSendSession,
  openSendSession,
  type SendSession,
  sendChunk,
  sendingConfig,
} from '#shared/use-cases/sending.ts';
import { sqsWorker } from '#shared/workers/sqs-worker.ts';

// A misconfigured sender fails at cold start, not on its first message.
sendingConfig();

/** One SQS message = one chunk of ≤ 50 planned recipients (mailing id + chunk id). */
const SendMessage = z.object({
  m: z.string().check(z.minLength(1), z.maxLength(64)),
  k: z.string().check(z.minLength(1), z.maxLength(100)),
});

/**
 * The chunks of one batch share a send session (shared/use-cases/sending.ts); a chunk handed back
 * returns to this queue; a chunk whose message fails its last receive is noted on its mailing.
 */
export const handler = sqsWorker(
  'send-chunk',
  SendMessage,
  ({ m, k }, _record, _context, session: SendSession) => sendChunk(m, k, session),
  {
    queue: 'send',
    batch: {
      open: (context) => openSendSession(context.getRemainingTimeInMillis()),
      close: closeSendSession,
    },
    onDeadLetter: ({ m, k }) => mailings.noteDeadLetter(m, k),
  },
);
