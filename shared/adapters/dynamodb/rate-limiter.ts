import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { loadConfig } from '#shared/config/env.ts';
import { dynamo, isConditionFailed, tableName } from './client.ts';

/**
 * The account-wide SES sending rate, shared by every sender invocation: a log of the sends of the
 * last second in one item, changed only by conditional writes on its version (Lambda cannot run
 * fewer than two SQS consumers, so the limit has to live here, not in a concurrency setting).
 *
 * A send counts from the moment it takes its slot until one second after its SES call returned
 * (`done`); a send still in flight always counts. So a send of `n` may start only when every
 * send that could reach SES within the same second is counted, and no one-second window at SES
 * ever holds more than `ratePerSecond` messages, however long each call takes to arrive.
 */
const key = { pk: 'RATE#ses', sk: 'RATE' };
const windowMs = 1000;

/** [slot id, count, done (epoch ms) or 0 while in flight] */
type Entry = [id: string, count: number, done: number];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const read = async () => {
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: tableName('app'), Key: key, ConsistentRead: true }),
  );
  return { version: Number(Item?.version ?? 0), log: (Item?.log as Entry[] | undefined) ?? [] };
};

const write = async (version: number, log: Entry[]): Promise<boolean> => {
  try {
    await dynamo.send(
      new PutCommand({
        TableName: tableName('app'),
        Item: { ...key, version: version + 1, log, expiresAt: Math.floor(Date.now() / 1000) + 3600 },
        ConditionExpression: 'attribute_not_exists(version) OR version = :v',
        ExpressionAttributeValues: { ':v': version },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
};

// Entries in flight for longer than this belong to a crashed sender and stop counting.
const abandonedMs = 5 * 60_000;
const live = (log: Entry[], now: number) =>
  log.filter(([id, , done]) =>
    done === 0 ? Number.parseInt(id.slice(0, 11), 36) > now - abandonedMs : done > now - windowMs,
  );

export interface SendSlot {
  /** Call when the SES call has returned (or failed): the slot counts one more second from then. */
  release: () => Promise<void>;
  /** The slot's entry in the log. */
  readonly id: string;
  /** Set once its release is written (by `release` or by the next acquire it was handed to). */
  released: boolean;
}

const slotFor = (id: string): SendSlot => {
  const slot: SendSlot = {
    id,
    released: false,
    release: async () => {
      if (slot.released) return;
      await release(id);
      slot.released = true;
    },
  };
  return slot;
};

/**
 * Waits for room for `count` messages; answers undefined when none opens before `deadline`
 * (epoch ms), so the caller can give the work back instead of running out of time.
 *
 * `handOver` is a slot whose SES call has returned but whose release was not written yet: the same
 * conditional write that takes the new slot releases it (two calls fewer per SES call when a sender
 * sends one call after another). It counts from when this acquire reads the log, a little later
 * than its call returned: that only errs on the slow side.
 */
export const acquireSendSlot = async (
  count: number,
  ratePerSecond: number,
  deadline: number,
  handOver?: SendSlot,
): Promise<SendSlot | undefined> => {
  if (count > ratePerSecond) throw new Error(`A send of ${count} exceeds the rate of ${ratePerSecond}/s`);
  const pending = handOver && !handOver.released ? handOver : undefined;
  for (;;) {
    const { version, log } = await read();
    const now = Date.now();
    const current = live(log, now).map(
      (entry): Entry =>
        pending && !pending.released && entry[0] === pending.id ? [entry[0], entry[1], now] : entry,
    );
    const used = current.reduce((sum, [, n]) => sum + n, 0);
    if (used + count <= ratePerSecond) {
      const id = now.toString(36).padStart(11, '0') + randomBytes(4).toString('hex');
      if (await write(version, [...current, [id, count, 0]])) {
        if (pending) pending.released = true;
        return slotFor(id);
      }
      continue; // another sender took a slot first: look again
    }
    if (pending && !pending.released) {
      // No room yet: write the release now, so the wait does not hold it back.
      if (await write(version, current)) pending.released = true;
      continue;
    }
    // Wait until enough finished sends have left the window (in-flight ones: poll again soon).
    const finished = current.filter(([, , done]) => done > 0).sort((a, b) => a[2] - b[2]);
    let excess = used + count - ratePerSecond;
    let waitUntil = now + 50;
    for (const [, n, done] of finished) {
      excess -= n;
      waitUntil = done + windowMs;
      if (excess <= 0) break;
    }
    if (waitUntil > deadline) return undefined;
    await sleep(Math.max(5, Math.min(waitUntil - Date.now() + 1, 250)));
  }
};

const release = async (id: string): Promise<void> => {
  for (let attempt = 0; attempt < 20; attempt++) {
    const { version, log } = await read();
    const now = Date.now();
    const next = live(log, now).map((entry): Entry => (entry[0] === id ? [id, entry[1], now] : entry));
    if (await write(version, next)) return;
  }
};

/** The account's SES rate (SES_RATE_PER_SECOND), read once per container. */
let rate: number | undefined;

/**
 * One transactional mail (a confirmation, a magic link) at the account's SES rate, which it shares
 * with the mailings: waits for a slot of one, runs `send`, releases the slot. Throws when no slot
 * opens while `remainingMs` leaves time to send, so the message is retried later.
 */
export const sendPaced = async <T>(remainingMs: () => number, send: () => Promise<T>): Promise<T> => {
  rate ??= loadConfig({
    SES_RATE_PER_SECOND: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100_000)), 14),
  }).SES_RATE_PER_SECOND;
  const slot = await acquireSendSlot(1, rate, Date.now() + remainingMs() - 10_000);
  if (!slot) throw new Error('no sending slot before the invocation ends');
  try {
    return await send();
  } finally {
    await slot.release();
  }
};
