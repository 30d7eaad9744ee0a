import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo, tableName } from './client.ts';

const privacyKey = { pk: 'SETTINGS', sk: 'privacy' };

export interface PrivacySetting {
  enabled: boolean;
  updatedAt: string | null;
  updatedBy: string | null;
}

/** Until an admin says otherwise the privacy filter is on: the safe default. */
const defaultPrivacy: PrivacySetting = { enabled: true, updatedAt: null, updatedBy: null };

export const settings = {
  async getPrivacy(): Promise<PrivacySetting> {
    const { Item } = await dynamo.send(
      new GetCommand({ TableName: tableName('app'), Key: privacyKey, ConsistentRead: true }),
    );
    if (!Item) return defaultPrivacy;
    return {
      enabled: Item.enabled as boolean,
      updatedAt: Item.updatedAt as string,
      updatedBy: Item.updatedBy as string,
    };
  },

  /** Returns the previous value so the caller can record the change. */
  async setPrivacy(
    enabled: boolean,
    by: string,
    at: string,
  ): Promise<{ before: PrivacySetting; after: PrivacySetting }> {
    const { Attributes } = await dynamo.send(
      new UpdateCommand({
        TableName: tableName('app'),
        Key: privacyKey,
        UpdateExpression: 'SET enabled = :e, updatedAt = :at, updatedBy = :by',
        ExpressionAttributeValues: { ':e': enabled, ':at': at, ':by': by },
        ReturnValues: 'ALL_OLD',
      }),
    );
    const before = Attributes
      ? {
          enabled: Attributes.enabled as boolean,
          updatedAt: Attributes.updatedAt as string,
          updatedBy: Attributes.updatedBy as string,
        }
      : defaultPrivacy;
    return { before, after: { enabled, updatedAt: at, updatedBy: by } };
  },
};
