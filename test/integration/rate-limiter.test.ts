/**
 * The account-wide SES rate log (shared/adapters/dynamodb/rate-limiter.ts) against dynalite: a slot
 * handed over to the next acquire is released in that acquire's write, and never waits behind it.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { useLocalStack } from '#test/helpers/local-stack.ts';

useLocalStack({ autoConsume: false });

const { dynamo, tableName } = await import('#shared/adapters/dynamodb/client.ts');
const { acquireSendSlot } = await import('#shared/adapters/dynamodb/rate-limiter.ts');

type Entry = [id: string, count: number, done: number];
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

describe('the SES rate log', () => {
  it('releases a handed-over slot in the write that takes the next one', async () => {
    const first = await acquireSendSlot(10, 100, far());
    if (!first) throw new Error('no slot');
    expect((await entry(first.id))?.[2]).toBe(0); // in flight

    const before = Date.now();
    const second = await acquireSendSlot(10, 100, far(), first);
    if (!second) throw new Error('no slot');
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
    await new Promise((r) => setTimeout(r, 1100)); // let the first test's sends leave the window
    const full = await acquireSendSlot(100, 100, far());
    if (!full) throw new Error('no slot');
    const started = Date.now();
    // Without the release written first, this would wait for the 5-minute abandon and time out.
    const next = await acquireSendSlot(100, 100, Date.now() + 3000, full);
    expect(next).toBeDefined();
    expect(full.released).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900); // the full second after the release
    await next?.release();
  });
});
