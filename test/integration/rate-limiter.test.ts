/**
 * The account-wide SES rate log (shared/adapters/dynamodb/rate-limiter.ts) against dynalite: a slot
 * handed over to the next acquire is released in that acquire's write, never waits behind it, and
 * a slot whose sender died stops counting at its call's deadline, not minutes later.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { useLocalStack } from '#test/helpers/local-stack.ts';

useLocalStack({ autoConsume: false });

const { dynamo, tableName } = await import('#shared/adapters/dynamodb/client.ts');
const { acquireSendSlot } = await import('#shared/adapters/dynamodb/rate-limiter.ts');

type Entry = [id: string, count: number, done: number, until: number];
const log = async (): Promise<Entry[]> => {
  const { Item } = await dynamo.send(
    new GetCommand({
      TableName: tableName('app'),
      Key: { pk: 'RATE#ses', sk: 'RATE' },
      ConsistentRead: true,
    }),
  );
  return (Item?.log as Entry[] | undefined) ?? [];
};
const entry = async (id: string) => (await log()).find(([entryId]) => entryId === id);
const far = () => Date.now() + 10_000;
const slotOf = async (request: Parameters<typeof acquireSendSlot>[0]) => {
  const answer = await acquireSendSlot(request);
  if (!answer.slot) throw new Error('no slot');
  return answer.slot;
};
const settle = () => new Promise((r) => setTimeout(r, 1100));

describe('the SES rate log', () => {
  it('releases a handed-over slot in the write that takes the next one', async () => {
    const first = await slotOf({ count: 10, ratePerSecond: 100, waitUntil: far(), callMs: 10_000 });
    expect((await entry(first.id))?.[2]).toBe(0); // in flight

    const before = Date.now();
    const second = await slotOf({
      count: 10,
      ratePerSecond: 100,
      waitUntil: far(),
      callMs: 10_000,
      handOver: first,
    });
    expect(first.released).toBe(true);
    const released = await entry(first.id);
    expect(released?.[2]).toBeGreaterThanOrEqual(before);
    expect((await entry(second.id))?.[2]).toBe(0);

    await first.release(); // a no-op now: the done time stays
    expect((await entry(first.id))?.[2]).toBe(released?.[2]);
    await second.release();
    expect((await entry(second.id))?.[2]).toBeGreaterThan(0);
  });

  it('writes the release before waiting when the window is full, so it does not hold itself up', async () => {
    await settle();
    const full = await slotOf({ count: 100, ratePerSecond: 100, waitUntil: far(), callMs: 10_000 });
    const started = Date.now();
    // Without the release written first, this would wait for the held slot's deadline and give up.
    const next = await slotOf({
      count: 100,
      ratePerSecond: 100,
      waitUntil: Date.now() + 3000,
      callMs: 10_000,
      handOver: full,
    });
    expect(full.released).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900); // the full second after the release
    await next.release();
  });

  it('answers when room opens instead of waiting past the caller’s limit', async () => {
    await settle();
    const full = await slotOf({ count: 10, ratePerSecond: 10, waitUntil: far(), callMs: 10_000 });
    await full.release();
    const answer = await acquireSendSlot({
      count: 1,
      ratePerSecond: 10,
      waitUntil: Date.now(),
      callMs: 10_000,
    });
    expect(answer.slot).toBeUndefined();
    const retryAt = answer.slot ? 0 : answer.retryAt;
    expect(retryAt).toBeGreaterThan(Date.now());
    expect(retryAt).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it('stops counting a dead sender’s slot one second after its call’s deadline', async () => {
    await settle();
    // A sender takes the whole rate and dies: its slot is never released.
    await slotOf({ count: 10, ratePerSecond: 10, waitUntil: far(), callMs: 500 });
    const started = Date.now();
    const next = await slotOf({ count: 10, ratePerSecond: 10, waitUntil: Date.now() + 5_000, callMs: 500 });
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(1_400); // its deadline (0.5 s) and one second after it
    expect(waited).toBeLessThan(4_000);
    await next.release();
  });
});
