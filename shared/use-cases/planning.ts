/**
 * Planning a mailing: resolve the target list, apply the eligibility rule to every member, record
 * each verdict, and queue the included recipients for sending.
 *
 * Input: a mailing id (status `planned` or `sending`) and the time left in this invocation.
 * Output: `done` when every source is exhausted; otherwise the caller re-queues the plan message.
 * 1. Take the mailing's planning lease (a duplicate plan message must not plan twice).
 * 2. Create the checkpoint with one entry per source (16 index shards per type or interest, plus
 *    the static ids), unless it exists: then resume from it.
 * 3. Per source (one per index shard, merging the list's indexes and static ids: see
 *    list-resolution.ts), in parallel, page by page (1 MB Query pages):
 *    a. save where the page ends before writing any of its chunks (for every page but a source's
 *       first, this rides on the previous page's checkpoint write, the page read ahead);
 *    b. filter by the list's criteria and judge each member by the eligibility rule;
 *    c. cut included members into chunks of 50 (one SQS message each) and excluded ones into
 *       chunks of 100, with deterministic ids;
 *    d. write the chunks (BatchWriteItem), queue the send chunks (SendMessageBatch, 10 a call),
 *       then in ONE write save the source's checkpoint and add the page's tallies.
 *    After a crash the page in progress is read again exactly (up to its saved end); the contacts
 *    its chunks already hold are kept and counted from those chunks, the rest is written anew: a
 *    contact is recorded, counted and queued once, even if members came or went meanwhile.
 * 4. When every source is done: record completion, mark the mailing `sent` if nothing is left to
 *    send, and audit how many were reached only because of a consent override.
 */
