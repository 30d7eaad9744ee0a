/**
 * POST /contacts/batch: upsert by address, per-item results, and what it costs in DynamoDB requests.
 */
import { QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { dynamo } from '#shared/adapters/dynamodb/client.ts';
import { contactKeys, shardOf } from '#shared/adapters/dynamodb/contact-keys.ts';
import { logger } from '#shared/observability/logger.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';

// No consumers in the background: the request counts below are the import's own, as in AWS, where
// the queue and change-stream consumers are functions of their own with their own clients.
const { request, stack, createKey } = useLocalStack({ autoConsume: false });

interface Result {
  index: number;
  status: 'created' | 'updated' | 'unchanged' | 'failed';
  id?: string;
  error?: { code: string; message: string; details: Array<{ path?: string; code?: string }> };
}
interface Contact {
  id: string;
  email: string;
  firstName: string | null;
  interests: string[];
  consent: { status: string; source: string | null };
  subscriptions: Record<string, { status: string; source: string }>;
}

let marketer: string;
let newsletter: string;
let archived: string;

const batch = async (contacts: unknown[]) => {
  const res = await request<{ results: Result[] }>('POST', '/contacts/batch', {
    key: marketer,
    body: { contacts },
  });
  expect(res.status, res.text.slice(0, 300)).toBe(200);
  return res.body.results;
};

const find = async (email: string) => {
  const res = await request<{ items: Contact[] }>('GET', `/contacts?email=${encodeURIComponent(email)}`, {
    key: marketer,
  });
  return res.body.items[0];
};

/** Number of contact items in the table. */
const contactCount = async () => {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await stack().dynamo.send(
      new ScanCommand({
        TableName: stack().tableNames.contacts,
        FilterExpression: 'sk = :p',
        ExpressionAttributeValues: marshall({ ':p': 'PROFILE' }),
        ExclusiveStartKey: start as never,
      }),
    );
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return count;
};

beforeAll(async () => {
  marketer = await createKey('marketer');
  newsletter = (await request<{ id: string }>('POST', '/subscription-types', { body: { name: 'News' } })).body
    .id;
  archived = (await request<{ id: string }>('POST', '/subscription-types', { body: { name: 'Gone' } })).body
    .id;
  await request('PATCH', `/subscription-types/${archived}`, { body: { archived: true } });
});

describe('batch import', () => {
  it('reports every item: created, updated, unchanged, and failed with its reason', async () => {
    const existing = (
      await request<Contact>('POST', '/contacts', {
        key: marketer,
        body: { email: 'existing@mixed.example', firstName: 'Old' },
      })
    ).body;
    const same = (
      await request<Contact>('POST', '/contacts', {
        key: marketer,
        body: { email: 'same@mixed.example', firstName: 'Same' },
      })
    ).body;
    const results = await batch([
      /* 0 */ {
        email: 'new@mixed.example',
        firstName: 'New',
        consent: { status: 'granted' },
        subscriptions: { [newsletter]: 'subscribed' },
      },
      /* 1 */ { email: 'not an address' },
      /* 2 */ { email: 'NEW@Mixed.Example', firstName: 'Repeat' },
      /* 3 */ { email: 'Existing@MIXED.example', firstName: 'Updated', consent: { status: 'granted' } },
      /* 4 */ { email: 'same@mixed.example', firstName: 'Same' },
      /* 5 */ { email: 'typo@mixed.example', subscriptions: { '01h00000000000000000000000': 'subscribed' } },
      /* 6 */ { email: 'archived@mixed.example', subscriptions: { [archived]: 'subscribed' } },
      /* 7 */ 42,
      /* 8 */ { email: 'extra@mixed.example', nickname: 'x' },
      /* 9 */ { email: 'second@mixed.example', interests: ['Import'] },
    ]);
    expect(results.map((r) => [r.index, r.status])).toEqual([
      [0, 'created'],
      [1, 'failed'],
      [2, 'failed'],
      [3, 'updated'],
      [4, 'unchanged'],
      [5, 'failed'],
      [6, 'failed'],
      [7, 'failed'],
      [8, 'failed'],
      [9, 'created'],
    ]);
    expect(results[1]?.error).toMatchObject({
      code: 'validation_failed',
      details: [{ path: 'contacts.1.email' }],
    });
    expect(results[2]?.error).toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('earlier in this batch'),
      details: [{ path: 'contacts.2.email', code: 'duplicate_in_batch' }],
    });
    expect(results[5]?.error).toMatchObject({
      code: 'validation_failed',
      details: [{ path: 'contacts.5.subscriptions.01h00000000000000000000000', code: 'unknown_type' }],
    });
    expect(results[6]?.error?.code).toBe('rule_violation');
    expect(results[7]?.error?.code).toBe('validation_failed');
    expect(results[8]?.error?.code).toBe('validation_failed');
    expect(results[3]?.id).toBe(existing.id);
    expect(results[4]?.id).toBe(same.id);

    // The first of the repeated address won; the failed items wrote nothing.
    const created = await find('new@mixed.example');
    expect(created).toMatchObject({
      id: results[0]?.id,
      email: 'new@mixed.example',
      firstName: 'New',
      consent: { status: 'granted', source: 'import' },
      subscriptions: { [newsletter]: { status: 'subscribed', source: 'import' } },
    });
    expect(await find('typo@mixed.example')).toBeUndefined();
    expect(await find('archived@mixed.example')).toBeUndefined();
    expect(await find('extra@mixed.example')).toBeUndefined();
    expect(await find('existing@mixed.example')).toMatchObject({
      firstName: 'Updated',
      consent: { status: 'granted' },
    });
  });

  it('puts imported subscribers and interests into the members index', async () => {
    const results = await batch([
      {
        email: 'member@import.example',
        locale: 'sv',
        consent: { status: 'granted' },
        subscriptions: { [newsletter]: 'subscribed' },
        interests: ['Beta'],
      },
    ]);
    const id = results[0]?.id as string;
    const query = async (gpk: string) => {
      const res = await stack().dynamo.send(
        new QueryCommand({
          TableName: stack().tableNames.contacts,
          IndexName: 'members',
          KeyConditionExpression: 'gpk = :g',
          ExpressionAttributeValues: marshall({ ':g': gpk }),
        }),
      );
      return (res.Items ?? []).map((i) => unmarshall(i)).filter((i) => i.contactId === id);
    };
    const [typeMember] = await query(contactKeys.typeShard(newsletter, shardOf(id)));
    expect(typeMember).toMatchObject({
      consent: 'granted',
      status: 'subscribed',
      locale: 'sv',
      interests: ['Beta'],
    });
    expect(await query(contactKeys.interestShard('Beta', shardOf(id)))).toHaveLength(1);
  });

  it('records imported consent and subscriptions in the history with source import', async () => {
    const [result] = await batch([
      {
        email: 'history@import.example',
        consent: { status: 'granted' },
        subscriptions: { [newsletter]: 'subscribed' },
      },
    ]);
    const res = await request<{ items: Array<{ change: string; source: string; to: string | null }> }>(
      'GET',
      `/contacts/${result?.id}/history`,
      { key: marketer },
    );
    expect(res.body.items.map((e) => [e.change, e.to, e.source])).toEqual([
      ['subscription', 'subscribed', 'import'],
      ['consent', 'granted', 'import'],
      ['created', null, 'import'],
    ]);
  });

  it('leaves a re-import of the same data unchanged, with no new history', async () => {
    const contacts = [
      {
        email: 'again1@import.example',
        consent: { status: 'granted' },
        subscriptions: { [newsletter]: 'subscribed' },
      },
      { email: 'again2@import.example', firstName: 'Twice', interests: ['A', 'B'] },
    ];
    expect((await batch(contacts)).map((r) => r.status)).toEqual(['created', 'created']);
    expect((await batch(contacts)).map((r) => r.status)).toEqual(['unchanged', 'unchanged']);
    const contact = await find('again1@import.example');
    const res = await request<{ items: unknown[] }>('GET', `/contacts/${contact?.id}/history`, {
      key: marketer,
    });
    expect(res.body.items).toHaveLength(3);
  });

  it('refuses 1001 items with 422 and writes nothing', async () => {
    const before = await contactCount();
    const contacts = Array.from({ length: 1001 }, (_, i) => ({ email: `too-many-${i}@import.example` }));
    const res = await request<{ error: { code: string; details: Array<{ path: string }> } }>(
      'POST',
      '/contacts/batch',
      { key: marketer, body: { contacts } },
    );
    expect(res.status).toBe(422);
    expect(res.body.error.details.map((d) => d.path)).toContain('body.contacts');
    expect(await contactCount()).toBe(before);
    expect(await find('too-many-0@import.example')).toBeUndefined();
  });

  it('imports 1000 new contacts with few DynamoDB requests per contact', async () => {
    const contacts = Array.from({ length: 1000 }, (_, i) => ({
      email: `bulk-${i}@bulk.example`,
      firstName: `Bulk ${i}`,
      locale: ['en', 'sv', 'de'][i % 3],
      consent: { status: 'granted', source: 'import' },
      subscriptions: { [newsletter]: 'subscribed' },
      interests: ['Bulk'],
    }));
    const counts: Record<string, number> = {};
    dynamo.middlewareStack.add(
      (next, context) => async (args) => {
        const name = context.commandName ?? 'unknown';
        counts[name] = (counts[name] ?? 0) + 1;
        return next(args);
      },
      // Per attempt: SDK retries are requests too.
      { step: 'deserialize', name: 'countImportRequests' },
    );
    let results: Result[];
    try {
      results = await batch(contacts);
    } finally {
      dynamo.middlewareStack.remove('countImportRequests');
    }
    expect(results.every((r) => r.status === 'created')).toBe(true);
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    // One GetItem authenticates the API key. Per contact: one conditional PutItem claims its address;
    // everything else is batched: 1 contact item + 2 memberships + 3 history items per contact, 25
    // to a BatchWriteItem (240 calls), claims and suppressions read 100 keys per BatchGetItem (20).
    expect(counts.PutItemCommand).toBe(1000);
    expect(counts.BatchWriteItemCommand).toBe(240);
    expect(counts.BatchGetItemCommand).toBe(21);
    expect(counts.GetItemCommand).toBe(1);
    expect(total).toBe(1262);
    logger.info('batch import of 1000 new contacts', {
      requests: total,
      perContact: total / 1000,
      ...counts,
    });
    expect(await find('bulk-999@bulk.example')).toMatchObject({ firstName: 'Bulk 999' });

    // The same file again: nothing to write, one history check (Query) per contact.
    const again: Record<string, number> = {};
    dynamo.middlewareStack.add(
      (next, context) => async (args) => {
        const name = context.commandName ?? 'unknown';
        again[name] = (again[name] ?? 0) + 1;
        return next(args);
      },
      { step: 'deserialize', name: 'countReimportRequests' },
    );
    try {
      expect((await batch(contacts)).every((r) => r.status === 'unchanged')).toBe(true);
    } finally {
      dynamo.middlewareStack.remove('countReimportRequests');
    }
    expect(again.BatchWriteItemCommand ?? 0).toBe(0);
    expect(again.PutItemCommand ?? 0).toBe(0);
    expect(again.UpdateItemCommand ?? 0).toBe(0);
    logger.info('batch re-import of the same 1000 contacts', again);
  });
});
