/**
 * A chunk attempt: one sender invocation's work on one chunk (the ≤ 50 recipients of one SQS
 * message), as an explicit state machine. Pure: the adapter stores what these functions return,
 * each write conditional on the version it read (shared/adapters/dynamodb/recipients.ts).
 *
 * Chunk:  queued ──take──▶ sending ──finish / cancel──▶ done
 *            ▲                │
 *            └───give back────┘      (take-over: sending whose holder's lease has ended ──▶ sending)
 *
 * Row:    queued ──mark──▶ sending ──record──▶ sent | failed | skipped (the last-moment check)
 *                              └──────record──▶ queued (SES accepted nothing: retried later)
 *         queued ──cancel──▶ skipped (cancelled)
 *
 * The rules that make two attempts on one chunk safe in any interleaving:
 * - Every write carries the version it read and sets the next one: of two attempts, the second to
 *   write finds the version changed and stops; it has sent nothing it did not first mark
 *   `sending` in a write that won.
 * - A `sending` chunk belongs to its holder until the holder's lease (its invocation's deadline)
 *   ends. Another attempt waits for that; it never takes a chunk from a live holder. The holder
 *   starts no SES call it could not finish before its lease ends.
 * - A row found `sending` by a take-over may have been accepted by SES just before its holder died:
 *   it is never sent again; it becomes `failed` with `outcome_unknown` (the first SES event for the
 *   message proves it was accepted and corrects it).
 * - What a write changes in the counters is written into the chunk with it (`pend[attempt]`, the
 *   attempt's cumulative counts), added to the mailing's counters afterwards under a marker, and
 *   removed only once added: a crash between the two writes leaves the counts in the chunk, where
 *   the next attempt (or whoever finds the chunk) adds them.
 */
import { type RowStatus, outcomeUnknown } from './ses-events.ts';

/** A chunk's states, in order: only `done` is final. */
export const chunkStates = ['queued', 'sending', 'done'] as const;
export type ChunkState = (typeof chunkStates)[number];

/** One recipient in a chunk, with short attribute names: they are stored millions of times. */
export interface ChunkRow {
  /** contact id */
  c: string;
  /** eligibility reason */
  r: string;
  /** status */
  s: RowStatus;
  /** detail: suppression reason, SES error, `outcome_unknown`, `cancelled`, … */
  d?: string;
  /** The reason and detail planning recorded, kept when the last-moment check replaced them. */
  p?: string;
  pd?: string;
}

/**
 * Counter changes a write of a chunk owes the mailing: written with the rows in one conditional
 * write, removed once added to the mailing's counters (under a marker named by the token).
 */
export interface PendingCount {
  /** counter → delta */
  d: Record<string, number>;
  /** The invocation that wrote or claimed it, and when (epoch ms). */
  o: string;
  at: number;
}

export interface ChunkRecord {
  state: ChunkState;
  /** Bumped by every sender write; each write is conditional on the version it read. */
  v: number;
  /** The attempt holding a `sending` chunk, and its lease: its invocation's deadline (epoch ms). */
  holder?: string;
  leaseUntil?: number;
  rows: ChunkRow[];
  /** Counts owed, by token (the attempt that wrote them). */
  pend: Record<string, PendingCount>;
}

export type Counters = Record<string, number>;

/** What one attempt has done so far: the chunk as it last wrote it, and the counts it owes. */
export interface Attempt {
  id: string;
  /** The lease: the attempt's invocation ends here, and so does its hold on the chunk. */
  deadline: number;
  chunk: ChunkRecord;
  /** Counts this attempt owes the mailing (cumulative; in `chunk.pend[id]` from its first write). */
  owed: Counters;
  /** Other attempts' pending counts it has added to the mailing: dropped with its next write. */
  settled: string[];
}

/** The result of one SES call for one row, as the sender classifies it. */
export type CallOutcome =
  | { kind: 'sent' }
  | { kind: 'failed'; detail: string }
  /** Excluded by the last-moment check: not handed to SES. */
  | { kind: 'skipped'; reason: string; detail?: string | undefined }
  /** SES accepted nothing (throttled, paused, 5xx): the row waits for a retry. */
  | { kind: 'requeue' }
  /** The call may have reached SES (a timeout, a lost answer): never sent again. */
  | { kind: 'unknown' };

/** Thrown by a transition applied to a chunk it does not fit: a bug in the caller, not a race. */
export class ChunkTransitionError extends Error {}

