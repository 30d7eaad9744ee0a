/**
 * Conditional writes of suppression entries, on top of ./suppressions.ts (which owns the entity):
 * what feedback and the admin API need beyond a plain put. Every write here is conditional on what
 * was read, so two writers of one address (a complaint and a bounce at once) never replace a
 * stronger entry with a weaker one.
 *
 * An entry written here also remembers the contact it was mirrored onto (`contactId`, an id, no
 * personal data), so lifting it can find that contact again without the address.
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo, isConditionFailed, tableName } from './client.ts';
import { contactKeys } from './contact-keys.ts';
import type { Suppression } from './suppressions.ts';

export interface SuppressionRecord extends Suppression {
  /** The contact whose `suppressed` mirror was set from this entry, when known. */
  contactId?: string;
}

const fromItem = (item: Record<string, unknown>): SuppressionRecord => {
  const { pk: _pk, sk: _sk, ...entry } = item;
  return entry as unknown as SuppressionRecord;
};

export async function get(fingerprint: string): Promise<SuppressionRecord | undefined> {
  const { Item } = await dynamo.send(
    new GetCommand({
      TableName: tableName('contacts'),
      Key: contactKeys.suppression(fingerprint),
      ConsistentRead: true,
    }),
  );
  return Item ? fromItem(Item) : undefined;
}

/** Creates the entry if the address has none; false when it has one. */
export async function create(entry: SuppressionRecord): Promise<boolean> {
  try {
    await dynamo.send(
      new PutCommand({
        TableName: tableName('contacts'),
        Item: { ...contactKeys.suppression(entry.id), ...entry },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/** Replaces the entry if it still has `reason` (the one the caller decided to replace). */
export async function replace(entry: SuppressionRecord, reason: string): Promise<boolean> {
  try {
    await dynamo.send(
      new PutCommand({
        TableName: tableName('contacts'),
        Item: { ...contactKeys.suppression(entry.id), ...entry },
        ConditionExpression: 'reason = :reason',
        ExpressionAttributeValues: { ':reason': reason },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/** Notes the contact an existing entry is mirrored onto. */
export async function noteContact(fingerprint: string, contactId: string): Promise<void> {
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName('contacts'),
        Key: contactKeys.suppression(fingerprint),
        UpdateExpression: 'SET contactId = :c',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':c': contactId },
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
}
