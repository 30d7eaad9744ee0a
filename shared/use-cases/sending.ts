/**
 * Sending one chunk (the ≤ 50 recipients of one SQS message) as a chunk attempt: every write of the
 * chunk is a transition of shared/domain/chunk-attempt.ts, stored by a write conditional on the
 * version read, so two attempts on one chunk (a duplicate delivery, a resume, the reconciler) can
 * interleave anywhere without mailing anyone twice.
 *
 * Input: the mailing and chunk ids, and the invocation's send session (its deadline, the rate slot
 * it holds). Output: nothing, or a hand-back: the message returns to the queue after a delay —
 * for the account's rate, another attempt's lease, or time this invocation does not have — which
 * is not a failure (no receive used up, never the DLQ).
 * 1. Read the chunk and the mailing together. Done → add what a crashed attempt still owed, close
 *    the mailing if this was its last chunk. Held by a live attempt → hand back until its lease
 *    ends.
 * 2. Cancelled mailing → take and cancel (queued rows skipped `cancelled`) in one write. Paused →
 *    the rows wait for a resume (a dead holder's chunk is taken over and given back).
 * 3. Per SES call of ≤ min(50, rate) rows: a slot of the rate (none before the invocation's last
 *    call could start → give back, hand back); the rows marked `sending` — in the take's write for
 *    the first call, in the previous call's results write when the slot was free at once — beside
 *    the last-moment check (their contacts read again, judged again); the call, only if it can end
 *    before the lease does; its results recorded, the last call's with `done`.
 * 4. Counts: what the attempt owes is in the chunk with its last write; one ADD under the
 *    attempt's marker adds it, then the entry is cleared (while the invocation goes on with its next
 *    chunk); the mailing is closed after its last chunk.
 *
 * SES failures of a whole call: throttled or 5xx → rows `queued`, the chunk given back and handed
 * back; daily quota, sending paused, account suspended → rows `queued`, the mailing `paused` with
 * `pausedReason` (a resume continues); rejected → rows `failed` with SES's reason; no answer after
 * the request may have reached SES → `failed/outcome_unknown`, never sent again.
 */
import * as z from '#shared/schema/z.ts';
import { coercedNumber } from '#shared/schema/z.ts';
import * as audit from '#shared/adapters/dynamodb/audit.ts';
import { batchGetAll } from '#shared/adapters/dynamodb/batch.ts';
import { tableName } from '#shared/adapters/dynamodb/client.ts';
import { clock } from '#shared/adapters/clock.ts';
import { contactKeys } from '#shared/adapters/dynamodb/contact-keys.ts';
import * as mailings from '#shared/adapters/dynamodb/mailings.ts';
import { acquireSendSlot, type SendSlot } from '#shared/adapters/dynamodb/rate-limiter.ts';
import * as recipients from '#shared/adapters/dynamodb/recipients.ts';
import type { Chunk } from '#shared/adapters/dynamodb/recipients.ts';
import { settings } from '#shared/adapters/dynamodb/settings.ts';
import * as subscriptionTypes from '#shared/adapters/dynamodb/subscription-types.ts';
import { signingKeys } from '#shared/adapters/secrets/signing-keys.ts';
import {
  type BulkEntry,
  SesOutcomeUnknown,
  SesRejected,
  SesRetryLater,
  SesSendingStopped,
  sendBulk,
  sesBulkLimit,
  sesCallTimeoutMs,
} from '#shared/adapters/ses/client.ts';
import { loadConfig, mailboxAddress } from '#shared/config/env.ts';
import { systemActor } from '#shared/domain/api-key.ts';
import {
  type Attempt,
  type CallOutcome,
  type ChunkRecord,
  cancel,
  type PendingCount,
  decideTake,
  finish,
  giveBack,
  markSending,
  noteSettled,
  othersPending,
  queuedRows,
  recordResults,
  take,
} from '#shared/domain/chunk-attempt.ts';
import { chooseLanguage } from '#shared/domain/i18n.ts';
import { newId } from '#shared/domain/ids.ts';
import type { Member } from '#shared/domain/list.ts';
import { type Mailing, usedLinks } from '#shared/domain/mailing.ts';
import { render } from '#shared/domain/render.ts';
import { signToken } from '#shared/domain/tokens.ts';
import { logger } from '#shared/observability/logger.ts';
import { type HandBack, handBack } from '#shared/workers/sqs-worker.ts';
import { verdictFor } from './judge.ts';
import { toMember } from './list-resolution.ts';
import { closeIfDone } from './planning.ts';

