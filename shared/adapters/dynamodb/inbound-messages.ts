/**
 * Messages the unsubscribe mailbox has acted on, so the same message never acts twice: SES may
 * invoke the handler again for one message (an asynchronous invocation is retried after an error),
 * and a mail client may send one message twice. Without this, a person who unsubscribed by mail and
 * subscribed again on the preference page would be unsubscribed again by the repeat.
 *
 * | item             | table | pk                  | sk        | notes                         |
 * |------------------|-------|---------------------|-----------|-------------------------------|
 * | handled message  | app   | `INBOUND#<key>`     | `MESSAGE` | TTL `expiresAt`, 30 days       |
 *
 * The key is a SHA-256 of the message's identity (its Message-ID header, or SES's id) and the token
 * it carried, so the item holds no header text and no address.
 */
import { createHash } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo, tableName } from './client.ts';

const keepDays = 30;
const key = (id: string) => ({ pk: `INBOUND#${id}`, sk: 'MESSAGE' });

/** The key of one message carrying one token. */
export const inboundMessageKey = (messageIdentity: string, token: string): string =>
  createHash('sha256').update(`${messageIdentity}\n${token}`).digest('hex');

export interface HandledMessage {
  /** SES's id of the message that acted. */
  sesMessageId: string;
  contactId: string;
  /** Whether it changed the contact (false: it was unsubscribed already). */
  changed: boolean;
  at: string;
}

export const inboundMessages = {
  async get(id: string): Promise<HandledMessage | undefined> {
    const { Item } = await dynamo.send(
      new GetCommand({ TableName: tableName('app'), Key: key(id), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    return {
      sesMessageId: Item.sesMessageId as string,
      contactId: Item.contactId as string,
      changed: Item.changed as boolean,
      at: Item.at as string,
    };
  },

  async remember(id: string, handled: HandledMessage): Promise<void> {
    await dynamo.send(
      new PutCommand({
        TableName: tableName('app'),
        Item: {
          ...key(id),
          ...handled,
          expiresAt: Math.floor(Date.parse(handled.at) / 1000) + keepDays * 86_400,
        },
      }),
    );
  },
};
