import { z } from 'zod';
import { sendMessage } from '#shared/adapters/sqs/client.ts';
import { planMailing } from '#shared/use-cases/planning.ts';
import { sqsWorker } from '#shared/workers/sqs-worker.ts';

const PlanMessage = z.object({ mailingId: z.string().min(1).max(64) });

/** Plans a mailing a Lambda-sized step at a time; re-queues itself until every source is done. */
export const handler = sqsWorker('plan-mailing', PlanMessage, async ({ mailingId }, _record, context) => {
  const { done } = await planMailing(mailingId, () => context.getRemainingTimeInMillis());
  if (!done) await sendMessage('plan', JSON.stringify({ mailingId }));
});
