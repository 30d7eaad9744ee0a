import { describe, expect, it } from 'vitest';
import { type ChangeEffect, processChanges, type StreamChange } from '#shared/use-cases/change-stream.ts';

const change = (sequence: string): StreamChange => ({
  kind: 'mailing',
  sequence,
  mailingId: `m${sequence}`,
  at: '2026-05-01T00:00:00.000Z',
});
const batch = ['1', '2', '3', '4'].map(change);

/** An effect that records what it saw and fails on the sequence numbers it is told to. */
const effect = (name: string, failing: Set<string> = new Set()) => {
  const seen: string[][] = [];
  const e: ChangeEffect = {
    name,
    apply: async (changes) => {
      seen.push(changes.map((c) => c.sequence));
      if (changes.some((c) => failing.has(c.sequence))) throw new Error(`${name} cannot`);
    },
  };
  return { e, seen };
};

describe('applying the derived effects of a batch of changes', () => {
  it('applies every effect to the whole batch at once, in stream order', async () => {
    const a = effect('a');
    const b = effect('b');
    expect(await processChanges(batch, [a.e, b.e])).toBeUndefined();
    expect(a.seen).toEqual([['1', '2', '3', '4']]);
    expect(b.seen).toEqual([['1', '2', '3', '4']]);
  });

  it('names the first change an effect cannot do, so the stream hands over that one and what follows', async () => {
    const a = effect('a');
    const b = effect('b', new Set(['3']));
    expect(await processChanges(batch, [a.e, b.e])).toBe('3');
    // After the whole batch failed, change by change: 1 and 2 are done (again: effects are idempotent).
    expect(b.seen).toEqual([['1', '2', '3', '4'], ['1'], ['2'], ['3']]);
  });

  it('names the first change when every effect fails on it, and nothing for an empty batch', async () => {
    expect(await processChanges(batch, [effect('a', new Set(['1', '4'])).e])).toBe('1');
    expect(await processChanges([], [effect('a', new Set(['1'])).e])).toBeUndefined();
  });

  it('is done when a failure of the whole batch does not repeat change by change (a passing fault)', async () => {
    let calls = 0;
    const flaky: ChangeEffect = {
      name: 'flaky',
      apply: async () => {
        if (++calls === 1) throw new Error('throttled once');
      },
    };
    expect(await processChanges(batch, [flaky])).toBeUndefined();
    expect(calls).toBe(5);
  });
});
