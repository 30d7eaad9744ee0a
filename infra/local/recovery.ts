/**
 * What keeps local mailings moving, as the deployed reconciler does in AWS, plus what a restart
 * needs that AWS never does: local SQS lives in memory, so a stack stopped (or killed) mid-mailing
 * starts again with its queues empty while the database under DATA_DIR remembers the mailing.
 *
 * - On start: the leases the dead process held end, and every mailing in progress gets its work
 *   queued again (the reconciler with no grace period); the chunk states make whatever was already
 *   done or taken safe.
 * - Every `everyMs`: the reconciler's own handler, as its schedule runs it.
 * - `ses-sent.jsonl` in DATA_DIR: one line per message the local SES accepted, written before SES's
 *   answer leaves, so what was mailed is known across a restart (the SES inbox is in memory too).
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { reconcilerDefinition } from '#infra/constructs/reconciler.ts';
import { logger } from '#shared/observability/logger.ts';
import { lambdaContext, loadHandler } from './lambda.ts';
import { acceptedMessages } from './ses-simulator.ts';

/**
 * Queues again the work of every mailing in progress; answers how many. The previous process is
 * gone, and nothing of this one has started yet: the leases its attempts held end now (in AWS a
 * chunk waits for its dead holder's deadline; here that holder is certainly dead).
 */
export const resumeAfterRestart = async (): Promise<number> => {
  const { reconcile } = await import('#shared/use-cases/reconcile.ts');
  const mailings = await import('#shared/adapters/dynamodb/mailings.ts');
  const recipients = await import('#shared/adapters/dynamodb/recipients.ts');
  for (const { id } of await mailings.listActive()) {
    let after: string | undefined;
    do {
      const page = await recipients.unfinishedSendChunks(id, after);
      for (const chunk of await recipients.getChunks(id, page.chunkIds))
        if (chunk.state === 'sending' || Object.keys(chunk.pend).length)
          await recipients.endDeadLeases(chunk);
      after = page.last;
    } while (after);
  }
  const requeued = await reconcile({ stalledAfterMs: 0 });
  if (requeued.length) logger.info('local stack: unfinished mailings resumed', { mailings: requeued.length });
  return requeued.length;
};

/** Runs the reconciler's handler every `everyMs`; answers the function that stops it. */
export const scheduleReconciler = (everyMs: number): (() => void) => {
  const timer = setInterval(() => {
    void loadHandler(reconcilerDefinition.entry)
      .then((handler) => handler({}, lambdaContext('Reconciler', reconcilerDefinition.timeoutSeconds * 1000)))
      .catch((error: unknown) =>
        logger.error('local reconciler failed', { error: (error as Error)?.message }),
      );
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
};

/** Appends each message the local SES accepts to `DATA_DIR/ses-sent.jsonl`, synchronously. */
export const sentMailLog =
  (dataDir: string) =>
  (operation: 'SendEmail' | 'SendBulkEmail', request: unknown, response: unknown): void => {
    const lines = acceptedMessages(operation, request, response).map((message) =>
      JSON.stringify({ at: new Date().toISOString(), messageId: message.messageId, to: message.to }),
    );
    if (lines.length) appendFileSync(join(dataDir, 'ses-sent.jsonl'), `${lines.join('\n')}\n`);
  };
