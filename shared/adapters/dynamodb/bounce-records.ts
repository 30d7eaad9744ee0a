/**
 * Bounce records: the recent bad feedback of one address, kept only where the bounce policy counts
 * more than one event before acting (by default: soft bounces, three within 30 days). Keyed by the
 * address's fingerprint, like its suppression entry, so no address is stored; each expires (TTL)
 * when its newest entry leaves the longest window.
 *
 * | item          | table | pk                    | sk        |
 * |---------------|-------|-----------------------|-----------|
 * | bounce record | app   | `BOUNCES#<fingerprint>` | `BOUNCES` |
 *
 * Written by read-modify-write conditional on `v`, so two events of one address never lose each
 * other's entry.
 */
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { BounceEntry } from '#shared/domain/bounce-policy.ts';
import { batchGetAll } from './batch.ts';
import { dynamo, isConditionFailed, tableName } from './client.ts';

export interface BounceRecord {
  fingerprint: string;
  entries: BounceEntry[];
  /** Version for conditional writes; 0 for a record not stored yet. */
  v: number;
}

const prefix = 'BOUNCES#';
const key = (fingerprint: string) => ({ pk: `${prefix}${fingerprint}`, sk: 'BOUNCES' });

const fromItem = (item: Record<string, unknown>): BounceRecord => ({
  fingerprint: String(item.pk).slice(prefix.length),
  entries: (item.entries as BounceEntry[] | undefined) ?? [],
  v: Number(item.v ?? 0),
});

const versionCondition = (v: number) =>
  v === 0
    ? { ConditionExpression: 'attribute_not_exists(pk)' }
    : { ConditionExpression: 'v = :v', ExpressionAttributeValues: { ':v': v } };

export async function get(fingerprint: string): Promise<BounceRecord> {
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: tableName('app'), Key: key(fingerprint), ConsistentRead: true }),
  );
  return Item ? fromItem(Item) : { fingerprint, entries: [], v: 0 };
}

/**
 * The records that exist among these fingerprints, read eventually consistent (100 a call): what
 * a delivery checks before resetting counts. A record written a moment ago may be missed; its
 * bounces then simply stay counted, the safe side.
 */
export async function getMany(fingerprints: readonly string[]): Promise<Map<string, BounceRecord>> {
  const unique = [...new Set(fingerprints)];
  if (!unique.length) return new Map();
  const items = await batchGetAll(tableName('app'), unique.map(key), false);
  return new Map(items.map(fromItem).map((r) => [r.fingerprint, r] as const));
}

/** Stores `entries` if the record is still at `record.v`; false when someone wrote it first. */
export async function save(
  record: BounceRecord,
  entries: BounceEntry[],
  expiresAt: number,
): Promise<boolean> {
  const condition = versionCondition(record.v);
  try {
    await dynamo.send(
      new PutCommand({
        TableName: tableName('app'),
        Item: { ...key(record.fingerprint), entries, v: record.v + 1, expiresAt },
        ConditionExpression: condition.ConditionExpression,
        ...(condition.ExpressionAttributeValues
          ? { ExpressionAttributeValues: condition.ExpressionAttributeValues }
          : {}),
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/** Deletes the record (at `v`, when given); false when it changed first. */
export async function remove(fingerprint: string, v?: number): Promise<boolean> {
  try {
    await dynamo.send(
      new DeleteCommand({
        TableName: tableName('app'),
        Key: key(fingerprint),
        ...(v === undefined ? {} : { ConditionExpression: 'v = :v', ExpressionAttributeValues: { ':v': v } }),
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}