let loaded: ReturnType<typeof load> | undefined;
/** The sender's configuration, validated once; the worker calls it at cold start. */
export const sendingConfig = () => {
  loaded ??= load();
  return loaded;
};
const load = () =>
  loadConfig({
    PUBLIC_BASE_URL: z.url(),
    SES_RATE_PER_SECOND: z._default(coercedNumber().check(z.int(), z.minimum(1), z.maximum(100_000)), 14),
    SES_CONFIGURATION_SET: z.optional(z.string().check(z.minLength(1))),
    UNSUBSCRIBE_ADDRESS: z.optional(mailboxAddress),
  });

/** Kept at the end of an invocation for the last writes, the counts and the hand-backs. */
const reserveMs = 5_000;
/** How long a chunk waits when SES throttled a call the rate log let through. */
const throttledDelaySeconds = 2;
/**
 * Another attempt's pending counts are added by whoever finds them only once that attempt cannot
 * be adding them itself any more: this long after its lease (its invocation) ended, for requests it
 * had in flight. Until then a chunk holding them is not finished: it is given back until they can
 * be settled, so a chunk is only ever done with nothing owed but by its finisher (whose counts
 * include `chunksDone`: the mailing cannot close while any of them is unsettled).
 */
const settleAfterMs = 10_000;

/** When the first of these pending entries may be settled by someone else (epoch ms). */
const settleableAt = (entries: Array<[string, { at: number }]>) =>
  Math.min(...entries.map(([, entry]) => entry.at + settleAfterMs));

const domainOf = (from: string) => /@([^>\s]+)>?\s*$/.exec(from)?.[1]?.toLowerCase() ?? 'localhost';

/**
 * A subscription type as the sender needs it (its name, for List-Id), kept for a minute per
 * container: every chunk of a mailing names the same type.
 */
const typeCache = new Map<string, { at: number; type: ReturnType<typeof subscriptionTypes.get> }>();
const typeFor = (typeId: string) => {
  const cached = typeCache.get(typeId);
  if (cached && cached.at > Date.now() - 60_000) return cached.type;
  const type = subscriptionTypes.get(typeId);
  typeCache.set(typeId, { at: Date.now(), type });
  type.catch(() => typeCache.delete(typeId));
  return type;
};

/** What the chunks of one invocation share. */
export interface SendSession {
  /** The invocation's end (epoch ms, {@link clock}): the lease of every chunk it takes. */
  deadline: number;
  /**
   * The rate slot of the last SES call, whose release is written by the next call's acquire (one
   * conditional write for both) or when the session closes.
   */
  held?: SendSlot;
  /** Counted markers whose pending entries are gone, by mailing: dropped when the session closes. */
  forget: Map<string, Set<string>>;
  /**
   * Each finished chunk's counting (its ADD, then clearing what it owed), running while the next
   * chunk starts: off the chunk's own path, awaited when the session closes.
   */
  counting: Array<Promise<void>>;
}

export const openSendSession = (remainingMs: number): SendSession => ({
  deadline: clock.now() + remainingMs,
  forget: new Map(),
  counting: [],
});

/**
 * Waits for the counting still running, releases the last slot and drops the markers. Throws if
 * some counting failed, so the batch's messages come back and find their chunks' counts still owed
 * (a slot not released only counts a little longer).
 */
