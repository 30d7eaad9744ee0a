import * as z from '#shared/schema/z.ts';
import * as mailings from '#shared/adapters/dynamodb/mailings.ts';
import { sendMessage } from '#shared/adapters/sqs/client.ts';
import { planMailing, requeueUnfinished } from '#shared/use-cases/planning.ts';
import { sqsWorker } from '#shared/workers/sqs-worker.ts';

const PlanMessage = z.object({
  mailingId: z.string().check(z.minLength(1), z.maxLength(64)),
  /**
   * Queue the unfinished chunks again first (after a pause, a resume, a restart, or from the
   * reconciler), continuing after `after`; `keepDead`: leave chunks noted in the DLQ alone.
   */
  requeue: z.optional(
    z.object({ after: z.optional(z.string().check(z.maxLength(100))), keepDead: z.optional(z.boolean()) }),
  ),
});

/** Plans a mailing a Lambda-sized step at a time; re-queues itself until every source is done. */
export const handler = sqsWorker(
  'plan-mailing',
  PlanMessage,
  async ({ mailingId, requeue }, _record, context) => {
    const remainingMs = () => context.getRemainingTimeInMillis();
    if (requeue) {
      const skip = requeue.keepDead
        ? new Set((await mailings.getProgress(mailingId, true)).deadLetters)
        : undefined;
      const after = await requeueUnfinished(mailingId, requeue.after, remainingMs, skip);
      if (after) {
        await sendMessage('plan', JSON.stringify({ mailingId, requeue: { ...requeue, after } }));
        return undefined;
      }
    }
    const { done } = await planMailing(mailingId, remainingMs);
    if (!done) await sendMessage('plan', JSON.stringify({ mailingId }));
    return undefined;
  },
);
