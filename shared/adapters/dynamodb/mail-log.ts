/**
 * What became of each transactional mail a `mail`-queue message owes, so a message delivered twice
 * never mails twice: one small item per mail, in the app table.
 *
 * | item     | pk                  | sk     | notes                                          |
 * |----------|---------------------|--------|------------------------------------------------|
 * | mail     | `MAILQ#<key>`       | `MAIL` | `sending` before the SES call, `sent` after    |
 *
 * The key names the message and the mail (a hash: no address). Written before the SES call, as
 * recipient rows are: a delivery that finds `sent` or `sending` does not send (a second mail is
 * worse than none, and `sending` may have been accepted just before a crash); a call SES refused as
 * a whole removes it, so a retry sends. Kept 18 days (the queue's 4 and its DLQ's 14), by TTL.
 */
import { createHash } from 'node:crypto';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo, isConditionFailed, tableName } from './client.ts';

const keepSeconds = 18 * 24 * 3600;
const key = (mailKey: string) => ({
  pk: `MAILQ#${createHash('sha256').update(mailKey).digest('base64url')}`,
  sk: 'MAIL',
});

/** Claims the mail for sending; false when an earlier delivery sent it or may have. */
export async function begin(mailKey: string): Promise<boolean> {
  try {
    await dynamo.send(
      new PutCommand({
        TableName: tableName('app'),
        Item: {
          ...key(mailKey),
          state: 'sending',
          expiresAt: Math.floor(Date.now() / 1000) + keepSeconds,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

export async function sent(mailKey: string): Promise<void> {
  await dynamo.send(
    new UpdateCommand({
      TableName: tableName('app'),
      Key: key(mailKey),
      UpdateExpression: 'SET #state = :sent',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':sent': 'sent' },
    }),
  );
}

/** SES accepted nothing: the mail may be sent by a retry. */
export async function release(mailKey: string): Promise<void> {
  await dynamo.send(new DeleteCommand({ TableName: tableName('app'), Key: key(mailKey) }));
}