export const closeSendSession = async (session: SendSession): Promise<void> => {
  const counted = await Promise.allSettled(session.counting);
  session.counting = [];
  const slot = session.held;
  session.held = undefined;
  await slot?.release().catch((error: unknown) => {
    logger.warn('rate slot not released; it stops counting at its deadline', { error: String(error) });
  });
  for (const [mailingId, tokens] of session.forget) {
    await mailings.forgetCountedTokens(mailingId, [...tokens]).catch((error: unknown) => {
      // Harmless: a marker left behind only takes a few bytes of the counters item.
      logger.warn('counted markers not removed', { mailingId, error: String(error) });
    });
  }
  session.forget.clear();
  const failed = counted.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
};

const forgetLater = (session: SendSession, mailingId: string, tokens: Iterable<string>) => {
  const set = session.forget.get(mailingId) ?? new Set<string>();
  for (const token of tokens) set.add(token);
  if (set.size) session.forget.set(mailingId, set);
};

type StoredMailing = NonNullable<Awaited<ReturnType<typeof mailings.getStored>>>;

/** Sends one chunk; `session` is shared by the chunks of one invocation, which closes it. */
export const sendChunk = async (
  mailingId: string,
  chunkId: string,
  session: SendSession,
): Promise<HandBack | undefined> => {
  // 1. The chunk and the mailing, side by side.
  const [chunk, mailing] = await Promise.all([
    recipients.getChunk(mailingId, chunkId),
    mailings.getStored(mailingId, true),
  ]);
  if (chunk?.kind !== 'send') return undefined;
  const now = clock.now();
  const decision = decideTake(chunk, now);
  if (decision.kind === 'finished') {
    const waitUntil = await settleDone(chunk, session);
    if (waitUntil !== undefined) return handBack((waitUntil - clock.now()) / 1000 + 1);
    await closeIfDone(mailingId);
    return undefined;
  }
  if (decision.kind === 'wait') return handBack((decision.until - now) / 1000 + 1);

  const run = new ChunkRun(chunk, session);
  // 2. Cancelled: nothing more goes out. Paused: the rows wait, unless a dead holder left some.
  if (!mailing || mailing.status === 'cancelled') return run.cancelled();
  if (mailing.status === 'paused') return chunk.state === 'queued' ? undefined : run.parked();

  return run.send(mailing);
};

/**
 * A done chunk still holding counts of an attempt that died before adding them: add them now, or
 * answer when that may be done (its writer may still be adding them).
 */
const settleDone = async (chunk: Chunk, session: SendSession): Promise<number | undefined> => {
  const me = newId();
  const entries = Object.entries(chunk.pend);
  const waiting = entries.filter(([, entry]) => clock.now() < entry.at + settleAfterMs);
  for (const [token, entry] of entries) {
    if (waiting.some(([t]) => t === token)) continue;
    if (
      !(await recipients.claimPending(chunk.mailingId, chunk.chunkId, token, entry.o, me, session.deadline))
    )
      continue;
    const { applied } = await mailings.addCountsOnce(chunk.mailingId, entry.d, [token], { moved: true });
    logger.warn('counts of an interrupted attempt settled', {
      mailingId: chunk.mailingId,
      chunkId: chunk.chunkId,
      alreadyCounted: !applied,
    });
    if (await recipients.clearPending(chunk.mailingId, chunk.chunkId, token, me))
      forgetLater(session, chunk.mailingId, [token]);
  }
  return waiting.length ? settleableAt(waiting) : undefined;
};

/** One attempt on one chunk: the transitions, each stored by a conditional write. */
class ChunkRun {
  /** The attempt as last stored (undefined before its first write). */
  private attempt: Attempt | undefined;
  /** The attempt with everything known applied: ahead of `attempt` by what is not stored yet. */
  private latest: Attempt | undefined;
  /** Rows marked `sending` whose SES call is not recorded yet, and whether the call started. */
  private open: { ids: string[]; called: boolean } | undefined;
  private readonly mailingId: string;
  private readonly chunkId: string;
  private readonly read: Chunk;
  private readonly session: SendSession;

  constructor(read: Chunk, session: SendSession) {
    this.read = read;
    this.session = session;
    this.mailingId = read.mailingId;
    this.chunkId = read.chunkId;
  }

