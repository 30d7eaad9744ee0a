import * as z from 'zod';
import { sendOwedConfirmations } from '#shared/use-cases/double-opt-in.ts';
import { sqsWorker } from '#shared/workers/sqs-worker.ts';

/** One SQS message = one contact and the double opt-in types a batch import left pending. */
const ConfirmMessage = z.object({
  c: z.string().min(1).max(64),
  t: z.array(z.string().min(1).max(64)).min(1).max(100),
});

export const handler = sqsWorker('send-confirmations', ConfirmMessage, (owed, _record, context) =>
  sendOwedConfirmations(owed, () => context.getRemainingTimeInMillis()),
);
