/**
 * Two attempts on one chunk, through every interleaving point of the first: a duplicate delivery,
 * a resume or the reconciler starts attempt B while attempt A is anywhere in its work — before or
 * after each of its chunk writes (the take with the first call's marks, each call's results, each
 * mark, the give-back, `done`), or while SES holds one of its calls. At 14/s a chunk of 50 needs
 * four SES calls, so A has many such points.
 *
 * Three ways it goes: A alive (B must wait for A's lease, and A finishes), A's lease over (B takes
 * the chunk over; A, outliving its deadline as Lambda never lets it, is refused at its next write),
 * and A running out of time (it gives the chunk back; B finishes). Each time: nobody mailed twice,
 * every row sent or failed with a reason, what a row says was sent was sent once, and the counts
 * equal the rows. The SES calls are counted at the client (per chunk and contact, from the tags),
 * the chunks driven through the sender's use case directly, in virtual time (test/helpers/clock.ts).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimClock } from '#test/helpers/clock.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';

const rate = 14;
const size = 50;
const { request } = useLocalStack({ autoConsume: false, sesRatePerSecond: rate });

const { dynamo } = await import('#shared/adapters/dynamodb/client.ts');
const { ses } = await import('#shared/adapters/ses/client.ts');
const mailings = await import('#shared/adapters/dynamodb/mailings.ts');
const recipients = await import('#shared/adapters/dynamodb/recipients.ts');
const { openSendSession, closeSendSession, sendChunk } = await import('#shared/use-cases/sending.ts');

type Who = 'A' | 'B' | 'C';
const actor = new AsyncLocalStorage<Who>();
const clock = new SimClock();
let restoreClock: () => void;

/** Messages SES accepted, per `<chunkId>/<contactId>`. */
const mailed = new Map<string, number>();
/** Where A is to let B in, and what B does then. */
let hook:
  | { kind: 'before-write' | 'after-write' | 'in-call'; index: number; run: () => Promise<void> }
  | undefined;
/** A's chunk writes and SES calls so far, in the current run. */
let aWrites = 0;
let aCalls = 0;

let mailingId: string;
let contactIds: string[];

const pause = async (run: () => Promise<void>) => {
  // A waits (and holds no time back) while B runs.
  clock.leave();
  try {
    await run();
  } finally {
    clock.enter();
  }
};

beforeAll(async () => {
  restoreClock = clock.install();
  const typeId = (await request<{ id: string }>('POST', '/subscription-types', { body: { name: 'Twice' } }))
    .body.id;
  const contacts = Array.from({ length: size }, (_, i) => ({
    email: `twice${i}@example.com`,
    consent: { status: 'granted', source: 'import' },
    subscriptions: { [typeId]: 'subscribed' },
  }));
  const imported = await request<{ results: Array<{ id: string }> }>('POST', '/contacts/batch', {
    body: { contacts },
  });
  contactIds = imported.body.results.map((r) => r.id);
  const listId = (
    await request<{ id: string }>('POST', '/lists', {
      body: { name: 'l', criteria: { subscribedTo: typeId } },
    })
  ).body.id;
  mailingId = (
    await request<{ id: string }>('POST', '/mailings', {
      body: { name: 'm', subscriptionTypeId: typeId, listId, from: 'n@sc.example', subject: 's', text: 't' },
    })
  ).body.id;
  // Being sent; its chunks are written below, one per run.
  expect(await mailings.transition(mailingId, ['draft'], 'sending', { privacyEnabled: true })).toBe(true);

  ses.middlewareStack.add(
    (next) => async (args) => {
      const out = await next(args);
      const input = args.input as {
        BulkEmailEntries?: Array<{ ReplacementTags?: Array<{ Name: string; Value: string }> }>;
      };
      for (const entry of input.BulkEmailEntries ?? []) {
        const tag = (name: string) => entry.ReplacementTags?.find((t) => t.Name === name)?.Value;
        const key = `${tag('chunkId')}/${tag('contactId')}`;
        mailed.set(key, (mailed.get(key) ?? 0) + 1);
      }
      if (actor.getStore() === 'A') {
        aCalls++;
        if (hook?.kind === 'in-call' && hook.index === aCalls) await pause(hook.run);
      }
      return out;
    },
    { step: 'initialize', name: 'count-and-interleave' },
  );
  dynamo.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as { Key?: { sk?: string }; UpdateExpression?: string };
      const chunkWrite = input.Key?.sk?.startsWith('K#') && input.UpdateExpression?.includes('#rows');
      if (actor.getStore() !== 'A' || !chunkWrite) return next(args);
      aWrites++;
      const index = aWrites;
      if (hook?.kind === 'before-write' && hook.index === index) await pause(hook.run);
      const out = await next(args);
      if (hook?.kind === 'after-write' && hook.index === index) await pause(hook.run);
      return out;
    },
    { step: 'initialize', name: 'interleave-writes' },
  );
});

afterAll(() => {
  ses.middlewareStack.remove('count-and-interleave');
  dynamo.middlewareStack.remove('interleave-writes');
  restoreClock?.();
});