  /** Takes the chunk in memory (the first write stores it). */
  private begin(): Attempt {
    const attempt = take(this.read, newId(), this.session.deadline, clock.now());
    if (this.read.state === 'sending') {
      logger.warn('chunk taken over from an attempt whose lease ended', {
        mailingId: this.mailingId,
        chunkId: this.chunkId,
        outcomeUnknown: this.read.rows.filter((row) => row.s === 'sending').length,
      });
    }
    this.latest = attempt;
    return attempt;
  }

  /**
   * Stores `next` on condition that the chunk is still as this attempt last wrote (or read) it.
   * False when another attempt wrote first: this one has lost the chunk and must stop. A write
   * whose answer was lost is looked up.
   */
  private async commit(next: Attempt): Promise<boolean> {
    const previous: ChunkRecord = this.attempt?.chunk ?? this.read;
    let written: boolean;
    try {
      written = await recipients.writeChunk({ ...this.read, ...next.chunk }, previous);
    } catch (error) {
      const now = await recipients.getChunk(this.mailingId, this.chunkId).catch(() => undefined);
      if (!now || now.v === previous.v) throw error;
      written = now.v === next.chunk.v && now.holder === next.chunk.holder && now.state === next.chunk.state;
    }
    if (!written) {
      logger.warn('chunk written by another attempt first; this one stops', {
        mailingId: this.mailingId,
        chunkId: this.chunkId,
      });
      return false;
    }
    // Entries this write dropped were added to the mailing by this attempt: their markers can go.
    const dropped = Object.keys(previous.pend).filter((token) => !(token in next.chunk.pend));
    forgetLater(
      this.session,
      this.mailingId,
      dropped.filter((token) => token !== next.id),
    );
    this.attempt = next;
    this.latest = next;
    return true;
  }

  /**
   * A final transition (done, or given back) of what is known, stored, then counted. A chunk that
   * still holds counts another attempt may be adding is not finished but given back until they can
   * be settled (the hand-back says when). Answers false when another attempt wrote first.
   */
  private async end(to: (attempt: Attempt) => Attempt): Promise<{ stored: boolean; handBack?: HandBack }> {
    if (!this.attempt && othersPending(this.latest ?? this.begin()).length) {
      // Counts other attempts left owing are added only by a holder: take first, then settle them.
      if (!(await this.commit(this.latest as Attempt))) return { stored: false };
      await this.settleOthers();
    }
    let next = to(this.latest as Attempt);
    let foreign = othersPending(this.latest as Attempt);
    if (next.chunk.state === 'done' && foreign.length) {
      // They were there when read; their writers usually clear them moments later: look again.
      await this.refreshPending();
      await this.settleOthers();
      next = to(this.latest as Attempt);
      foreign = othersPending(this.latest as Attempt);
    }
    let deferred: HandBack | undefined;
    if (next.chunk.state === 'done' && foreign.length) {
      next = giveBack(this.latest as Attempt);
      deferred = handBack((settleableAt(foreign) - clock.now()) / 1000 + 1);
    }
    if (!(await this.commit(next))) return { stored: false };
    const mine = next.chunk.pend[next.id];
    if (mine) {
      // 4. The counts: added once under this attempt's marker, then its entry cleared — while the
      // session goes on with its next chunk (the entry in the chunk makes a crash meanwhile safe).
      const { mailingId, chunkId, session } = this;
      session.counting.push(
        (async () => {
          const { counts } = await mailings.addCountsOnce(mailingId, mine.d, [next.id], { moved: true });
          if (await recipients.clearPending(mailingId, chunkId, next.id, next.id))
            forgetLater(session, mailingId, [next.id]);
          if (next.chunk.state === 'done' && (counts.chunksDone ?? 0) >= (counts.chunksPlanned ?? Infinity))
            await closeIfDone(mailingId);
        })(),
      );
    }
    return { stored: true, ...(deferred ? { handBack: deferred } : {}) };
  }

