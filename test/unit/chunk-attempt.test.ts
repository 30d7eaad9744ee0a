/**
 * The chunk attempt's transitions (shared/domain/chunk-attempt.ts), table by table: what each does
 * to the chunk, its rows and the counts it owes, and what it refuses.
 */
import { describe, expect, it } from 'vitest';
import {
  type Attempt,
  type CallOutcome,
  type ChunkRecord,
  type ChunkRow,
  ChunkTransitionError,
  cancel,
  decideTake,
  finish,
  giveBack,
  markSending,
  noteSettled,
  othersPending,
  planned,
  queuedRows,
  recordResults,
  take,
} from '#shared/domain/chunk-attempt.ts';

const now = 1_000_000;
const row = (c: string, s: ChunkRow['s'], extra: Partial<ChunkRow> = {}): ChunkRow => ({
  c,
  r: 'eligible',
  s,
  ...extra,
});
const chunk = (rows: ChunkRow[], extra: Partial<ChunkRecord> = {}): ChunkRecord => ({
  state: 'queued',
  v: 0,
  rows,
  pend: {},
  ...extra,
});
const fresh = () => chunk([row('a', 'queued'), row('b', 'queued'), row('c', 'queued')]);
const held = (record: ChunkRecord = fresh()) => take(record, 'me', now + 60_000, now);

describe('deciding whether to take a chunk', () => {
  it.each([
    ['queued', chunk([]), { kind: 'take' }],
    ['done', chunk([], { state: 'done' }), { kind: 'finished' }],
    [
      'sending, its holder alive',
      chunk([], { state: 'sending', holder: 'x', leaseUntil: now + 5_000 }),
      { kind: 'wait', until: now + 5_000 },
    ],
    [
      'sending, its holder’s lease over',
      chunk([], { state: 'sending', holder: 'x', leaseUntil: now - 1 }),
      { kind: 'take' },
    ],
    ['sending, no lease recorded', chunk([], { state: 'sending' }), { kind: 'take' }],
  ] as const)('%s → %o', (_name, record, decision) => {
    expect(decideTake(record, now)).toEqual(decision);
  });
});

describe('take', () => {
  it('holds the chunk until the deadline, at the next version', () => {
    const attempt = held();
    expect(attempt.chunk).toMatchObject({ state: 'sending', holder: 'me', leaseUntil: now + 60_000, v: 1 });
    expect(attempt.owed).toEqual({});
    expect(attempt.chunk.pend).toEqual({});
  });

  it('turns a dead holder’s `sending` rows into failed/outcome_unknown and owes them as failed', () => {
    const record = chunk([row('a', 'sending'), row('b', 'queued'), row('c', 'sent')], {
      state: 'sending',
      holder: 'dead',
      leaseUntil: now - 1,
      v: 7,
    });
    const attempt = take(record, 'me', now + 60_000, now);
    expect(attempt.chunk.rows.map((r) => [r.s, r.d])).toEqual([
      ['failed', 'outcome_unknown'],
      ['queued', undefined],
      ['sent', undefined],
    ]);
    expect(attempt.chunk.v).toBe(8);
    expect(attempt.owed).toEqual({ failed: 1 });
    expect(attempt.chunk.pend.me).toEqual({ d: { failed: 1 }, o: 'me', at: now + 60_000 });
  });

  it.each([
    ['done', chunk([], { state: 'done' })],
    ['held by a live attempt', chunk([], { state: 'sending', holder: 'x', leaseUntil: now + 1 })],
  ])('refuses a chunk that is %s', (_name, record) => {
    expect(() => take(record, 'me', now + 60_000, now)).toThrow(ChunkTransitionError);
  });
});

const outcomes = (entries: Array<[string, CallOutcome]>) => new Map(entries);

describe('one SES call', () => {
  it('marks only the named queued rows sending, changing no count', () => {
    const attempt = markSending(held(), ['a', 'b']);
    expect(attempt.chunk.rows.map((r) => r.s)).toEqual(['sending', 'sending', 'queued']);
    expect(attempt.owed).toEqual({});
    expect(attempt.chunk.v).toBe(2);
    expect(queuedRows(attempt.chunk).map((r) => r.c)).toEqual(['c']);
  });

  it('refuses to mark a row that is not queued (it may have been sent)', () => {
    expect(() => markSending(markSending(held(), ['a']), ['a'])).toThrow(ChunkTransitionError);
  });

  const marked = () => markSending(held(), ['a', 'b', 'c']);
  it.each<[string, CallOutcome, Partial<ChunkRow>, Record<string, number>]>([
    ['sent', { kind: 'sent' }, { s: 'sent' }, { sent: 1 }],
    [
      'failed with SES’s reason',
      { kind: 'failed', detail: 'MessageRejected' },
      { s: 'failed', d: 'MessageRejected' },
      { failed: 1 },
    ],
    ['answer lost', { kind: 'unknown' }, { s: 'failed', d: 'outcome_unknown' }, { failed: 1 }],
    ['nothing accepted', { kind: 'requeue' }, { s: 'queued' }, {}],
    [
      'excluded at the last moment',
      { kind: 'skipped', reason: 'unsubscribed' },
      { s: 'skipped', r: 'unsubscribed', p: 'eligible' },
      { late: 1, reason_eligible: -1, reason_unsubscribed: 1 },
    ],
  ])('records %s', (_name, outcome, expected, owed) => {
    const attempt = recordResults(marked(), outcomes([['a', outcome]]));
    expect(attempt.chunk.rows[0]).toMatchObject(expected);
    expect(attempt.owed).toEqual(owed);
    expect(attempt.chunk.rows.slice(1).map((r) => r.s)).toEqual(['sending', 'sending']);
  });

  it('keeps planning’s reason and detail when the last-moment check replaces them', () => {
    const record = chunk([row('a', 'queued', { r: 'override', d: 'needed_override:no_consent' })]);
    const attempt = recordResults(
      markSending(held(record), ['a']),
      outcomes([['a', { kind: 'skipped', reason: 'suppressed', detail: 'complaint' }]]),
    );
    const after = attempt.chunk.rows[0] as ChunkRow;
    expect(after).toMatchObject({ s: 'skipped', r: 'suppressed', d: 'complaint', p: 'override' });
    expect(planned(after)).toEqual({ reason: 'override', detail: 'needed_override:no_consent' });
  });

  it('owes the sum of every call in its pending entry, the write after write', () => {
    let attempt = recordResults(
      markSending(held(), ['a', 'b']),
      outcomes([
        ['a', { kind: 'sent' }],
        ['b', { kind: 'failed', detail: 'x' }],
      ]),
    );
    attempt = recordResults(markSending(attempt, ['c']), outcomes([['c', { kind: 'sent' }]]));
    expect(attempt.owed).toEqual({ sent: 2, failed: 1 });
    expect(attempt.chunk.pend.me?.d).toEqual({ sent: 2, failed: 1 });
  });

  it('refuses to record a row that is not sending', () => {
    expect(() => recordResults(held(), outcomes([['a', { kind: 'sent' }]]))).toThrow(ChunkTransitionError);
  });
});

