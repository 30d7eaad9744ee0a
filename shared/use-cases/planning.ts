/**
 * Planning a mailing: resolve the target list, apply the eligibility rule to every member, record
 * each verdict, and queue the included recipients for sending.
 *
 * Input: a mailing id (status `planned` or `sending`) and the time left in this invocation.
 * Output: `done` when every source is exhausted; otherwise the caller re-queues the plan message.
 * 1. Take the mailing's planning lease (a duplicate plan message must not plan twice).
 * 2. Create the checkpoint with one entry per source (16 index shards per type or interest, plus
 *    the static ids), unless it exists: then resume from it.
 * 3. Per source, in parallel, page by page (1 MB Query pages):
 *    a. filter by the list's criteria and judge each member by the eligibility rule;
 *    b. cut included members into chunks of 50 (one SQS message each) and excluded ones into
 *       chunks of 100, with deterministic ids; on the first page after a resume, skip chunks that
 *       already exist (they were written before a crash) so nobody is recorded twice;
 *    c. write the chunks (BatchWriteItem), queue the send chunks (SendMessageBatch, 10 a call),
 *       add the counts (one atomic ADD), then save the source's checkpoint.
 * 4. When every source is done: record completion, mark the mailing `sent` if nothing is left to
 *    send, and audit how many were reached only because of a consent override.
 */
import { audit } from '#shared/adapters/dynamodb/audit.ts';
import { lists } from '#shared/adapters/dynamodb/lists.ts';
import { mailings } from '#shared/adapters/dynamodb/mailings.ts';
import {
  type Chunk,
  type Row,
  recipients,
  type SourceCheckpoint,
} from '#shared/adapters/dynamodb/recipients.ts';
import { sendMessages } from '#shared/adapters/sqs/client.ts';
import { systemActor } from '#shared/domain/api-key.ts';
import { newId } from '#shared/domain/ids.ts';
import { logger } from '#shared/observability/logger.ts';
import { neededOverride, verdictFor } from './judge.ts';
import { type ListSource, listSources } from './list-resolution.ts';

export const sendChunkSize = 50;
export const skipChunkSize = 100;
/** Stop starting pages when less than this is left of the invocation. */
const reserveMs = 60_000;

export interface SendMessage {
  /** mailing id */
  m: string;
  /** chunk id */
  k: string;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

export const planMailing = async (
  mailingId: string,
  remainingMs: () => number,
  /** Members per Query page; unset in production (1 MB pages). Tests set it to get many pages. */
  pageLimit?: number,
): Promise<{ done: boolean }> => {
  const mailing = await mailings.getStored(mailingId, true);
  if (!mailing || (mailing.status !== 'planned' && mailing.status !== 'sending')) return { done: true };
  const list = await lists.get(mailing.listId);
  if (!list) {
    logger.error('planning: list not found', { mailingId, listId: mailing.listId });
    return { done: true };
  }
  const sources = listSources(list);
  const plan = await recipients.initPlan(
    mailingId,
    sources.map((s) => s.id),
  );
  const holder = newId();
  if (!(await recipients.acquireLease(mailingId, holder, Math.max(remainingMs(), 1000) + 5_000))) {
    logger.info('planning: another planner holds the lease', { mailingId });
    return { done: true };
  }
  try {
    const rule = { subscriptionTypeId: mailing.subscriptionTypeId, overrideConsent: mailing.overrideConsent };
    const privacyEnabled = mailing.privacyEnabled ?? true;
    let stop = false;
    let failed = false;

    const planPage = async (
      source: ListSource,
      state: SourceCheckpoint,
      resuming: boolean,
    ): Promise<SourceCheckpoint> => {
      const { members, next } = await source.read(state.next, pageLimit);
      const prefix = `${source.id}.${pad(state.page, 6)}`;
      const send: Row[] = [];
      const skip: Row[] = [];
      const tally: Record<string, number> = {};
      for (const member of members) {
        const { result, detail } = verdictFor(rule, privacyEnabled, member);
        const included = result.verdict === 'included';
        if (detail?.startsWith(neededOverride)) tally.overrideOnly = (tally.overrideOnly ?? 0) + 1;
        (included ? send : skip).push({
          c: member.contactId,
          r: result.reason,
          s: included ? 'queued' : 'skipped',
          ...(detail ? { d: detail } : {}),
        });
        tally[`reason_${result.reason}`] = (tally[`reason_${result.reason}`] ?? 0) + 1;
      }
      const chunks: Chunk[] = [];
      for (let i = 0; i < send.length; i += sendChunkSize) {
        const rows = send.slice(i, i + sendChunkSize);
        chunks.push({
          mailingId,
          chunkId: `${prefix}.s${pad(i / sendChunkSize, 3)}`,
          kind: 'send',
          state: 'queued',
          rows,
        });
      }
      for (let i = 0; i < skip.length; i += skipChunkSize) {
        const rows = skip.slice(i, i + skipChunkSize);
        chunks.push({
          mailingId,
          chunkId: `${prefix}.x${pad(i / skipChunkSize, 3)}`,
          kind: 'skip',
          state: 'done',
          rows,
        });
      }
      let write = chunks;
      let enqueue = chunks.filter((c) => c.kind === 'send');
      if (resuming && chunks.length) {
        // This page may have been written before a crash: keep what exists, and send again only
        // chunks the sender has not started (it ignores a chunk it has already taken).
        const existing = new Map(
          (
            await recipients.getChunks(
              mailingId,
              chunks.map((c) => c.chunkId),
            )
          ).map((c) => [c.chunkId, c.state]),
        );
        write = chunks.filter((c) => !existing.has(c.chunkId));
        enqueue = enqueue.filter((c) => (existing.get(c.chunkId) ?? 'queued') === 'queued');
      }
      await recipients.putChunks(write);
      // Queue in full SendMessageBatch calls of 10; the rest waits for the source's next page (or
      // its end), recorded in the checkpoint below.
      const ready = [...(state.carry ?? []), ...enqueue.map((c) => c.chunkId)];
      const now = next ? ready.slice(0, ready.length - (ready.length % 10)) : ready;
      const carry = ready.slice(now.length);
      if (now.length) {
        if (mailing.status === 'planned' && (await mailings.transition(mailingId, ['planned'], 'sending'))) {
          mailing.status = 'sending';
        }
        await sendMessages(
          'send',
          now.map((k) => JSON.stringify({ m: mailingId, k } satisfies SendMessage)),
        );
      }
      const nextState: SourceCheckpoint = {
        page: state.page + 1,
        ...(next ? { next } : {}),
        done: !next,
        ...(carry.length ? { carry } : {}),
      };
      // Checkpoint and tallies in one atomic write: a page is counted exactly once.
      await recipients.advancePlan(mailingId, source.id, nextState, {
        ...tally,
        eligible: send.length,
        excluded: skip.length,
        chunks: Math.ceil(send.length / sendChunkSize),
      });
      return nextState;
    };

    let lastLook = 0;
    let lastAnswer = false;
    const cancelled = async () => {
      if (Date.now() - lastLook >= 1000) {
        lastLook = Date.now();
        lastAnswer = (await mailings.getStored(mailingId, true))?.status === 'cancelled';
      }
      return lastAnswer;
    };

    const runSource = async (source: ListSource): Promise<boolean> => {
      let state: SourceCheckpoint = plan.sources[source.id] ?? { page: 0, done: false };
      let resuming = !plan.fresh;
      while (!state.done && !stop && !failed && remainingMs() > reserveMs) {
        state = await planPage(source, state, resuming);
        resuming = false;
        // A cancelled mailing stops planning between pages (looked at once a second, not by every
        // source after every page: the sender stops its chunks anyway).
        if (!state.done && (await cancelled())) stop = true;
      }
      return state.done;
    };

    // If one source fails, the others stop at their next page and are awaited before the error
    // surfaces: nothing may keep writing after this invocation ends and the lease is released.
    const settled = await Promise.allSettled(
      sources.map((source) =>
        runSource(source).catch((error: unknown) => {
          failed = true;
          throw error;
        }),
      ),
    );
    const failure = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) throw failure.reason;
    const finished = settled.map((r) => r.status === 'fulfilled' && r.value);
    if (stop) return { done: true };
    if (!finished.every(Boolean)) return { done: false };
    await finishPlanning(mailingId);
    return { done: true };
  } finally {
    await recipients.releaseLease(mailingId, holder);
  }
};