  /** Other attempts' pending entries as the table has them now (their writers clear them). */
  private async refreshPending(): Promise<void> {
    if (!this.attempt || !this.latest) return;
    const now = await recipients.getChunk(this.mailingId, this.chunkId);
    if (!now || now.v !== this.attempt.chunk.v) return; // changed: the next write will find out
    const mine = (pend: Record<string, PendingCount>) =>
      Object.fromEntries(Object.entries(pend).filter(([token]) => token === this.attempt?.id));
    const foreign = Object.fromEntries(
      Object.entries(now.pend).filter(([token]) => token !== this.attempt?.id),
    );
    const refresh = (attempt: Attempt): Attempt => ({
      ...attempt,
      chunk: { ...attempt.chunk, pend: { ...foreign, ...mine(attempt.chunk.pend) } },
    });
    this.attempt = refresh(this.attempt);
    this.latest = refresh(this.latest);
  }

  /** Adds other attempts' pending counts that nobody else can be adding; the next write drops them. */
  private async settleOthers(): Promise<void> {
    const attempt = this.attempt as Attempt;
    const stale = othersPending(attempt).filter(([, entry]) => clock.now() >= entry.at + settleAfterMs);
    for (const [token, entry] of stale) await mailings.addCountsOnce(this.mailingId, entry.d, [token]);
    if (!stale.length) return;
    this.attempt = noteSettled(
      attempt,
      stale.map(([token]) => token),
    );
    this.latest = this.attempt;
  }

  async cancelled(): Promise<HandBack | undefined> {
    return (await this.end(cancel)).handBack;
  }

  async parked(): Promise<undefined> {
    await this.end(giveBack);
    return undefined;
  }

  /** Ends early: rows whose call never started go back to `queued`, the chunk is given back. */
  private async stop(): Promise<void> {
    if (!this.attempt || !this.latest) return; // nothing written: the chunk is as it was read
    if (this.open) {
      const outcome: CallOutcome = this.open.called ? { kind: 'unknown' } : { kind: 'requeue' };
      this.latest = recordResults(this.latest, new Map(this.open.ids.map((id) => [id, outcome])));
      this.open = undefined;
    }
    await this.end(giveBack);
  }

  async send(mailing: StoredMailing): Promise<HandBack | undefined> {
    try {
      return await this.sendCalls(mailing);
    } catch (error) {
      // Hand SES nothing more; give back what was not sent, so a retry finds it queued.
      await this.stop().catch((stopError: unknown) =>
        logger.warn('chunk not given back after an error; its lease will end', {
          mailingId: this.mailingId,
          chunkId: this.chunkId,
          error: String(stopError),
        }),
      );
      throw error;
    }
  }

