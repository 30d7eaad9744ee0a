import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo, isConditionFailed, tableName } from './client.ts';

/**
 * The account-wide SES sending rate, shared by every sender invocation: a sliding log of the last
 * second's sends in one item, changed only by a conditional write on its version. A send of `n`
 * messages may start when the sends of the past second plus `n` stay within `ratePerSecond`, so no
 * one-second window ever holds more (Lambda cannot run fewer than two SQS consumers, so the
 * limit has to live here, not in the concurrency setting).
 */
const key = { pk: 'RATE#ses', sk: 'RATE' };
const windowMs = 1000;

type Entry = [at: number, count: number];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const acquireSendSlot = async (
  count: number,
  ratePerSecond: number,
  deadline: number,
): Promise<boolean> => {
  if (count > ratePerSecond) throw new Error(`A send of ${count} exceeds the rate of ${ratePerSecond}/s`);
  for (;;) {
    const { Item } = await dynamo.send(
      new GetCommand({ TableName: tableName('app'), Key: key, ConsistentRead: true }),
    );
    const now = Date.now();
    const log = ((Item?.log as Entry[] | undefined) ?? []).filter(([at]) => at > now - windowMs);
    const used = log.reduce((sum, [, n]) => sum + n, 0);
    if (used + count <= ratePerSecond) {
      const version = Number(Item?.version ?? 0);
      try {
        await dynamo.send(
          new PutCommand({
            TableName: tableName('app'),
            Item: {
              ...key,
              version: version + 1,
              log: [...log, [now, count]],
              expiresAt: Math.floor(now / 1000) + 3600,
            },
            ConditionExpression: 'attribute_not_exists(version) OR version = :v',
            ExpressionAttributeValues: { ':v': version },
          }),
        );
        return true;
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
        continue; // another sender took a slot first: look again
      }
    }
    // Wait until enough of the window has passed for this send to fit.
    let freed = used + count - ratePerSecond;
    let waitUntil = now;
    for (const [at, n] of log) {
      freed -= n;
      waitUntil = at + windowMs;
      if (freed <= 0) break;
    }
    if (waitUntil + 1 > deadline) return false;
    await sleep(Math.max(1, waitUntil - Date.now() + 1));
  }
};
