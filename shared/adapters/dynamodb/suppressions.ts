/**
 * The suppression list: addresses that must never be mailed again, whatever the consent override
 * says. One item per address, keyed by its keyed fingerprint (`S#<fingerprint>`), so an entry holds
 * no address and survives the erasure of the person it came from.
 */
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Source } from '#shared/http/schemas/common.ts';
import { emailFingerprint } from '#shared/adapters/secrets/signing-keys.ts';
import { dynamo, isConditionFailed, tableName } from './client.ts';
import { contactKeys } from './contact-keys.ts';

/** `ses_suppressed`: SES refused the address because its account-level suppression list holds it. */
export const suppressionReasons = [
  'hard_bounce',
  'soft_bounce',
  'complaint',
  'manual',
  'erased',
  'ses_suppressed',
] as const;
export type SuppressionReason = (typeof suppressionReasons)[number];

export interface Suppression {
  /** The address's fingerprint. */
  id: string;
  reason: SuppressionReason;
  at: string;
  source: Source;
  /** The SES event (message id, feedback id) that caused it. */
  sourceEvent?: string;
  /** The API key id, for manual and erasure entries. */
  actor?: string;
}

const fromItem = (item: Record<string, unknown>): Suppression => ({
  id: item.id as string,
  reason: item.reason as SuppressionReason,
  at: item.at as string,
  source: item.source as Source,
  ...(item.sourceEvent ? { sourceEvent: item.sourceEvent as string } : {}),
  ...(item.actor ? { actor: item.actor as string } : {}),
});

export const suppressions = {
  /** The fingerprint of an address (by its lowercased key): the entry's id. */
  fingerprint: (emailKey: string): Promise<string> => emailFingerprint(emailKey),

  async get(fingerprint: string): Promise<Suppression | undefined> {
    const { Item } = await dynamo.send(
      new GetCommand({
        TableName: tableName('contacts'),
        Key: contactKeys.suppression(fingerprint),
        ConsistentRead: true,
      }),
    );
    return Item ? fromItem(Item) : undefined;
  },

  async getByEmail(emailKey: string): Promise<Suppression | undefined> {
    return suppressions.get(await emailFingerprint(emailKey));
  },

  /**
   * Writes an entry. With `keepExisting` an entry already there wins (an erasure must not turn a
   * complaint into something consent can lift); returns the entry that is stored afterwards.
   */
  async put(entry: Suppression, options: { keepExisting?: boolean } = {}): Promise<Suppression> {
    try {
      await dynamo.send(
        new PutCommand({
          TableName: tableName('contacts'),
          Item: { ...contactKeys.suppression(entry.id), ...entry },
          ...(options.keepExisting ? { ConditionExpression: 'attribute_not_exists(pk)' } : {}),
        }),
      );
      return entry;
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
      return (await suppressions.get(entry.id)) ?? entry;
    }
  },

  /** Deletes the entry; with `onlyReason`, only when it has that reason. True when one was deleted. */
  async delete(fingerprint: string, options: { onlyReason?: SuppressionReason } = {}): Promise<boolean> {
    try {
      const { Attributes } = await dynamo.send(
        new DeleteCommand({
          TableName: tableName('contacts'),
          Key: contactKeys.suppression(fingerprint),
          ...(options.onlyReason
            ? { ConditionExpression: 'reason = :r', ExpressionAttributeValues: { ':r': options.onlyReason } }
            : {}),
          ReturnValues: 'ALL_OLD',
        }),
      );
      return Attributes !== undefined;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  },
};
