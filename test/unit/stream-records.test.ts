import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { decodeStreamRecord } from '#shared/adapters/dynamodb/stream-records.ts';
import { storedOutbox } from '#shared/adapters/dynamodb/outbox.ts';
import { writeContributions } from '#shared/domain/audience-counts.ts';
import type { HistoryEntry } from '#shared/domain/contact.ts';
import { addedEntries, contactEvents } from '#shared/domain/events.ts';

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

const entry = (id: string, fields: Partial<HistoryEntry>): HistoryEntry => ({
  id,
  at: '2026-05-01T10:00:00.000Z',
  change: 'subscription',
  typeId: 'news',
  from: null,
  to: 'subscribed',
  source: 'api',
  actor: 'k1',
  ...fields,
});

const item = (outbox: Record<string, HistoryEntry>) => ({
  pk: 'C#c1',
  sk: 'PROFILE',
  id: 'c1',
  email: 'ada@example.com',
  subscriptions: {},
  outbox: storedOutbox(outbox),
});

const streamRecord = (
  before: Record<string, HistoryEntry> | undefined,
  after: Record<string, HistoryEntry>,
) =>
  ({
    eventName: before ? 'MODIFY' : 'INSERT',
    dynamodb: {
      Keys: marshall({ pk: 'C#c1', sk: 'PROFILE' }),
      SequenceNumber: '100',
      ApproximateCreationDateTime: 1_777_000_000,
      NewImage: marshall(item(after), { removeUndefinedValues: true }),
      ...(before ? { OldImage: marshall(item(before), { removeUndefinedValues: true }) } : {}),
    },
  }) as unknown as DynamoDBRecord;

describe('a contact write from the stream, as the effects use it', () => {
  const first = { e1: entry('e1', { change: 'created', typeId: undefined, to: null }), e2: entry('e2', {}) };
  const second = {
    ...first,
    e3: entry('e3', { from: 'subscribed', to: 'unsubscribed', source: 'one_click' }),
  };

  it('gives every added entry its own event id and the write its own counter key', () => {
    const change = decodeStreamRecord(streamRecord(first, second));
    if (change?.kind !== 'contact' || !change.after) throw new Error('not a contact write');
    const added = addedEntries(change.before?.outbox, change.after.outbox);
    expect(added.map((e) => e.id)).toEqual(['e3']);
    expect(contactEvents({ id: 'c1', email: 'ada@example.com' }, added).map((e) => e.id)).toEqual(['evt_e3']);
    expect(writeContributions('c1', added).map((c) => c.key)).toEqual(['w:c1:e3']);
  });
});
