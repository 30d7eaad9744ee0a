/**
 * Audience counters, kept as changes happen: an effect of the change stream (./change-stream.ts),
 * so no channel can forget to count — none of them counts; each only writes the contact with its
 * history entries, as it must anyway — and the report of a subscription type, read from them.
 * What counts is domain/audience-counts.ts.
 *
 * ## Exactly once, without transactions
 * The stream may hand a record over again (a failed batch is retried from its first failed record,
 * for up to 24 hours), and the consumer may die between any two writes. Each contribution has a
 * key; a key moves through:
 *
 *   new ──ADD with marks──▶ added ──marker item──▶ recorded ──marks removed──▶ settled
 *
 * - **new**: no marker item `COUNTED#<key>`, no mark on its counter items.
 * - **added**: each of its counter items got its deltas in one `ADD` that also set a mark for the
 *   key, on condition that the mark was absent. Done again, the condition fails: nothing added.
 * - **recorded**: the marker item is written (after every counter item of the key was added).
 * - **settled**: the marks are removed (the counter items stay small).
 *
 * Each batch reads the markers of its keys first (one strongly consistent BatchGetItem per 100). A
 * key without one is new or added: it is added (a counter item whose mark is still there from a
 * crashed attempt refuses, and the others take theirs), recorded and settled. A key with one is
 * recorded or settled: its marks are removed again, which changes nothing when they are gone.
 * Markers last 2 days (a stream record lives 24 hours) except a mailing's per-recipient ones, which
 * also make "once per recipient" hold for good.
 *
 * ## Cost
 * Per batch: one read of the markers, and per counter item one `ADD` (marks for at most 40 keys per
 * write) and one removal of the marks; per key one marker item (25 per BatchWriteItem). A contact
 * created or changed with subscriptions costs one marker write and one read, whatever the number of
 * its entries; a change that touches no counter (a profile edit, an interest) costs nothing.
 */
import * as audienceCounters from '#shared/adapters/dynamodb/audience-counters.ts';
import { maxMarksPerWrite } from '#shared/adapters/dynamodb/audience-counters.ts';
import * as subscriptionTypes from '#shared/adapters/dynamodb/subscription-types.ts';
import type { StreamChange } from '#shared/adapters/dynamodb/stream-records.ts';
import {
  type Contribution,
  type CounterTarget,
  erasureContributions,
  type RangeProblem,
  reportRange,
  type TypeReport,
  typeReport,
  writeContributions,
} from '#shared/domain/audience-counts.ts';
import { NotFoundError, ValidationError } from '#shared/domain/errors.ts';
import { addedEntries } from '#shared/domain/events.ts';
import { logger } from '#shared/observability/logger.ts';

/** What one committed write adds to the counters. */
export const contributionsOf = (change: StreamChange): Contribution[] => {
  if (change.kind !== 'contact') return [];
  if (change.after)
    return writeContributions(change.contactId, addedEntries(change.before?.outbox, change.after.outbox));
  return change.before ? erasureContributions(change.contactId, change.before.subscriptions, change.at) : [];
};

interface Pending {
  target: CounterTarget;
  /** Each key's own deltas for this item. */
  byKey: Map<string, Readonly<Record<string, number>>>;
}

const byTarget = (contributions: readonly Contribution[]): Pending[] => {
  const items = new Map<string, Pending>();
  for (const contribution of contributions) {
    for (const { target, deltas } of contribution.adds) {
      const id = JSON.stringify(target);
      const pending = items.get(id) ?? { target, byKey: new Map() };
      pending.byKey.set(contribution.key, deltas);
      items.set(id, pending);
    }
  }
  return [...items.values()];
};

const groups = <T>(list: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
};

const summed = (deltas: Iterable<Readonly<Record<string, number>>>) => {
  const total: Record<string, number> = {};
  for (const d of deltas)
    for (const [name, value] of Object.entries(d)) total[name] = (total[name] ?? 0) + value;
  return total;
};

/**
 * Adds what the keys owe one counter item: at most {@link maxMarksPerWrite} keys per `ADD`. A group
 * refused because a key's mark is there (a crashed attempt added it) is added key by key, each
 * refusal meaning that key was added before.
 */
const addTo = async ({ target, byKey }: Pending): Promise<number> => {
  let added = 0;
  for (const group of groups([...byKey.keys()], maxMarksPerWrite)) {
    if (await audienceCounters.add(target, summed(group.map((key) => byKey.get(key) ?? {})), group)) {
      added += group.length;
      continue;
    }
    for (const key of group) if (await audienceCounters.add(target, byKey.get(key) ?? {}, [key])) added++;
  }
  return added;
};

const forgetOn = async ({ target, byKey }: Pending) => {
  for (const group of groups([...byKey.keys()], maxMarksPerWrite))
    await audienceCounters.forget(target, group);
};

/**
 * Count what these committed writes add to the audience counters (the change-stream effect).
 * Input: the changes of a stream batch, in stream order. Output: how many keys were counted now.
 * 1. Derive the contributions (each key once: the first change that has it).
 * 2. Read which keys were counted already (their markers).
 * 3. Add the others to their counter items, item by item side by side (marks set with the ADDs).
 * 4. Write their markers.
 * 5. Remove the marks of every key of the batch from their counter items.
 */
export const countChanges = async (changes: readonly StreamChange[]): Promise<number> => {
  const unique = new Map<string, Contribution>();
  for (const contribution of changes.flatMap(contributionsOf))
    if (!unique.has(contribution.key)) unique.set(contribution.key, contribution);
  if (!unique.size) return 0;
  const all = [...unique.values()];
  const done = await audienceCounters.counted(all.map((c) => c.key));
  const fresh = all.filter((c) => !done.has(c.key));
  await Promise.all(byTarget(fresh).map(addTo));
  await audienceCounters.record(fresh);
  await Promise.all(byTarget(all).map(forgetOn));
  if (done.size) logger.info('audience counts handed over again', { counted: done.size });
  return fresh.length;
};

const today = (now: number) => new Date(now).toISOString().slice(0, 10);

const rangeError = (problems: RangeProblem[]) =>
  new ValidationError(
    'The report range is not valid',
    problems.map((p) => ({ path: `query.${p.field}`, code: p.code, message: p.message })),
  );

/**
 * The daily audience report of a subscription type.
 * Input: the type id, the asked range (optional dates), the time now. Output: every day of the
 * range with its subscribes, unsubscribes by source and the total at its end; the range's sums.
 * 1. Check the range (422 with the problems: not a date, `from` after `to` or today, too long).
 * 2. The type must exist (404).
 * 3. Read the type's day items up to `to` (one Query: at most one small item per day with a
 *    change, about 100 bytes), never the history.
 * 4. Fill in the days without changes; a day's total is what the days up to it added.
 */
export const subscriptionTypeReport = async (
  typeId: string,
  asked: { from?: string | undefined; to?: string | undefined },
  now = Date.now(),
): Promise<TypeReport & { typeId: string; timeZone: 'UTC' }> => {
  const range = reportRange(asked, today(now));
  if (!range.ok) throw rangeError(range.problems);
  if (!(await subscriptionTypes.get(typeId))) throw new NotFoundError('Subscription type not found');
  const days = await audienceCounters.typeDays(typeId, range.to);
  return { typeId, timeZone: 'UTC', ...typeReport(range, days) };
};