import * as audit from '#shared/adapters/dynamodb/audit.ts';
import { lists } from '#shared/adapters/dynamodb/lists.ts';
import * as mailings from '#shared/adapters/dynamodb/mailings.ts';
import * as recipients from '#shared/adapters/dynamodb/recipients.ts';
import type { PlannedChunk, Row, SourceCheckpoint } from '#shared/adapters/dynamodb/recipients.ts';
import { sendMessages } from '#shared/adapters/sqs/client.ts';
import { systemActor } from '#shared/domain/api-key.ts';
import { planned } from '#shared/domain/chunk-attempt.ts';
import { newId } from '#shared/domain/ids.ts';
import { logger } from '#shared/observability/logger.ts';
import { neededOverride, verdictFor } from './judge.ts';
import { type ListSource, listSources, type SourcePage } from './list-resolution.ts';

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

    /** Records one page (b–d); answers its tallies and the send chunks to queue. */
    const recordPage = async (
      source: ListSource,
      state: SourceCheckpoint,
      page: SourcePage,
      resumed: boolean,
    ): Promise<{ tally: Record<string, number>; enqueue: string[] }> => {
      const prefix = `${source.id}.${pad(state.page, 6)}`;
      const tally: Record<string, number> = {};
      const count = (name: string, n = 1) => {
        tally[name] = (tally[name] ?? 0) + n;
      };
      // After a crash, what this page already recorded stays as it is, and is counted from there.
      const existing = resumed ? await recipients.pageChunks(mailingId, prefix) : [];
      const recorded = new Set<string>();
      let nextSend = 0;
      let nextSkip = 0;
      for (const chunk of existing) {
        const index = Number(/\.[sx](\d+)$/.exec(chunk.chunkId)?.[1] ?? -1);
        if (chunk.kind === 'send') {
          nextSend = Math.max(nextSend, index + 1);
          count('chunks');
        } else nextSkip = Math.max(nextSkip, index + 1);
        for (const row of chunk.rows) {
          recorded.add(row.c);
          const { reason, detail } = planned(row);
          count(chunk.kind === 'send' ? 'eligible' : 'excluded');
          count(`reason_${reason}`);
          if (detail?.startsWith(neededOverride)) count('overrideOnly');
        }
      }
      const send: Row[] = [];
      const skip: Row[] = [];
      for (const member of page.members) {
        if (recorded.has(member.contactId)) continue;
        const { result, detail } = verdictFor(rule, privacyEnabled, member);
        const included = result.verdict === 'included';
        if (detail?.startsWith(neededOverride)) count('overrideOnly');
        (included ? send : skip).push({
          c: member.contactId,
          r: result.reason,
          s: included ? 'queued' : 'skipped',
          ...(detail ? { d: detail } : {}),
        });
        count(`reason_${result.reason}`);
        count(included ? 'eligible' : 'excluded');
      }
      const chunks: PlannedChunk[] = [];
      for (let i = 0; i < send.length; i += sendChunkSize) {
        chunks.push({
          mailingId,
          chunkId: `${prefix}.s${pad(nextSend++, 3)}`,
          kind: 'send',
          state: 'queued',
          rows: send.slice(i, i + sendChunkSize),
        });
        count('chunks');
      }
      for (let i = 0; i < skip.length; i += skipChunkSize) {
        chunks.push({
          mailingId,
          chunkId: `${prefix}.x${pad(nextSkip++, 3)}`,
          kind: 'skip',
          state: 'done',
          rows: skip.slice(i, i + skipChunkSize),
        });
      }
      await recipients.putChunks(chunks);
      // Queued again: what this page wrote before a crash and the sender has not started (a chunk
      // it took ignores the copy), and what it wrote now.
      const enqueue = [
        ...existing.filter((c) => c.kind === 'send' && c.state === 'queued').map((c) => c.chunkId),
        ...chunks.filter((c) => c.kind === 'send').map((c) => c.chunkId),
      ];
      return { tally, enqueue };
    };

    /** Queues send chunks in full SendMessageBatch calls of 10; answers what waits for the next page. */
    const enqueueChunks = async (carry: string[] | undefined, enqueue: string[], last: boolean) => {
      const ready = [...(carry ?? []), ...enqueue];
      const now = last ? ready : ready.slice(0, ready.length - (ready.length % 10));
      if (now.length) {
        if (mailing.status === 'planned' && (await mailings.transition(mailingId, ['planned'], 'sending'))) {
          mailing.status = 'sending';
        }
        await sendMessages(
          'send',
          now.map((k) => JSON.stringify({ m: mailingId, k } satisfies SendMessage)),
        );
      }
      return ready.slice(now.length);
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
      const time = () => !stop && !failed && remainingMs() > reserveMs;
      // A page whose end was saved: read exactly that range again (a crash may have left some of
      // its chunks written, or it was read ahead and not written yet).
      let resumed = Boolean(state.current);
      let page =
        !state.done && state.current
          ? await source.read(state.next, pageLimit, state.current.through)
          : undefined;
      while (!state.done && (page || time())) {
        if (!page) {
          page = await source.read(state.next, pageLimit);
          if (page.end === undefined) {
            // Nothing more in this source.
            await enqueueChunks(state.carry, [], true);
            state = { page: state.page, done: true };
            await recipients.advancePlan(mailingId, source.id, state, {});
            break;
          }
          // a. Its end, before any of its chunks.
          state = { ...state, current: { through: page.end as string } };
          await recipients.advancePlan(mailingId, source.id, state, {});
        }
        const { tally, enqueue } = await recordPage(source, state, page, resumed);
        // Read the next page ahead: its end goes into this page's checkpoint write (a.).
        let ahead: SourcePage | undefined;
        let done = !page.next;
        if (page.next && time() && !(await cancelled())) {
          const read = await source.read(page.next, pageLimit);
          if (read.end === undefined) done = true;
          else ahead = read;
        }
        const carry = await enqueueChunks(state.carry, enqueue, done);
        const nextState: SourceCheckpoint = {
          page: state.page + 1,
          ...(!done && page.next ? { next: page.next } : {}),
          done,
          ...(carry.length ? { carry } : {}),
          ...(ahead?.end !== undefined ? { current: { through: ahead.end } } : {}),
        };
        // d. Checkpoint and tallies in one atomic write: a page is counted exactly once.
        await recipients.advancePlan(mailingId, source.id, nextState, tally);
        state = nextState;
        page = ahead;
        resumed = false;
        if (!state.done && (await cancelled())) stop = true;
        if (stop) break;
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
  const closed = await mailings.transition(mailingId, ['planned', 'sending'], 'sent', {
    completedAt: new Date().toISOString(),
  });
  if (closed) await mailings.clearActive(mailingId);
  return closed;
};

/**
 * Queues again every send chunk of a mailing that is not finished — `queued` or `sending` (its
 * message may be gone: a pause let it go, a restart emptied the local queues, it went to the DLQ),
 * or done but still owing counts — a Query page at a time; answers where to continue, or undefined
 * when all are queued. The chunk states make a copy of a message that still exists harmless. Used
 * by resume, by cancelling a paused mailing (the sender records the rows `skipped: cancelled`), and
 * by the reconciler.
 */
export const requeueUnfinished = async (
  mailingId: string,
  after: string | undefined,
  remainingMs: () => number,
  /** Chunks to leave where they are (the reconciler leaves those noted in the DLQ to a person). */
  skip: ReadonlySet<string> = new Set(),
): Promise<string | undefined> => {
  let position = after;
  do {
    const page = await recipients.unfinishedSendChunks(mailingId, position);
    const last = page.last;
    const chunkIds = page.chunkIds.filter((k) => !skip.has(k));
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
