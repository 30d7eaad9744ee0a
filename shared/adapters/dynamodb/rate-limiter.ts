import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { clock } from '#shared/adapters/clock.ts';
import { readSettings, wholeNumber } from '#shared/config/settings.ts';
import { dynamo, isConditionFailed, tableName } from './client.ts';

/**
 * The account-wide SES sending rate, shared by every sender invocation: a log of the sends of the
 * last second in one item, changed only by conditional writes on its version (Lambda cannot run
 * fewer than two SQS consumers, so the limit has to live here, not in a concurrency setting).
 *
 * A send counts from the moment it takes its slot until one second after its SES call returned
 * (`done`: the moment it returned, however late its release is written). A send still in flight counts until one second after its call's deadline (`until`: the
 * SES client's request timeout from the acquire), by which time the call has ended whether or not
 * its process lived to say so: a crashed sender holds the rate back for seconds, not minutes. So a
 * send of `n` may start only when every send that could reach SES within the same second is
 * counted, and no one-second window at SES ever holds more than `ratePerSecond` messages.
 */
const key = { pk: 'RATE#ses', sk: 'RATE' };
const windowMs = 1000;

/** [slot id, count, done (epoch ms) or 0 while in flight, the call's deadline (epoch ms)] */
type Entry = [id: string, count: number, done: number, until: number];

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

/** When an entry stops counting. */
const endOf = ([, , done, until]: Entry) => (done > 0 ? done : until) + windowMs;
const live = (log: Entry[], now: number) => log.filter((entry) => endOf(entry) > now);

export interface SendSlot {
  /** Call when the SES call has returned (or failed): the slot counts one more second from then. */
  release: () => Promise<void>;
  /**
   * When the SES call returned (or failed), if it has: the release, whenever it is written, counts
   * the slot one second from then — no message of the call can have reached SES after it.
   */
  returnedAt?: number;
  /** The slot's entry in the log. */
  readonly id: string;
  /** How many messages it lets through (≤ what was asked for). */
  readonly count: number;
  /** Set once its release is written (by `release` or by the next acquire it was handed to). */
  released: boolean;
}

const slotFor = (id: string, count: number): SendSlot => {
  const slot: SendSlot = {
    id,
    count,
    released: false,
    release: async () => {
      if (slot.released) return;
      await release(id, slot.returnedAt);
      slot.released = true;
    },
  };
  return slot;
};

export interface SlotRequest {
  /** Messages the call would send (≤ the rate). */
  count: number;
  /**
   * Fewer it will take rather than wait (default: `count`): a window with some room is filled now
   * instead of idling while the call waits for all of it, so the account's rate is met, not
   * approached.
   */
  atLeast?: number;
  ratePerSecond: number;
  /** Epoch ms: wait for room until then at most (now: look once, do not wait). */
  waitUntil: number;
  /** The SES call's deadline from now (its request timeout): an unreleased slot counts until then. */
  callMs: number;
  /**
   * A slot whose SES call has returned but whose release was not written yet: the same conditional
   * write that takes the new slot releases it (two calls fewer per SES call when a sender sends one
   * call after another). It counts from when this acquire reads the log, a little later than its
   * call returned: that only errs on the slow side.
   */
  handOver?: SendSlot | undefined;
}

/** A slot, or when room for one will open at the soonest (epoch ms) if none did by `waitUntil`. */
export type SlotAnswer = { slot: SendSlot } | { slot?: undefined; retryAt: number };

/**
 * Waits for room for `count` messages. Answers `retryAt` instead when no room opens before
 * `waitUntil`, so the caller can hand its work back rather than wait past its invocation's end.
 */
