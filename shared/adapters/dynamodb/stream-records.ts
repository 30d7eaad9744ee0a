/**
 * Reading DynamoDB stream records (as Lambda hands them: images in DynamoDB's JSON) as the changes
 * the change-stream consumer understands: a contact item's write (both images), or a mailing item's.
 * Anything else — the filters of infra/streams.ts should let nothing else through — is undefined.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { MailingImage } from '#shared/domain/events.ts';
import { contactFromItem, type StoredContact } from './contacts.ts';

/** A committed write of a contact item: created (no `before`), changed, or erased (no `after`). */
export interface ContactWrite {
  kind: 'contact';
  sequence: string;
  contactId: string;
  /** When DynamoDB committed it (the stream's approximate time, to the second). */
  at: string;
  before?: StoredContact;
  after?: StoredContact;
}

/** A committed write of a mailing item. */
export interface MailingWrite {
  kind: 'mailing';
  sequence: string;
  mailingId: string;
  at: string;
  before?: MailingImage;
  after?: MailingImage;
}

export type StreamChange = ContactWrite | MailingWrite;

type Image = Record<string, AttributeValue> | undefined;
const decode = (image: unknown) => (image ? unmarshall(image as Record<string, AttributeValue>) : undefined);

export const decodeStreamRecord = (record: DynamoDBRecord): StreamChange | undefined => {
  const keys = decode(record.dynamodb?.Keys as Image);
  const sequence = record.dynamodb?.SequenceNumber;
  if (!keys || !sequence) return undefined;
  const pk = String(keys.pk ?? '');
  const sk = String(keys.sk ?? '');
  const at = new Date(
    (record.dynamodb?.ApproximateCreationDateTime ?? Date.now() / 1000) * 1000,
  ).toISOString();
  const before = decode(record.dynamodb?.OldImage as Image);
  const after = decode(record.dynamodb?.NewImage as Image);
  if (pk.startsWith('C#') && sk === 'PROFILE') {
    // The item as stored (the outbox keeps neither its entries' ids nor null from/to), read as a contact.
    const contact = (image: Record<string, unknown> | undefined): StoredContact | undefined =>
      image ? contactFromItem(image) : undefined;
    return {
      kind: 'contact',
      sequence,
      contactId: pk.slice(2),
      at,
      ...(before ? { before: contact(before) } : {}),
      ...(after ? { after: contact(after) } : {}),
    };
  }
  if (pk.startsWith('MAILING#') && sk === 'MAILING') {
    return {
      kind: 'mailing',
      sequence,
      mailingId: pk.slice('MAILING#'.length),
      at,
      ...(before ? { before: before as MailingImage } : {}),
      ...(after ? { after: after as MailingImage } : {}),
    };
  }
  return undefined;
};
