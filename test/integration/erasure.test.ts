/**
 * GDPR access (export) and erasure: what is kept (a keyed fingerprint in the suppression list, an
 * audit entry with ids only) and what is gone (everything else about the person).
 */
import { createHmac } from 'node:crypto';
import { QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { contactKeys, shardOf } from '#shared/adapters/dynamodb/contact-keys.ts';
import * as contacts from '#shared/adapters/dynamodb/contacts.ts';
import { suppressions } from '#shared/adapters/dynamodb/suppressions.ts';
import { signingKeys } from '#shared/adapters/secrets/signing-keys.ts';
import { setLogSink } from '#shared/observability/logger.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';

const { request, stack, createKey } = useLocalStack();

interface Contact {
  id: string;
  email: string;
  consent: { status: string };
  subscriptions: Record<string, { status: string }>;
}
interface Export {
  contact: Contact & { firstName: string; interests: string[] };
  history: Array<{ id: string; change: string; evidence?: Record<string, string> }>;
  memberships: Array<{ kind: string; typeId?: string; tag?: string }>;
  suppression: { id: string; reason: string; source: string } | null;
  mailings: unknown[];
  exportedAt: string;
}

let marketer: string;
let newsletter: string;

const scanAll = async (table: string) => {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await stack().dynamo.send(
      new ScanCommand({ TableName: table, ExclusiveStartKey: start as never }),
    );
    items.push(...(page.Items ?? []).map((i) => unmarshall(i)));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
};

const members = async (typeId: string, contactId: string) => {
  const res = await stack().dynamo.send(
    new QueryCommand({
      TableName: stack().tableNames.contacts,
      IndexName: 'members',
      KeyConditionExpression: 'gpk = :g',
      ExpressionAttributeValues: marshall({ ':g': contactKeys.typeShard(typeId, shardOf(contactId)) }),
    }),
  );
  return (res.Items ?? []).map((i) => unmarshall(i)).filter((i) => i.contactId === contactId);
};

const create = async (body: Record<string, unknown>) => {
  const res = await request<Contact>('POST', '/contacts', { key: marketer, body });
  expect(res.status, res.text).toBe(201);
  return res.body;
};

beforeAll(async () => {
  marketer = await createKey('marketer');
  newsletter = (await request<{ id: string }>('POST', '/subscription-types', { body: { name: 'News' } })).body
    .id;
});

afterEach(() => setLogSink((line) => process.stdout.write(`${line}\n`)));

describe('export', () => {
  it('returns everything stored: contact, the whole history over many pages, memberships, no suppression', async () => {
    const contact = await create({
      email: 'export.me@example.org',
      firstName: 'Export',
      consent: { status: 'granted', source: 'form', evidence: { ip: '198.51.100.4', text: 'Yes please' } },
      subscriptions: { [newsletter]: 'subscribed' },
      interests: ['Tea'],
    });
    // 60 more changes: more than a default history page (50).
    for (let i = 0; i < 60; i++) {
      const status = i % 2 ? 'subscribed' : 'unsubscribed';
      const res = await request('PUT', `/contacts/${contact.id}/subscriptions/${newsletter}`, {
        key: marketer,
        body: { status, source: 'api' },
      });
      expect(res.status).toBe(200);
    }
    const res = await request<Export>('GET', `/contacts/${contact.id}/export`, { key: marketer });
    expect(res.status).toBe(200);
    expect(res.body.contact).toMatchObject({
      id: contact.id,
      email: 'export.me@example.org',
      firstName: 'Export',
    });
    expect(res.body.history).toHaveLength(63);
    expect(res.body.history.at(-1)?.change).toBe('created');
    expect(res.body.history.find((e) => e.change === 'consent')?.evidence).toEqual({
      ip: '198.51.100.4',
      text: 'Yes please',
    });
    const ids = res.body.history.map((e) => e.id);
    expect([...ids].sort().reverse()).toEqual(ids);
    expect(res.body.memberships).toEqual(
      expect.arrayContaining([
        { kind: 'type', typeId: newsletter },
        { kind: 'interest', tag: 'Tea' },
      ]),
    );
    expect(res.body.memberships).toHaveLength(2);
    expect(res.body.suppression).toBeNull();
    expect(res.body.mailings).toEqual([]);
  });

  it('answers 404 for an unknown contact', async () => {
    expect(
      (await request('GET', '/contacts/01h00000000000000000000000/export', { key: marketer })).status,
    ).toBe(404);
  });
});

describe('erasure', () => {
  it('needs an admin key: 401 without a key, 403 for a marketer', async () => {
    const contact = await create({ email: 'not-yet@example.org' });
    expect((await request('DELETE', `/contacts/${contact.id}`, { key: null })).status).toBe(401);
    const denied = await request('DELETE', `/contacts/${contact.id}`, { key: marketer });
    expect(denied.status).toBe(403);
    expect((await request('GET', `/contacts/${contact.id}`, { key: marketer })).status).toBe(200);
  });

  it('removes everything personal, keeps a fingerprint suppression and an audit entry without the address', async () => {
    const email = 'Erase.Me@Example.ORG';
    const contact = await create({
      email,
      firstName: 'Ingrid',
      lastName: 'Forgotten',
      fields: { secretCode: 'zebra-42' },
      consent: { status: 'granted', source: 'form', evidence: { ip: '192.0.2.55', userAgent: 'Agent/7' } },
      subscriptions: { [newsletter]: 'subscribed' },
      interests: ['Knitting'],
    });
    await request('PATCH', `/contacts/${contact.id}`, { key: marketer, body: { locale: 'sv' } });
    expect(await members(newsletter, contact.id)).toHaveLength(1);

    const logs: string[] = [];
    setLogSink((line) => logs.push(line));
    const res = await request<{ id: string; erased: boolean; at: string }>(
      'DELETE',
      `/contacts/${contact.id}`,
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: contact.id, erased: true, at: expect.any(String) });

    // Gone from every API.
    expect((await request('GET', `/contacts/${contact.id}`, { key: marketer })).status).toBe(404);
    expect((await request('GET', `/contacts/${contact.id}/history`, { key: marketer })).status).toBe(404);
    expect((await request('GET', `/contacts/${contact.id}/export`, { key: marketer })).status).toBe(404);
    const found = await request<{ items: unknown[] }>('GET', `/contacts?email=${encodeURIComponent(email)}`, {
      key: marketer,
    });
    expect(found.body.items).toEqual([]);
    expect((await request('DELETE', `/contacts/${contact.id}`)).status).toBe(404);

    // Gone from the tables: no address (any case), name, field value, evidence or contact id.
    const contactsTable = JSON.stringify(await scanAll(stack().tableNames.contacts)).toLowerCase();
    for (const personal of [
      email.toLowerCase(),
      'ingrid',
      'forgotten',
      'zebra-42',
      'knitting',
      '192.0.2.55',
      'agent/7',
    ]) {
      expect(contactsTable, personal).not.toContain(personal);
    }
    expect(contactsTable).not.toContain(contact.id);
    expect(await members(newsletter, contact.id)).toEqual([]);
    const appTable = await scanAll(stack().tableNames.app);
    expect(JSON.stringify(appTable).toLowerCase()).not.toContain(email.toLowerCase());

    // What is kept: the suppression under the keyed fingerprint, and the audit entry with ids only.
    const keys = await signingKeys();
    const fingerprint = createHmac('sha256', keys.fingerprintKey)
      .update(`fp:v1:${email.toLowerCase()}`)
      .digest('hex');
    const suppression = await suppressions.getByEmail(email.toLowerCase());
    expect(suppression).toMatchObject({ id: fingerprint, reason: 'erased', source: 'erasure' });
    const auditEntries = appTable.filter((i) => i.kind === 'AUDIT' && i.action === 'contact.erased');
    expect(auditEntries).toHaveLength(1);
    expect(auditEntries[0]).toMatchObject({ details: { contactId: contact.id }, actor: { role: 'admin' } });

    // Logged by id only.
    expect(logs.join('\n').toLowerCase()).not.toContain('erase.me');
    expect(logs.join('\n')).not.toContain('Ingrid');
  });

  it('finds and removes the claim of an address change that crashed half way', async () => {
    const contact = await create({ email: 'moving@example.org' });
    // The PATCH noted and claimed the new address, then crashed before changing the contact.
    const current = await contacts.get(contact.id);
    if (!current) throw new Error('contact missing');
    await contacts.noteClaim(current, 'moved-to@example.org');
    expect(await contacts.claim('moved-to@example.org', contact.id)).toBe(true);
    const exported = await request<Export & { addressClaims: string[] }>(
      'GET',
      `/contacts/${contact.id}/export`,
      {
        key: marketer,
      },
    );
    expect(exported.body.addressClaims).toEqual(['moved-to@example.org']);

    expect((await request('DELETE', `/contacts/${contact.id}`)).status).toBe(200);
    const table = JSON.stringify(await scanAll(stack().tableNames.contacts));
    expect(table).not.toContain('moving@example.org');
    expect(table).not.toContain('moved-to@example.org');
  });

  it('lets a re-import create a new contact that stays suppressed (erased) until consent is granted', async () => {
    const email = 'comeback@example.org';
    const first = await create({ email, subscriptions: { [newsletter]: 'subscribed' } });
    expect((await request('DELETE', `/contacts/${first.id}`)).status).toBe(200);

    const again = await request<Contact>('POST', '/contacts', {
      key: marketer,
      body: { email: 'ComeBack@EXAMPLE.org', subscriptions: { [newsletter]: 'subscribed' } },
    });
    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(first.id);
    expect((await suppressions.getByEmail(email))?.reason).toBe('erased');
    const [member] = await members(newsletter, again.body.id);
    expect(member?.suppressed).toBe('erased');
    const exported = await request<Export>('GET', `/contacts/${again.body.id}/export`, { key: marketer });
    expect(exported.body.suppression).toMatchObject({ reason: 'erased' });

    // A withdrawal does not lift it; a grant does.
    await request('PUT', `/contacts/${again.body.id}/consent`, {
      key: marketer,
      body: { status: 'withdrawn', source: 'api' },
    });
    expect((await suppressions.getByEmail(email))?.reason).toBe('erased');
    const granted = await request('PUT', `/contacts/${again.body.id}/consent`, {
      key: marketer,
      body: { status: 'granted', source: 'form' },
    });
    expect(granted.status).toBe(200);
    expect(await suppressions.getByEmail(email)).toBeUndefined();
    const [lifted] = await members(newsletter, again.body.id);
    expect(lifted?.suppressed).toBeUndefined();
    expect(lifted?.consent).toBe('granted');
  });

  it('marks an erased address suppressed when it comes back through a batch import', async () => {
    const first = await create({ email: 'batch-comeback@example.org' });
    await request('DELETE', `/contacts/${first.id}`);
    const res = await request<{ results: Array<{ status: string; id: string }> }>('POST', '/contacts/batch', {
      key: marketer,
      body: {
        contacts: [{ email: 'batch-comeback@example.org', subscriptions: { [newsletter]: 'subscribed' } }],
      },
    });
    expect(res.body.results[0]?.status).toBe('created');
    const [member] = await members(newsletter, res.body.results[0]?.id as string);
    expect(member?.suppressed).toBe('erased');
  });

  it('keeps a complaint suppression as it is, which consent does not lift', async () => {
    const email = 'complained@example.org';
    const contact = await create({ email });
    const fingerprint = await suppressions.fingerprint(email);
    await suppressions.put({
      id: fingerprint,
      reason: 'complaint',
      at: new Date().toISOString(),
      source: 'complaint',
    });
    await request('DELETE', `/contacts/${contact.id}`);
    expect((await suppressions.getByEmail(email))?.reason).toBe('complaint');
    const again = await create({ email });
    await request('PUT', `/contacts/${again.id}/consent`, {
      key: marketer,
      body: { status: 'granted', source: 'form' },
    });
    expect((await suppressions.getByEmail(email))?.reason).toBe('complaint');
  });
});
