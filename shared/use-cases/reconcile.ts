/**
 * The reconciler: nothing stuck. Finds mailings in progress whose work stopped moving — a message
 * lost, a chunk left `queued` by a pause, the local queues emptied by a restart — and queues their
 * unfinished work again. The chunk states make that safe: a chunk that is done ignores a copy, one a
 * live attempt holds waits for its lease.
 *
 * Input: how long without progress counts as stopped (0: every mailing in progress, as after a
 * restart that lost the queues). Output: the mailings whose work was queued again.
 * 1. List the mailings in progress (the small `ACTIVE` items, not the mailings' bodies).
 * 2. Finished or cancelled (or back to draft): no longer active. Paused: it waits for a person.
 * 3. Stopped: its last progress — the sender's last counted write, the send or resume request,
 *    the reconciler's last requeue — is older than the limit. A plan message with `requeue`: the
 *    planner queues every unfinished chunk again, except those noted in the DLQ (they wait for a
 *    resume or a redrive: they failed every receive), and finishes planning if it must.
 */
import * as mailings from '#shared/adapters/dynamodb/mailings.ts';
import type { ActiveMailing } from '#shared/adapters/dynamodb/mailings.ts';
import { sendMessage } from '#shared/adapters/sqs/client.ts';
import { logger } from '#shared/observability/logger.ts';

/** How long a mailing may show no progress before the scheduled reconciler queues its work again. */
export const defaultStalledAfterMs = 15 * 60_000;

const time = (iso: string | undefined) => (iso ? Date.parse(iso) : 0);

export const reconcile = async (options: { stalledAfterMs: number; now?: number }): Promise<string[]> => {
  const now = options.now ?? Date.now();
  const requeued: string[] = [];
  for (const active of await mailings.listActive()) {
    try {
      if (await reconcileOne(active, now, options.stalledAfterMs)) requeued.push(active.id);
    } catch (error) {
      logger.error('reconciler: mailing not looked at', {
        mailingId: active.id,
        error: (error as Error)?.name,
      });
    }
  }
  if (requeued.length) logger.warn('reconciler: stalled mailings queued again', { mailings: requeued });
  return requeued;
};

const reconcileOne = async (active: ActiveMailing, now: number, stalledAfterMs: number): Promise<boolean> => {
  const mailing = await mailings.getStored(active.id, true);
  if (!mailing || !['planned', 'sending', 'paused'].includes(mailing.status)) {
    await mailings.clearActive(active.id);
    return false;
  }
  if (mailing.status === 'paused') return false;
  const { movedAt } = await mailings.getProgress(active.id, true);
  const progress = Math.max(
    movedAt ?? 0,
    time(mailing.sendRequestedAt),
    time(mailing.resumedAt),
    active.requeuedAt ?? 0,
  );
  if (now - progress < stalledAfterMs) return false;
  await sendMessage('plan', JSON.stringify({ mailingId: active.id, requeue: { keepDead: true } }));
  await mailings.noteRequeued(active.id, now);
  return true;
};