const add = (into: Counters, name: string, n: number) => {
  if (!n) return;
  into[name] = (into[name] ?? 0) + n;
  if (into[name] === 0) delete into[name];
};

const sum = (a: Counters, b: Counters): Counters => {
  const out = { ...a };
  for (const [name, n] of Object.entries(b)) add(out, name, n);
  return out;
};

/**
 * The next version of the chunk: `changes` applied, this attempt's counts in `pend` (stamped with its
 * deadline: once that has passed, the attempt cannot be adding them any more and others may), the
 * entries it settled dropped, and the holder and lease gone unless the chunk stays `sending`.
 */
const write = (attempt: Attempt, changes: Partial<ChunkRecord>, owed: Counters): Attempt => {
  const pend = { ...attempt.chunk.pend };
  for (const token of attempt.settled) delete pend[token];
  if (Object.keys(owed).length) pend[attempt.id] = { d: owed, o: attempt.id, at: attempt.deadline };
  else delete pend[attempt.id];
  const { holder: _holder, leaseUntil: _lease, ...unheld } = { ...attempt.chunk, ...changes };
  const next: ChunkRecord =
    (changes.state ?? attempt.chunk.state) === 'sending'
      ? { ...attempt.chunk, ...changes, pend, v: attempt.chunk.v + 1 }
      : { ...unheld, pend, v: attempt.chunk.v + 1 };
  return { ...attempt, owed, settled: [], chunk: next };
};

const holdsLease = (chunk: ChunkRecord, now: number) =>
  chunk.state === 'sending' && chunk.leaseUntil !== undefined && chunk.leaseUntil > now;

/** What an attempt may do with a chunk as read. */
export type TakeDecision =
  | { kind: 'take' }
  /** Nothing to send: a redelivered message, or a chunk another attempt finished. */
  | { kind: 'finished' }
  /** Another attempt holds it and is alive: hand the message back until its lease ends. */
  | { kind: 'wait'; until: number };

export const decideTake = (chunk: ChunkRecord, now: number): TakeDecision => {
  if (chunk.state === 'done') return { kind: 'finished' };
  if (holdsLease(chunk, now)) return { kind: 'wait', until: chunk.leaseUntil as number };
  return { kind: 'take' };
};

/**
 * Take (or take over) a chunk: it is `sending`, held by this attempt until `deadline`. Rows a dead
 * holder left `sending` become `failed/outcome_unknown`, never sent again.
 */
export const take = (chunk: ChunkRecord, id: string, deadline: number, now: number): Attempt => {
  const decision = decideTake(chunk, now);
  if (decision.kind !== 'take') throw new ChunkTransitionError(`cannot take a chunk: ${decision.kind}`);
  const owed: Counters = {};
  const rows = chunk.rows.map((row) => {
    if (row.s !== 'sending') return row;
    add(owed, 'failed', 1);
    return { ...row, s: 'failed' as const, d: outcomeUnknown };
  });
  const attempt: Attempt = { id, deadline, chunk, owed: {}, settled: [] };
  return write(attempt, { state: 'sending', holder: id, leaseUntil: deadline, rows }, owed);
};

/** The rows never handed to SES. */
export const queuedRows = (chunk: ChunkRecord): ChunkRow[] => chunk.rows.filter((row) => row.s === 'queued');

/** Rows marked `sending` whose call's outcome is not recorded yet. */
export const sendingRows = (chunk: ChunkRecord): ChunkRow[] =>
  chunk.rows.filter((row) => row.s === 'sending');

const requireHeld = (attempt: Attempt) => {
  if (attempt.chunk.state !== 'sending' || attempt.chunk.holder !== attempt.id)
    throw new ChunkTransitionError('the attempt does not hold the chunk');
};

/** Mark the rows of the next SES call `sending`: written before the call, so a crash never resends. */
export const markSending = (attempt: Attempt, contactIds: readonly string[]): Attempt => {
  requireHeld(attempt);
  const wanted = new Set(contactIds);
  const rows = attempt.chunk.rows.map((row) => {
    if (!wanted.has(row.c)) return row;
    if (row.s !== 'queued') throw new ChunkTransitionError(`row ${row.c} is ${row.s}, not queued`);
    return { ...row, s: 'sending' as const };
  });
  return write(attempt, { rows }, attempt.owed);
};

