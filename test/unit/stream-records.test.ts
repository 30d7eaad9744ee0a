import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { decodeStreamRecord } from '#shared/adapters/dynamodb/stream-records.ts';

/** A contact item exactly as the contacts adapter stores it: outbox entries keyed by id, without
 * their `id` and without a null `from` (bytes a write unit is made of). */
const storedContact = {
  pk: 'C#c1',
  sk: 'PROFILE',
  id: 'c1',
  email: 'a@example.com',
  version: 1,
  outbox: {
    h1: {
      kind: 'subscription',
      typeId: 't1',
      to: 'subscribed',
      source: 'api',
      at: '2026-05-01T00:00:00.000Z',
    },
  },
};

const record = (newImage: object): DynamoDBRecord => ({
  eventName: 'INSERT',
  dynamodb: {
    Keys: marshall({ pk: 'C#c1', sk: 'PROFILE' }) as never,
    NewImage: marshall(newImage) as never,
    SequenceNumber: '100',
    ApproximateCreationDateTime: 1_777_593_600,
  },
});

describe('reading a contact item from a stream record', () => {
  it('restores what storage leaves out: the outbox entry ids, null from/to, empty interests and fields', () => {
    const change = decodeStreamRecord(record(storedContact));
    expect(change).toMatchObject({ kind: 'contact', contactId: 'c1', sequence: '100' });
    const after = change?.kind === 'contact' ? change.after : undefined;
    expect(after?.outbox.h1).toEqual({
      id: 'h1',
      kind: 'subscription',
      typeId: 't1',
      from: null,
      to: 'subscribed',
      source: 'api',
      at: '2026-05-01T00:00:00.000Z',
    });
    expect(after?.interests).toEqual([]);
    expect(after?.fields).toEqual({});
    expect(after).not.toHaveProperty('pk');
  });
});