/** Every source is exhausted: note it, and close the mailing if no chunk is left to send. */
const finishPlanning = async (mailingId: string) => {
  const at = new Date().toISOString();
  const mailing = await mailings.getStored(mailingId, true);
  if (!mailing || mailing.plannedAt) return;
  const { tally } = await recipients.getPlanTally(mailingId, true);
  // The sender compares its chunksDone with this, so the last chunk done can close the mailing.
  await mailings.setCounter(mailingId, 'chunksPlanned', tally.chunks ?? 0);
  await mailings.setFields(mailingId, { plannedAt: at });
  await closeIfDone(mailingId);
  if (mailing.overrideConsent) {
    await audit.record(
      systemActor('planner'),
      {
        action: 'mailing.override_reached',
        details: {
          mailingId,
          requestedBy: mailing.sendRequestedBy,
          reason: mailing.overrideReason,
          reachedOnlyByOverride: tally.overrideOnly ?? 0,
        },
      },
      at,
    );
  }
};

/**
 * A mailing is sent when planning has finished and every send chunk is done. Called by the planner
 * at its end and by the sender after each chunk; whichever comes last closes it.
 */
export const closeIfDone = async (mailingId: string): Promise<boolean> => {
  const mailing = await mailings.getStored(mailingId, true);
  if (!mailing?.plannedAt || (mailing.status !== 'planned' && mailing.status !== 'sending')) return false;
  const [{ tally }, counts] = await Promise.all([
    recipients.getPlanTally(mailingId, true),
    mailings.getCountsRaw(mailingId, true),
  ]);
  if ((counts.chunksDone ?? 0) < (tally.chunks ?? 0)) return false;
  return mailings.transition(mailingId, ['planned', 'sending'], 'sent', {
    completedAt: new Date().toISOString(),
  });
};

/**
 * Queues again the send chunks a paused mailing parked (`queued` chunks whose messages the sender
 * let go), a Query page at a time; answers where to continue, or undefined when all are queued.
 * Used by resume (they are sent) and by cancelling a paused mailing (the sender records them
 * `skipped: cancelled`, so the counts add up).
 */
export const requeueParked = async (
  mailingId: string,
  after: string | undefined,
  remainingMs: () => number,
): Promise<string | undefined> => {
  let position = after;
  do {
    const { chunkIds, last } = await recipients.queuedSendChunks(mailingId, position);
    if (chunkIds.length) {
      await sendMessages(
        'send',
        chunkIds.map((k) => JSON.stringify({ m: mailingId, k } satisfies SendMessage)),
      );
    }
    if (!last) return undefined;
    position = last;
  } while (remainingMs() > reserveMs);
  return position;
};