let runs = 0;
const newChunk = async (): Promise<string> => {
  const chunkId = `i.${String(runs++).padStart(6, '0')}.s000`;
  await recipients.putChunks([
    {
      mailingId,
      chunkId,
      kind: 'send',
      state: 'queued',
      rows: contactIds.map((c) => ({ c, r: 'eligible', s: 'queued' as const })),
    },
  ]);
  return chunkId;
};

/** One attempt, as one invocation of the sender with `ms` of time; answers its hand-back delay. */
const attempt = async (who: Who, chunkId: string, ms: number): Promise<number | undefined> =>
  actor.run(who, async () => {
    clock.enter();
    const session = openSendSession(ms);
    try {
      return (await sendChunk(mailingId, chunkId, session))?.handBack.delaySeconds;
    } finally {
      await closeSendSession(session);
      clock.leave();
    }
  });

/** Later deliveries of the message until the chunk is done, each after its hand-back delay. */
const finishChunk = async (chunkId: string) => {
  for (let i = 0; i < 10; i++) {
    if ((await recipients.getChunk(mailingId, chunkId))?.state === 'done') return;
    const delay = await attempt('C', chunkId, 60_000);
    clock.advanceTo(clock.now() + ((delay ?? 0) + 1) * 1000);
  }
  throw new Error(`chunk ${chunkId} not done`);
};

/** What A does undisturbed, at the rate: how many chunk writes and SES calls. */
const shapeOf = async (ms: number) => {
  const chunkId = await newChunk();
  aWrites = 0;
  aCalls = 0;
  await attempt('A', chunkId, ms);
  await finishChunk(chunkId);
  return { writes: aWrites, calls: aCalls };
};

const check = async (chunkId: string, aLive: boolean) => {
  const chunk = await recipients.getChunk(mailingId, chunkId);
  expect(chunk?.state).toBe('done');
  const rows = chunk?.rows ?? [];
  const mails = (c: string) => mailed.get(`${chunkId}/${c}`) ?? 0;
  expect(rows.filter((r) => mails(r.c) > 1)).toEqual([]);
  for (const row of rows) {
    if (row.s === 'sent') expect(mails(row.c)).toBe(1);
    else {
      expect(row.s).toBe('failed');
      expect(row.d).toBe('outcome_unknown');
    }
  }
  // With A alive, nothing of A's is ever taken from it: everyone is sent, once.
  if (aLive) expect(rows.every((r) => r.s === 'sent' && mails(r.c) === 1)).toBe(true);
};

type Scenario = 'A alive' | 'A’s lease over' | 'A out of time';
const scenarios: Array<{ name: Scenario; ms: number; live: boolean }> = [
  { name: 'A alive', ms: 60_000, live: true },
  { name: 'A’s lease over', ms: 60_000, live: false },
  // Time for two calls at 14/s, then A gives the chunk back (15 s are kept for the last call).
  { name: 'A out of time', ms: 16_500, live: true },
];

describe('two attempts on one chunk', () => {
  for (const scenario of scenarios) {
    it(`${scenario.name}: B at every point of A — nobody mailed twice, nobody lost`, async () => {
      const shape = await shapeOf(scenario.ms);
      expect(shape.calls).toBeGreaterThanOrEqual(scenario.name === 'A out of time' ? 1 : 4);
      const points = [
        ...Array.from({ length: shape.writes }, (_, i) => ({ kind: 'before-write' as const, index: i + 1 })),
        ...Array.from({ length: shape.writes }, (_, i) => ({ kind: 'after-write' as const, index: i + 1 })),
        ...Array.from({ length: shape.calls }, (_, i) => ({ kind: 'in-call' as const, index: i + 1 })),
      ];
      for (const point of points) {
        const chunkId = await newChunk();
        aWrites = 0;
        aCalls = 0;
        let deadline = 0;
        hook = {
          ...point,
          run: async () => {
            hook = undefined; // B runs once
            if (!scenario.live) clock.advanceTo(deadline + 1);
            await attempt('B', chunkId, 60_000);
          },
        };
        deadline = clock.now() + scenario.ms;
        await attempt('A', chunkId, scenario.ms);
        expect(hook, `${point.kind} ${point.index} was reached`).toBeUndefined();
        await finishChunk(chunkId);
        await check(chunkId, scenario.live);
      }
    }, 120_000);
  }

  it('counted every row once, across every run', async () => {
    const chunks = (await recipients.listChunks(mailingId, {}, 1000)).chunks;
    const rows = chunks.flatMap((c) => c.rows);
    const counts = await mailings.getCountsRaw(mailingId, true);
    expect(counts.sent ?? 0).toBe(rows.filter((r) => r.s === 'sent').length);
    expect(counts.failed ?? 0).toBe(rows.filter((r) => r.s === 'failed').length);
    expect(counts.chunksDone).toBe(chunks.length);
    expect(chunks.every((c) => Object.keys(c.pend).length === 0)).toBe(true);
  });
});