describe('ending an attempt', () => {
  const sentAll = () =>
    recordResults(
      markSending(held(), ['a', 'b', 'c']),
      outcomes([
        ['a', { kind: 'sent' }],
        ['b', { kind: 'sent' }],
        ['c', { kind: 'failed', detail: 'x' }],
      ]),
    );

  it('finishes: done, no holder, one chunk more done owed', () => {
    const attempt = finish(sentAll());
    expect(attempt.chunk).toMatchObject({ state: 'done' });
    expect(attempt.chunk.holder).toBeUndefined();
    expect(attempt.chunk.leaseUntil).toBeUndefined();
    expect(attempt.owed).toEqual({ sent: 2, failed: 1, chunksDone: 1 });
  });

  it('gives back: queued, no holder, what was done still owed', () => {
    const partly = recordResults(markSending(held(), ['a']), outcomes([['a', { kind: 'sent' }]]));
    const attempt = giveBack(partly);
    expect(attempt.chunk).toMatchObject({ state: 'queued' });
    expect(attempt.chunk.holder).toBeUndefined();
    expect(attempt.owed).toEqual({ sent: 1 });
    expect(decideTake(attempt.chunk, now)).toEqual({ kind: 'take' });
  });

  it('cancels: queued rows skipped `cancelled`, the rest kept, done', () => {
    const partly = recordResults(markSending(held(), ['a']), outcomes([['a', { kind: 'sent' }]]));
    const attempt = cancel(partly);
    expect(attempt.chunk.rows.map((r) => [r.s, r.d])).toEqual([
      ['sent', undefined],
      ['skipped', 'cancelled'],
      ['skipped', 'cancelled'],
    ]);
    expect(attempt.owed).toEqual({ sent: 1, cancelled: 2, chunksDone: 1 });
    expect(attempt.chunk.state).toBe('done');
  });

  it.each<[string, (attempt: Attempt) => Attempt]>([
    ['finish', finish],
    ['give back', giveBack],
    ['cancel', cancel],
  ])('refuses to %s while rows are sending', (_name, transition) => {
    expect(() => transition(markSending(held(), ['a']))).toThrow(ChunkTransitionError);
  });

  it('refuses to finish while rows are queued', () => {
    expect(() => finish(held())).toThrow(ChunkTransitionError);
  });

  it.each<[string, (attempt: Attempt) => Attempt]>([
    ['mark', (a) => markSending(a, ['a'])],
    ['finish', finish],
    ['give back', giveBack],
  ])('refuses to %s a chunk it no longer holds', (_name, transition) => {
    const gone = giveBack(held());
    expect(() => transition(gone)).toThrow(ChunkTransitionError);
  });
});

describe('counts other attempts left owing', () => {
  const leftOwing = chunk([row('a', 'sent'), row('b', 'queued')], {
    pend: { dead: { d: { sent: 1 }, o: 'dead', at: now - 60_000 } },
  });

  it('are carried untouched until settled, then dropped by the next write', () => {
    const attempt = held(leftOwing);
    expect(othersPending(attempt)).toEqual([['dead', { d: { sent: 1 }, o: 'dead', at: now - 60_000 }]]);
    expect(attempt.chunk.pend.dead).toBeDefined();
    const settled = noteSettled(attempt, ['dead']);
    expect(othersPending(settled)).toEqual([]);
    const next = markSending(settled, ['b']);
    expect(next.chunk.pend.dead).toBeUndefined();
    expect(next.settled).toEqual([]);
  });

  it('never include the attempt’s own entry', () => {
    const attempt = recordResults(markSending(held(leftOwing), ['b']), outcomes([['b', { kind: 'sent' }]]));
    expect(othersPending(attempt).map(([token]) => token)).toEqual(['dead']);
    expect(attempt.chunk.pend.me?.d).toEqual({ sent: 1 });
  });
});
