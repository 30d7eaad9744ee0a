/**
 * The bounce policy setting: one item beside the privacy setting in the app table
 * (`SETTINGS` / `bounce-policy`), the defaults until an admin stores one.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { type BouncePolicy, bouncePolicySchema, defaultBouncePolicy } from '#shared/domain/bounce-policy.ts';
import { logger } from '#shared/observability/logger.ts';
import { dynamo, tableName } from './client.ts';

const key = { pk: 'SETTINGS', sk: 'bounce-policy' };

export interface StoredBouncePolicy {
  policy: BouncePolicy;
  updatedAt: string | null;
  updatedBy: string | null;
}

const defaults: StoredBouncePolicy = { policy: defaultBouncePolicy, updatedAt: null, updatedBy: null };

const fromItem = (item: Record<string, unknown> | undefined): StoredBouncePolicy => {
  if (!item) return defaults;
  const parsed = bouncePolicySchema().safeParse(item.policy);
  if (!parsed.success) {
    // Written by this code only, so this is a bug or a hand edit: the defaults are the safe side.
    logger.error('stored bounce policy is invalid; using the defaults', {
      issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
    });
    return defaults;
  }
  return {
    policy: parsed.data,
    updatedAt: (item.updatedAt as string | undefined) ?? null,
    updatedBy: (item.updatedBy as string | undefined) ?? null,
  };
};

export async function get(): Promise<StoredBouncePolicy> {
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: tableName('app'), Key: key, ConsistentRead: true }),
  );
  return fromItem(Item);
}

/** Replaces the policy; returns the one before, so the caller can record the change. */
export async function put(
  policy: BouncePolicy,
  by: string,
  at: string,
): Promise<{ before: StoredBouncePolicy; after: StoredBouncePolicy }> {
  const { Attributes } = await dynamo.send(
    new PutCommand({
      TableName: tableName('app'),
      Item: { ...key, policy, updatedAt: at, updatedBy: by },
      ReturnValues: 'ALL_OLD',
    }),
  );
  return { before: fromItem(Attributes), after: { policy, updatedAt: at, updatedBy: by } };
}