/**
 * Record what became of the rows of a call (rows not named keep their state). Every `sending` row
 * named moves on: sent, failed with SES's reason, skipped by the last-moment check (the planned
 * reason kept in `p`), back to queued (nothing accepted), or failed/outcome_unknown.
 */
export const recordResults = (attempt: Attempt, outcomes: ReadonlyMap<string, CallOutcome>): Attempt => {
  requireHeld(attempt);
  const owed = { ...attempt.owed };
  const rows = attempt.chunk.rows.map((row) => {
    const outcome = outcomes.get(row.c);
    if (!outcome) return row;
    if (row.s !== 'sending') throw new ChunkTransitionError(`row ${row.c} is ${row.s}, not sending`);
    return afterCall(row, outcome, owed);
  });
  return write(attempt, { rows }, owed);
};

/** A `sending` row after its call's outcome; what it owes the counters is added to `owed`. */
const afterCall = (row: ChunkRow, outcome: CallOutcome, owed: Counters): ChunkRow => {
  const { d: _detail, ...base } = row;
  switch (outcome.kind) {
    case 'sent':
      add(owed, 'sent', 1);
      return { ...row, s: 'sent' };
    case 'failed':
      add(owed, 'failed', 1);
      return { ...base, s: 'failed', d: outcome.detail };
    case 'unknown':
      add(owed, 'failed', 1);
      return { ...base, s: 'failed', d: outcomeUnknown };
    case 'requeue':
      return { ...row, s: 'queued' };
    case 'skipped': {
      add(owed, 'late', 1);
      add(owed, `reason_${row.r}`, -1);
      add(owed, `reason_${outcome.reason}`, 1);
      const plannedDetail = row.p === undefined ? row.d : row.pd;
      return {
        ...base,
        s: 'skipped',
        r: outcome.reason,
        p: row.p ?? row.r,
        ...(plannedDetail ? { pd: plannedDetail } : {}),
        ...(outcome.detail ? { d: outcome.detail } : {}),
      };
    }
  }
};

/**
 * Give the chunk back (`queued`, no holder): the rest is sent by a later attempt. Only when no row
 * is `sending` (record the call first).
 */
export const giveBack = (attempt: Attempt): Attempt => {
  requireHeld(attempt);
  if (sendingRows(attempt.chunk).length)
    throw new ChunkTransitionError('rows are still sending: record them before giving the chunk back');
  return write(attempt, { state: 'queued' }, attempt.owed);
};

/** The mailing was cancelled: rows never handed to SES are skipped (`cancelled`), the chunk is done. */
export const cancel = (attempt: Attempt): Attempt => {
  requireHeld(attempt);
  if (sendingRows(attempt.chunk).length)
    throw new ChunkTransitionError('rows are still sending: record them before cancelling');
  const owed = { ...attempt.owed };
  const rows = attempt.chunk.rows.map((row): ChunkRow => {
    if (row.s !== 'queued') return row;
    add(owed, 'cancelled', 1);
    return { ...row, s: 'skipped', d: 'cancelled' };
  });
  add(owed, 'chunksDone', 1);
  return write(attempt, { rows, state: 'done' }, owed);
};

/** Every row has its outcome: the chunk is done. */
export const finish = (attempt: Attempt): Attempt => {
  requireHeld(attempt);
  if (attempt.chunk.rows.some((row) => row.s === 'queued' || row.s === 'sending'))
    throw new ChunkTransitionError('rows are still queued or sending');
  return write(attempt, { state: 'done' }, sum(attempt.owed, { chunksDone: 1 }));
};

/** Other attempts' pending counts in the chunk (to add to the mailing, then drop with the next write). */
export const othersPending = (attempt: Attempt): Array<[token: string, PendingCount]> =>
  Object.entries(attempt.chunk.pend).filter(
    ([token]) => token !== attempt.id && !attempt.settled.includes(token),
  );

/** Note that `tokens` were added to the mailing: the attempt's next write drops them. */
export const noteSettled = (attempt: Attempt, tokens: readonly string[]): Attempt => ({
  ...attempt,
  settled: [...new Set([...attempt.settled, ...tokens])],
});

/** The reason and detail planning recorded for a row (the last-moment check may have replaced them). */
export const planned = (row: ChunkRow): { reason: string; detail?: string | undefined } =>
  row.p === undefined ? { reason: row.r, detail: row.d } : { reason: row.p, detail: row.pd };