  private async sendCalls(mailing: StoredMailing): Promise<HandBack | undefined> {
    const env = sendingConfig();
    const rate = env.SES_RATE_PER_SECOND;
    const size = Math.min(sesBulkLimit, rate);
    const session = this.session;
    const lastCallStart = () => session.deadline - reserveMs - sesCallTimeoutMs;
    // A call takes what room the rate has now rather than wait for all it wants, down to a third
    // of it: windows are filled, and calls do not get needlessly small.
    const atLeast = (wanted: number) => Math.max(1, Math.floor(wanted / 3));
    const content = await this.content(mailing);
    this.begin();
    let slot: SendSlot | undefined;

    for (;;) {
      const latest = this.latest as Attempt;
      const queued = queuedRows(latest.chunk).slice(0, size);
      if (!queued.length) return (await this.end(finish)).handBack;
      // 3. A slot of the rate for this call, unless the last results write found one free at once.
      if (!slot) {
        const answer = await acquireSendSlot({
          count: queued.length,
          atLeast: atLeast(queued.length),
          ratePerSecond: rate,
          waitUntil: lastCallStart(),
          callMs: sesCallTimeoutMs,
          handOver: session.held,
        });
        session.held = undefined;
        if (!answer.slot) {
          if (this.attempt) await this.end(giveBack);
          return handBack((answer.retryAt - clock.now()) / 1000);
        }
        slot = answer.slot;
      }
      // The marks (stored before SES can accept anything) and the last-moment check, side by side.
      const ids = queued.slice(0, slot.count).map((row) => row.c);
      const first = !this.attempt;
      const [stored, checked] = await Promise.allSettled([
        this.commit(markSending(latest, ids)),
        this.lastCheck(mailing, ids),
      ]);
      if (stored.status === 'rejected' || !stored.value) {
        await slot.release();
        if (stored.status === 'rejected') throw stored.reason;
        return undefined; // another attempt holds the chunk now
      }
      this.open = { ids, called: false };
      if (first) await this.settleOthers();
      if (checked.status === 'rejected') {
        await slot.release();
        throw checked.reason;
      }
      const outcomes = new Map<string, CallOutcome>(checked.value.skipped);
      const toSend = checked.value.send;
      let stopped: SesSendingStopped | undefined;
      let delay: number | undefined;
      if (clock.now() + sesCallTimeoutMs > session.deadline - reserveMs) {
        // The call could outlive the lease: a later attempt makes it.
        for (const { contactId } of toSend) outcomes.set(contactId, { kind: 'requeue' });
        delay = 0;
      } else if (toSend.length) {
        this.open.called = true;
        try {
          const results = await sendBulk(
            mailing.from,
            env.SES_CONFIGURATION_SET,
            toSend.map(({ contactId, member }) => content.entry(contactId, member)),
          );
          toSend.forEach(({ contactId }, i) => {
            const result = results[i];
            outcomes.set(
              contactId,
              result?.status === 'sent'
                ? { kind: 'sent' }
                : { kind: 'failed', detail: result?.error ?? 'unknown' },
            );
          });
        } catch (error) {
          const outcome = this.classify(error);
          for (const { contactId } of toSend) outcomes.set(contactId, outcome);
          if (error instanceof SesSendingStopped) stopped = error;
          else if (error instanceof SesRetryLater) delay = throttledDelaySeconds;
        }
      }
      slot.returnedAt = clock.now();
      session.held = slot;
      slot = undefined;
      this.latest = recordResults(this.latest as Attempt, outcomes);
      this.open = undefined;

      if (stopped || delay !== undefined) {
        if (!(await this.end(giveBack)).stored) return undefined;
        if (!stopped) return handBack(delay ?? 0);
        await this.pause(stopped);
        return undefined;
      }
      const next = queuedRows(this.latest.chunk).slice(0, size);
      if (!next.length) continue; // `done` goes in with these results
      if (clock.now() < lastCallStart()) {
        const answer = await acquireSendSlot({
          count: next.length,
          atLeast: atLeast(next.length),
          ratePerSecond: rate,
          waitUntil: clock.now(),
          callMs: sesCallTimeoutMs,
          handOver: session.held,
        });
        session.held = undefined;
        if (answer.slot) {
          slot = answer.slot;
          continue; // the next call's marks go in with these results
        }
      }
      if (!(await this.commit(this.latest))) return undefined;
    }
  }

  /** What a failed call means for its rows (the classes of shared/adapters/ses/client.ts). */
  private classify(error: unknown): CallOutcome {
    if (error instanceof SesRetryLater || error instanceof SesSendingStopped) {
      logger.warn('SES accepted nothing; the rows wait', {
        mailingId: this.mailingId,
        chunkId: this.chunkId,
        error: error.name,
        sesError: error.sesError,
      });
      return { kind: 'requeue' };
    }
    if (error instanceof SesRejected) return { kind: 'failed', detail: error.sesError };
    logger.warn("SES's answer was lost; the rows are never sent again", {
      mailingId: this.mailingId,
      chunkId: this.chunkId,
      error: error instanceof SesOutcomeUnknown ? error.sesError : String((error as Error)?.name),
    });
    return { kind: 'unknown' };
  }

