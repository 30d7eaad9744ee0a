/**
 * Stream records as Lambda hands them (images in DynamoDB JSON, the contact item as stored), read
 * back as the changes the consumer's effects use: outbox entries carry their ids, which event ids
 * and counter keys are made of.
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { storedOutbox } from '#shared/adapters/dynamodb/outbox.ts';
import { decodeStreamRecord } from '#shared/adapters/dynamodb/stream-records.ts';
import { writeContributions } from '#shared/domain/audience-counts.ts';
import type { HistoryEntry } from '#shared/domain/contact.ts';
import { addedEntries, contactEvents } from '#shared/domain/events.ts';

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

const record = (before: Record<string, HistoryEntry> | undefined, after: Record<string, HistoryEntry>) =>
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

describe('a contact write from the stream', () => {
  const first = { e1: entry('e1', { change: 'created', typeId: undefined, to: null }), e2: entry('e2', {}) };
  const second = {
    ...first,
    e3: entry('e3', { from: 'subscribed', to: 'unsubscribed', source: 'one_click' }),
  };

  it('reads each outbox entry with its id and null from/to, as the repository does', () => {
    const change = decodeStreamRecord(record(undefined, first));
    expect(change?.kind).toBe('contact');
    if (change?.kind !== 'contact') return;
    expect(change.after?.outbox).toEqual({
      e1: { ...first.e1, typeId: undefined },
      e2: first.e2,
    });
  });

  it('gives every added entry its own event id and the write its own counter key', () => {
    const change = decodeStreamRecord(record(first, second));
    if (change?.kind !== 'contact' || !change.after) throw new Error('not a contact write');
    const added = addedEntries(change.before?.outbox, change.after.outbox);
    expect(added.map((e) => e.id)).toEqual(['e3']);
    expect(contactEvents({ id: 'c1', email: 'ada@example.com' }, added).map((e) => e.id)).toEqual(['evt_e3']);
    expect(writeContributions('c1', added).map((c) => c.key)).toEqual(['w:c1:e3']);
  });
});
