/**
 * The audience counters (shared/domain/audience-counts.ts) in the app table, and the markers that
 * make counting exactly-once:
 *
 * | item            | pk                    | sk                 | notes                                          |
 * |-----------------|-----------------------|--------------------|------------------------------------------------|
 * | a type's day    | `TYPE#<typeId>`       | `DAY#<YYYY-MM-DD>` | `subscribed`, `unsubscribed`, `u_<source>`     |
 * | a mailing's     | `MAILING#<mailingId>` | `COUNTS`           | `unsubscribed`, `unsub_<channel>`, beside the sending and feedback counters |
 * | counted marker  | `COUNTED#<key>`       | `COUNTED`          | a contribution's key was counted; TTL 2 days unless lasting |
 *
 * Counter items are small and change only by atomic `ADD`. While a contribution is being counted,
 * its counter items also hold a mark for its key (`c_<hash of the key>`, a string, so never among
 * the numbers read back), set in the same write as the `ADD` and required absent, so the same key
 * is never added to the same item twice.
 */
import { createHash } from 'node:crypto';
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CounterTarget, DayCounters } from '#shared/domain/audience-counts.ts';
import { batchGetAll, batchWriteAll } from './batch.ts';
import { dynamo, isConditionFailed, tableName } from './client.ts';
import { mailingCountsKey } from './mailings.ts';
import { typePartition } from './subscription-types.ts';

/** How long a marker of a non-lasting key is kept: longer than a stream keeps a record (24 hours). */
export const markerTtlSeconds = 2 * 24 * 60 * 60;

/** Most marks one write sets or removes: keeps its expressions well under DynamoDB's 4 KB. */
export const maxMarksPerWrite = 40;

const dayPrefix = 'DAY#';

const keys = {
  target: (target: CounterTarget) => {
    switch (target.kind) {
      case 'type_day':
        return { pk: typePartition(target.typeId), sk: `${dayPrefix}${target.date}` };
      case 'mailing':
        return mailingCountsKey(target.mailingId);
    }
  },
  marker: (key: string) => ({ pk: `COUNTED#${key}`, sk: 'COUNTED' }),
};

/** The attribute marking that `key` was added to a counter item (while its counting is under way). */
export const counterMark = (key: string) =>
  `c_${createHash('sha256').update(key).digest('base64url').slice(0, 22)}`;

const numbers = (item: Record<string, unknown> | undefined): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const [name, value] of Object.entries(item ?? {})) if (typeof value === 'number') counts[name] = value;
  return counts;
};

/** The keys among these that were counted (their marker exists). Strongly consistent. */
export async function counted(countKeys: readonly string[]): Promise<Set<string>> {
  if (!countKeys.length) return new Set();
  const items = await batchGetAll(
    tableName('app'),
    countKeys.map((key) => keys.marker(key)),
    true,
  );
  return new Set(items.map((item) => String(item.pk).slice('COUNTED#'.length)));
}

/**
 * One atomic `ADD` of `deltas` to a counter item, setting a mark per key in the same write, on
 * condition that none of them is there: false (and nothing changed) when one was.
 */
export async function add(
  target: CounterTarget,
  deltas: Readonly<Record<string, number>>,
  marked: readonly string[],
) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':mark': 'counting' };
  const sets: string[] = [];
  const absent: string[] = [];
  const adds: string[] = [];
  marked.forEach((key, i) => {
    names[`#m${i}`] = counterMark(key);
    sets.push(`#m${i} = :mark`);
    absent.push(`attribute_not_exists(#m${i})`);
  });
  Object.entries(deltas).forEach(([name, value], i) => {
    if (!value) return;
    names[`#n${i}`] = name;
    values[`:v${i}`] = value;
    adds.push(`#n${i} :v${i}`);
  });
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName('app'),
        Key: keys.target(target),
        UpdateExpression: `SET ${sets.join(', ')}${adds.length ? ` ADD ${adds.join(', ')}` : ''}`,
        ConditionExpression: absent.join(' AND '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/** Removes the marks of these keys from a counter item (nothing when the item is not there). */
export async function forget(target: CounterTarget, marked: readonly string[]): Promise<void> {
  if (!marked.length) return;
  const names = Object.fromEntries(marked.map((key, i) => [`#m${i}`, counterMark(key)]));
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName('app'),
        Key: keys.target(target),
        UpdateExpression: `REMOVE ${Object.keys(names).join(', ')}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: names,
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
}

/** Writes the markers of counted keys (25 per BatchWriteItem); non-lasting ones expire. */
export async function record(
  counted: Readonly<Array<{ key: string; lasting: boolean }>>,
  now = Date.now(),
): Promise<void> {
  const at = new Date(now).toISOString();
  const expiresAt = Math.floor(now / 1000) + markerTtlSeconds;
  await batchWriteAll(
    tableName('app'),
    counted.map(({ key, lasting }) => ({
      PutRequest: { Item: { ...keys.marker(key), at, ...(lasting ? {} : { expiresAt }) } },
    })),
  );
}

/** A type's day items from its first to `to`, oldest first: at most one small item per day. */
export async function typeDays(typeId: string, to: string): Promise<DayCounters[]> {
  const days: DayCounters[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(
      new QueryCommand({
        TableName: tableName('app'),
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :to',
        ExpressionAttributeValues: {
          ':pk': typePartition(typeId),
          ':first': `${dayPrefix}0000-00-00`,
          ':to': `${dayPrefix}${to}`,
        },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of page.Items ?? [])
      days.push({ date: String(item.sk).slice(dayPrefix.length), counts: numbers(item) });
    start = page.LastEvaluatedKey;
  } while (start);
  return days;
}