  /** SES stopped taking mail: the mailing waits, paused with the reason, for a resume. */
  private async pause(stop: SesSendingStopped): Promise<void> {
    const at = new Date().toISOString();
    const pausedReason = { code: stop.code, sesError: stop.sesError };
    if (
      await mailings.transition(this.mailingId, ['planned', 'sending'], 'paused', {
        pausedAt: at,
        pausedReason,
      })
    ) {
      logger.warn('mailing paused: SES stopped taking mail', { mailingId: this.mailingId, ...pausedReason });
      await audit.record(
        systemActor('sender'),
        { action: 'mailing.paused', details: { mailingId: this.mailingId, ...pausedReason } },
        at,
      );
    }
  }

  /**
   * The last-moment check: the call's contacts as they are now (one strongly consistent
   * BatchGetItem), judged again; whoever unsubscribed since planning — or while earlier calls
   * waited for the rate — is skipped with the new reason.
   */
  private async lastCheck(
    mailing: StoredMailing,
    ids: readonly string[],
  ): Promise<{ send: Array<{ contactId: string; member: Member }>; skipped: Array<[string, CallOutcome]> }> {
    const privacyEnabled = (mailing.privacyEnabled ?? true) || (await settings.getPrivacy()).enabled;
    const items = await batchGetAll(
      tableName('contacts'),
      ids.map((id) => contactKeys.contact(id)),
      true,
    );
    const contacts = new Map<string, Member>(items.map((item) => [String(item.id), toMember(item)]));
    const send: Array<{ contactId: string; member: Member }> = [];
    const skipped: Array<[string, CallOutcome]> = [];
    for (const id of ids) {
      const member = contacts.get(id);
      const verdict = member ? verdictFor(mailing, privacyEnabled, member) : undefined;
      if (member && verdict?.result.verdict === 'included') {
        send.push({ contactId: id, member });
        continue;
      }
      const detail = member ? verdict?.detail : 'erased';
      skipped.push([id, { kind: 'skipped', reason: verdict?.result.reason ?? 'invalid_email', detail }]);
    }
    return { send, skipped };
  }

  /** Rendering, per recipient: tokens, links, headers, tags. */
  private async content(mailing: StoredMailing) {
    const env = sendingConfig();
    const [type, keys] = await Promise.all([typeFor(mailing.subscriptionTypeId), signingKeys()]);
    const base = env.PUBLIC_BASE_URL.replace(/\/$/, '');
    const typeInfo = {
      id: mailing.subscriptionTypeId,
      name: type?.name ?? 'our mailings',
      listDomain: domainOf(mailing.from),
    };
    // The tracked links the body uses, signed per recipient (`{{links.NAME}}`).
    const tracked = usedLinks(mailing.subject, mailing.text, mailing.html).flatMap((name) => {
      const link = (mailing as Pick<Mailing, 'links'>).links?.[name];
      return link ? [{ name, link }] : [];
    });
    const { mailingId, chunkId } = this;
    return {
      entry: (contactId: string, member: Member): BulkEntry => {
        const token = (p: 'unsubscribe' | 'preferences') =>
          signToken(keys, { p, c: contactId, m: mailingId, t: mailing.subscriptionTypeId });
        const unsubscribe = token('unsubscribe');
        const rendered = render(
          mailing,
          {
            email: member.email as string,
            firstName: member.firstName,
            lastName: member.lastName,
            fields: member.fields,
            language: chooseLanguage(member.locale),
          },
          {
            unsubscribeUrl: `${base}/u/${unsubscribe}`,
            preferencesUrl: `${base}/p/${token('preferences')}`,
            ...(env.UNSUBSCRIBE_ADDRESS
              ? { unsubscribeMailto: `mailto:${env.UNSUBSCRIBE_ADDRESS}?subject=unsubscribe-${unsubscribe}` }
              : {}),
            tracked: Object.fromEntries(
              tracked.map(({ name, link }) => [
                name,
                `${base}/l/${signToken(keys, { p: 'link', c: contactId, m: mailingId, u: link.url, ...(link.action ? { a: link.action } : {}) })}`,
              ]),
            ),
          },
          typeInfo,
        );
        return { to: member.email as string, ...rendered, tags: { mailingId, contactId, chunkId } };
      },
    };
  }
}
