import * as z from 'zod/mini';
import { sendMessage } from '#shared/adapters/sqs/client.ts';
import { planMailing, requeueParked } from '#shared/use-cases/planning.ts';
import { sqsWorker } from '#shared/workers/sqs-worker.ts';

const PlanMessage = z.object({
  mailingId: z.string().check(z.minLength(1), z.maxLength(64)),
  /** After a pause: queue the parked chunks again first, continuing after `after`. */
  requeue: z.optional(z.object({ after: z.optional(z.string().check(z.maxLength(100))) })),
});

/** Plans a mailing a Lambda-sized step at a time; re-queues itself until every source is done. */
export const handler = sqsWorker(
  'plan-mailing',
  PlanMessage,
  async ({ mailingId, requeue }, _record, context) => {
    const remainingMs = () => context.getRemainingTimeInMillis();
    if (requeue) {
      const after = await requeueParked(mailingId, requeue.after, remainingMs);
      if (after) {
        await sendMessage('plan', JSON.stringify({ mailingId, requeue: { after } }));
        return;
      }
    }
    const { done } = await planMailing(mailingId, remainingMs);
    if (!done) await sendMessage('plan', JSON.stringify({ mailingId }));
  },
);
