/**
 * History items (`C#<contactId>` / `H#<entryId>`): the append-only record of a contact's changes.
 *
 * A change is committed first into its contact item's `outbox` (shared/adapters/dynamodb/contacts.ts
 * explains why), then copied here. Readers therefore see history items ∪ outbox entries, deduplicated
 * by entry id: a change whose copy has not been made yet (its writer crashed) is still in the history.
 * Entry ids sort by time, so `H#` sort keys read newest first with `ScanIndexForward: false`.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { HistoryEntry } from '#shared/domain/contact.ts';
import { ValidationError } from '#shared/domain/errors.ts';
import { batchWriteAll } from './batch.ts';
import { dynamo, tableName } from './client.ts';
import { contactKeys } from './contact-keys.ts';
import { decodeCursor, encodeCursor } from './pagination.ts';

const prefix = contactKeys.historyPrefix;
// Above every entry id: ids are digits and lowercase letters.
const afterAll = `${prefix}~`;

export const historyItem = (contactId: string, entry: HistoryEntry): Record<string, unknown> => ({
  ...contactKeys.history(contactId, entry.id),
  contactId,
  ...entry,
});

const fromItem = (item: Record<string, unknown>): HistoryEntry => {
  const { pk: _pk, sk: _sk, contactId: _contactId, ...entry } = item;
  return entry as unknown as HistoryEntry;
};

const newestFirst = (a: HistoryEntry, b: HistoryEntry) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/** Items ∪ outbox, each entry once, newest first. */
const merge = (items: HistoryEntry[], outbox: readonly HistoryEntry[]): HistoryEntry[] => {
  const byId = new Map(items.map((e) => [e.id, e]));
  for (const e of outbox) if (!byId.has(e.id)) byId.set(e.id, e);
  return [...byId.values()].sort(newestFirst);
};

export const history = {
  /** Copies entries to their history items. Idempotent: an entry's item never changes. */
  async putAll(contactId: string, entries: readonly HistoryEntry[]): Promise<void> {
    if (!entries.length) return;
    await batchWriteAll(
      tableName('contacts'),
      entries.map((e) => ({ PutRequest: { Item: historyItem(contactId, e) } })),
    );
  },

  /** Which of these entry ids already have their history item (one consistent Query over their range). */
  async existingIds(contactId: string, ids: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    if (!ids.length) return found;
    const sorted = [...ids].sort();
    let startKey: Record<string, unknown> | undefined;
    do {
      const result = await dynamo.send(
        new QueryCommand({
          TableName: tableName('contacts'),
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
          ExpressionAttributeValues: {
            ':pk': contactKeys.contact(contactId).pk,
            ':lo': `${prefix}${sorted[0]}`,
            ':hi': `${prefix}${sorted[sorted.length - 1]}`,
          },
          ProjectionExpression: 'sk',
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of result.Items ?? []) found.add(String(item.sk).slice(prefix.length));
      startKey = result.LastEvaluatedKey;
    } while (startKey);
    return found;
  },

  /**
   * One page, newest first, of the contact's history items merged with its outbox entries.
   * The cursor is the last entry returned; the next page holds the entries older than it.
   */
  async page(
    contactId: string,
    outbox: readonly HistoryEntry[],
    limit: number,
    cursor?: string,
  ): Promise<{ items: HistoryEntry[]; nextCursor: string | null }> {
    const pk = contactKeys.contact(contactId).pk;
    const start = decodeCursor(cursor, { pk });
    const before = start ? start.sk : afterAll;
    if (typeof before !== 'string' || !before.startsWith(prefix)) {
      throw new ValidationError('Invalid cursor', [
        { path: 'query.cursor', message: 'Not a cursor from this list' },
      ]);
    }
    const result = await dynamo.send(
      new QueryCommand({
        TableName: tableName('contacts'),
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
        ExpressionAttributeValues: { ':pk': pk, ':lo': prefix, ':hi': before },
        ScanIndexForward: false,
        ConsistentRead: true,
        Limit: limit + 2,
      }),
    );
    const beforeId = before.slice(prefix.length);
    // BETWEEN includes its upper bound: the cursor's own entry was on the previous page.
    const items = (result.Items ?? []).map(fromItem).filter((e) => e.id < beforeId);
    const merged = merge(
      items,
      outbox.filter((e) => e.id < beforeId),
    );
    const pageItems = merged.slice(0, limit);
    const last = pageItems[pageItems.length - 1];
    // The query asked for two more than a page (the cursor's own item, and one to tell there is
    // more), so a page that fills up with one entry to spare is not the last.
    return {
      items: pageItems,
      nextCursor: merged.length > limit && last ? encodeCursor({ pk, sk: `${prefix}${last.id}` }) : null,
    };
  },

  /** The whole history, newest first (export). */
  async all(contactId: string, outbox: readonly HistoryEntry[]): Promise<HistoryEntry[]> {
    const items: HistoryEntry[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const result = await dynamo.send(
        new QueryCommand({
          TableName: tableName('contacts'),
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :h)',
          ExpressionAttributeValues: { ':pk': contactKeys.contact(contactId).pk, ':h': prefix },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(result.Items ?? []).map(fromItem));
      startKey = result.LastEvaluatedKey;
    } while (startKey);
    return merge(items, outbox);
  },
};