export const acquireSendSlot = async (request: SlotRequest): Promise<SlotAnswer> => {
  const { count, ratePerSecond, waitUntil, callMs } = request;
  if (count > ratePerSecond) throw new Error(`A send of ${count} exceeds the rate of ${ratePerSecond}/s`);
  const pending = request.handOver && !request.handOver.released ? request.handOver : undefined;
  for (;;) {
    const { version, log } = await read();
    const now = clock.now();
    const current = live(log, now).map(
      (entry): Entry =>
        pending && !pending.released && entry[0] === pending.id && entry[2] === 0
          ? [entry[0], entry[1], Math.min(now, pending.returnedAt ?? now), entry[3]]
          : entry,
    );
    const used = current.reduce((sum, [, n]) => sum + n, 0);
    const granted = Math.min(count, ratePerSecond - used);
    if (granted >= Math.min(count, request.atLeast ?? count) && granted > 0) {
      const id = now.toString(36).padStart(11, '0') + randomBytes(4).toString('hex');
      if (await write(version, [...current, [id, granted, 0, now + callMs]])) {
        if (pending) pending.released = true;
        return { slot: slotFor(id, granted) };
      }
      continue; // another sender took a slot first: look again
    }
    if (pending && !pending.released) {
      // No room yet: write the release now, so the wait does not hold it back.
      if (await write(version, current)) pending.released = true;
      continue;
    }
    // Room opens as entries stop counting, earliest first. A call in flight usually returns within
    // moments, long before its deadline: it is expected to count one second from now, and looked
    // at again soon.
    const ends = current.map((entry) => ({
      n: entry[1],
      end: entry[2] === 0 ? Math.min(endOf(entry), now + windowMs) : endOf(entry),
    }));
    ends.sort((a, b) => a.end - b.end);
    let excess = used + Math.min(count, request.atLeast ?? count) - ratePerSecond;
    let opensAt = now;
    for (const { n, end } of ends) {
      excess -= n;
      opensAt = end;
      if (excess <= 0) break;
    }
    const flying = current.some((entry) => entry[2] === 0);
    const lookAgain = flying ? Math.min(opensAt, now + 50) : opensAt;
    if (lookAgain > waitUntil) return { retryAt: opensAt };
    await clock.sleep(Math.max(5, Math.min(lookAgain - now + 1, 250)));
  }
};

const release = async (id: string, returnedAt?: number): Promise<void> => {
  for (let attempt = 0; attempt < 20; attempt++) {
    const { version, log } = await read();
    const now = clock.now();
    const done = Math.min(now, returnedAt ?? now);
    const next = live(log, now).map(
      (entry): Entry => (entry[0] === id && entry[2] === 0 ? [id, entry[1], done, entry[3]] : entry),
    );
    if (await write(version, next)) return;
  }
};

/** The account's SES rate (SES_RATE_PER_SECOND), read once per container. */
let rate: number | undefined;
export const sesRate = (): number => {
  rate ??= readSettings({ SES_RATE_PER_SECOND: wholeNumber(1, 100_000, 14) }).SES_RATE_PER_SECOND;
  return rate;
};

/** No slot of the SES rate opened before the caller's invocation ends; room opens at `retryAt`. */
export class NoSendSlot extends Error {
  readonly retryAt: number;
  constructor(retryAt: number) {
    super('no sending slot before the invocation ends');
    this.name = 'NoSendSlot';
    this.retryAt = retryAt;
  }
}

/**
 * One transactional mail (a confirmation, a magic link) at the account's SES rate, which it shares
 * with the mailings: waits for a slot of one until `waitUntil`, runs `send`, releases the slot.
 * Throws {@link NoSendSlot} when none opens in time, so the message is handed back for later.
 */
export const sendPaced = async <T>(waitUntil: number, callMs: number, send: () => Promise<T>): Promise<T> => {
  const answer = await acquireSendSlot({ count: 1, ratePerSecond: sesRate(), waitUntil, callMs });
  if (!answer.slot) throw new NoSendSlot(answer.retryAt);
  try {
    return await send();
  } finally {
    answer.slot.returnedAt = clock.now();
    await answer.slot.release();
  }
};
