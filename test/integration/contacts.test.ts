/**
 * Contacts, consent, subscriptions, interests and their history, through the local gateway; the
 * members index and the raw items are read with the stack's own DynamoDB client.
 */
import { PutItemCommand, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import * as contacts from '#shared/adapters/dynamodb/contacts.ts';
import { contactKeys, shardOf } from '#shared/adapters/dynamodb/contact-keys.ts';
import { patchContact, setConsent, setSubscription } from '#shared/domain/contact.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';

const { request, stack } = useLocalStack();

interface Contact {
  id: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  locale: string | null;
  fields: Record<string, unknown>;
  interests: string[];
  consent: { status: string; legalBasis: string | null; source: string | null; at: string | null };
  subscriptions: Record<string, { status: string; source: string; at: string }>;
  createdAt: string;
  updatedAt: string;
}

interface Entry {
  id: string;
  at: string;
  change: string;
  typeId?: string;
  from: string | null;
  to: string | null;
  legalBasis?: string;
  source: string;
  actor: string;
  evidence?: Record<string, string>;
  fields?: string[];
  added?: string[];
  removed?: string[];
}

interface ErrorBody {
  error: { code: string; message: string; details: Array<{ path?: string; code?: string }> };
}

let marketer: { id: string; key: string };
let newsletter: string;
let events: string;
let confirmed: string;

let counter = 0;
/** A fresh address per call, so tests never collide. */
const address = (name = 'person') => `${name}.${++counter}.${Date.now()}@Example.COM`;

const createType = async (body: Record<string, unknown>) => {
  const res = await request<{ id: string }>('POST', '/subscription-types', { body });
  expect(res.status).toBe(201);
  return res.body.id;
};

const create = async (body: Record<string, unknown>) => {
  const res = await request<Contact>('POST', '/contacts', { key: marketer.key, body });
  expect(res.status, res.text).toBe(201);
  return res.body;
};

const historyOf = async (id: string, query = '') => {
  const res = await request<{ items: Entry[]; nextCursor: string | null }>(
    'GET',
    `/contacts/${id}/history${query}`,
    { key: marketer.key },
  );
  expect(res.status, res.text).toBe(200);
  return res.body;
};

/** The members index partition of one type (or interest) for the contact's shard. */
const membersOf = async (gpkOf: (shard: number) => string, contactId: string) => {
  const result = await stack().dynamo.send(
    new QueryCommand({
      TableName: stack().tableNames.contacts,
      IndexName: 'members',
      KeyConditionExpression: 'gpk = :g',
      ExpressionAttributeValues: marshall({ ':g': gpkOf(shardOf(contactId)) }),
    }),
  );
  return (result.Items ?? []).map((i) => unmarshall(i)).filter((i) => i.contactId === contactId);
};
const typeMembers = (typeId: string, contactId: string) =>
  membersOf((shard) => contactKeys.typeShard(typeId, shard), contactId);
const interestMembers = (tag: string, contactId: string) =>
  membersOf((shard) => contactKeys.interestShard(tag, shard), contactId);

/** Every item of the contact's partition, as stored. */
const partition = async (contactId: string) => {
  const result = await stack().dynamo.send(
    new QueryCommand({
      TableName: stack().tableNames.contacts,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: marshall({ ':pk': contactKeys.contact(contactId).pk }),
      ConsistentRead: true,
    }),
  );
  return (result.Items ?? []).map((i) => unmarshall(i));
};

beforeAll(async () => {
  const res = await request<{ id: string; key: string }>('POST', '/api-keys', {
    body: { name: 'crm', role: 'marketer' },
  });
  marketer = { id: res.body.id, key: res.body.key };
  newsletter = await createType({ name: 'Monthly newsletter' });
  events = await createType({ name: 'Event invitations' });
  confirmed = await createType({ name: 'Confirmed list', doubleOptIn: true });
});

describe('creating and reading contacts', () => {
  it('creates a contact with everything and normalises the address (domain lowercased, local part kept)', async () => {
    const res = await request<Contact>('POST', '/contacts', {
      key: marketer.key,
      body: {
        email: '  Ada.Lovelace@Example.COM ',
        firstName: 'Ada',
        lastName: 'Lovelace',
        locale: 'en',
        fields: { company: 'Analytical Engines', employees: 3, customer: true, note: null },
        consent: { status: 'granted', source: 'form', evidence: { formId: 'signup', textVersion: 'v3' } },
        subscriptions: { [newsletter]: 'subscribed', [events]: 'unsubscribed' },
        interests: ['Product X', ' Product X ', 'Engines'],
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-z]{26}$/),
      email: 'Ada.Lovelace@example.com',
      firstName: 'Ada',
      lastName: 'Lovelace',
      locale: 'en',
      fields: { company: 'Analytical Engines', employees: 3, customer: true, note: null },
      interests: ['Product X', 'Engines'],
      consent: { status: 'granted', legalBasis: 'consent', source: 'form', at: res.body.createdAt },
      subscriptions: {
        [newsletter]: { status: 'subscribed', source: 'api', at: res.body.createdAt },
        [events]: { status: 'unsubscribed', source: 'api', at: res.body.createdAt },
      },
      createdAt: expect.any(String),
      updatedAt: res.body.createdAt,
    });
    const read = await request<Contact>('GET', `/contacts/${res.body.id}`, { key: marketer.key });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(res.body);
  });

  it('creates a bare contact with consent none and no subscriptions', async () => {
    const contact = await create({ email: address() });
    expect(contact).toMatchObject({
      firstName: null,
      lastName: null,
      locale: null,
      fields: {},
      interests: [],
      consent: { status: 'none', legalBasis: null, source: null, at: null },
      subscriptions: {},
    });
  });

  it('finds a contact by address case-insensitively: a list of zero or one', async () => {
    const email = address('finder');
    const contact = await create({ email });
    for (const variant of [email, email.toLowerCase(), email.toUpperCase(), ` ${email} `]) {
      const res = await request<{ items: Contact[]; nextCursor: null }>(
        'GET',
        `/contacts?email=${encodeURIComponent(variant)}`,
        { key: marketer.key },
      );
      expect(res.status).toBe(200);
      expect(res.body.items.map((c) => c.id)).toEqual([contact.id]);
      expect(res.body.nextCursor).toBeNull();
    }
    const none = await request<{ items: Contact[] }>(
      'GET',
      `/contacts?email=${encodeURIComponent(address())}`,
      {
        key: marketer.key,
      },
    );
    expect(none.body).toEqual({ items: [], nextCursor: null });
  });

  it('answers 422 naming query.email for a search without a valid address', async () => {
    for (const query of ['', '?email=not-an-address', '?email=a%20b@example.com']) {
      const res = await request<ErrorBody>('GET', `/contacts${query}`, { key: marketer.key });
      expect(res.status).toBe(422);
      expect(res.body.error.details.map((d) => d.path)).toContain('query.email');
    }
  });

  it('answers 404 for an unknown contact id', async () => {
    expect((await request('GET', '/contacts/01h00000000000000000000000', { key: marketer.key })).status).toBe(
      404,
    );
    expect((await request('GET', '/contacts/nope', { key: marketer.key })).status).toBe(404);
  });

  it('refuses a second contact with the same address: any case of the local part, any case of the domain', async () => {
    const email = 'grace.hopper@navy.example';
    await create({ email });
    for (const again of [
      email,
      'Grace.Hopper@navy.example',
      'grace.hopper@NAVY.EXAMPLE',
      ' GRACE.HOPPER@Navy.Example ',
    ]) {
      const res = await request<ErrorBody>('POST', '/contacts', {
        key: marketer.key,
        body: { email: again },
      });
      expect(res.status, again).toBe(409);
      expect(res.body.error.code).toBe('conflict');
      expect(res.body.error.details[0]?.path).toBe('body.email');
    }
  });

  it('creates exactly one contact when 20 requests race to create the same address', async () => {
    const email = address('racer');
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        request<Contact>('POST', '/contacts', {
          key: marketer.key,
          body: { email: i % 2 ? email.toUpperCase() : email, firstName: `Racer ${i}` },
        }),
      ),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    const winner = responses.find((r) => r.status === 201)?.body as Contact;
    const found = await request<{ items: Contact[] }>('GET', `/contacts?email=${encodeURIComponent(email)}`, {
      key: marketer.key,
    });
    expect(found.body.items.map((c) => c.id)).toEqual([winner.id]);
    // No second contact item exists anywhere with this address.
    const scan = await stack().dynamo.send(new ScanCommand({ TableName: stack().tableNames.contacts }));
    const profiles = (scan.Items ?? [])
      .map((i) => unmarshall(i))
      .filter((i) => i.sk === 'PROFILE' && i.emailKey === email.toLowerCase());
    expect(profiles).toHaveLength(1);
  });

  it('takes over a claim whose contact never appeared, but only after the grace period', async () => {
    const putClaim = (email: string, claimedAt: string) =>
      stack().dynamo.send(
        new PutItemCommand({
          TableName: stack().tableNames.contacts,
          Item: marshall({
            ...contactKeys.claim(email),
            contactId: '01h00000000000000000000000',
            claimedAt,
          }),
        }),
      );
    const stale = address('stale').toLowerCase();
    await putClaim(stale, new Date(Date.now() - 5 * 60_000).toISOString());
    const taken = await request<Contact>('POST', '/contacts', { key: marketer.key, body: { email: stale } });
    expect(taken.status).toBe(201);
    const found = await request<{ items: Contact[] }>('GET', `/contacts?email=${encodeURIComponent(stale)}`, {
      key: marketer.key,
    });
    expect(found.body.items.map((c) => c.id)).toEqual([taken.body.id]);

    const young = address('young').toLowerCase();
    await putClaim(young, new Date().toISOString());
    expect((await request('POST', '/contacts', { key: marketer.key, body: { email: young } })).status).toBe(
      409,
    );
  });

  it('rejects invalid addresses with 422 naming body.email', async () => {
    const invalid = [
      'plainaddress',
      'two@@example.com',
      'a@b@example.com',
      'no-domain-dot@localhost',
      'space in@example.com',
      'tab\tin@example.com',
      '.leading-dot@example.com',
      'double..dot@example.com',
      'x@-bad-.example.com',
      `${'l'.repeat(65)}@example.com`,
      `a@${'d'.repeat(250)}.com`,
      '@example.com',
      'user@',
      '',
    ];
    for (const email of invalid) {
      const res = await request<ErrorBody>('POST', '/contacts', { key: marketer.key, body: { email } });
      expect(res.status, email).toBe(422);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.details.map((d) => d.path)).toContain('body.email');
    }
  });

  it('rejects unknown fields and wrong types with 422, writing nothing', async () => {
    const email = address('strict');
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ email, nickname: 'x' }, 'body'],
      [{ email, locale: 'English' }, 'body.locale'],
      [{ email, interests: ['x'.repeat(65)] }, 'body.interests.0'],
      [{ email, interests: Array.from({ length: 101 }, (_, i) => `t${i}`) }, 'body.interests'],
      [{ email, fields: { 'bad key': 1 } }, 'body.fields'],
      [{ email, consent: { status: 'maybe' } }, 'body.consent.status'],
      [{ email, consent: { status: 'granted', evidence: { ip: 'not-an-ip' } } }, 'body.consent.evidence.ip'],
      [{ email, subscriptions: { [newsletter]: 'yes' } }, `body.subscriptions.${newsletter}`],
      [{ email, source: 'telepathy' }, 'body.source'],
    ];
    for (const [body, path] of bad) {
      const res = await request<ErrorBody>('POST', '/contacts', { key: marketer.key, body });
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(422);
      expect(
        res.body.error.details.some((d) => d.path?.startsWith(path)),
        path,
      ).toBe(true);
    }
    const found = await request<{ items: Contact[] }>('GET', `/contacts?email=${encodeURIComponent(email)}`, {
      key: marketer.key,
    });
    expect(found.body.items).toEqual([]);
  });

  it('refuses unknown and archived types on create, leaving the address free', async () => {
    const email = address('typed');
    const unknown = '01h00000000000000000000000';
    const res = await request<ErrorBody>('POST', '/contacts', {
      key: marketer.key,
      body: { email, subscriptions: { [unknown]: 'subscribed' } },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.details.map((d) => d.path)).toContain(`body.subscriptions.${unknown}`);

    const archived = await createType({ name: 'Old list' });
    await request('PATCH', `/subscription-types/${archived}`, { body: { archived: true } });
    const refused = await request<ErrorBody>('POST', '/contacts', {
      key: marketer.key,
      body: { email, subscriptions: { [archived]: 'subscribed' } },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('rule_violation');
    // Nothing was claimed: the same address can be created now.
    expect((await request('POST', '/contacts', { key: marketer.key, body: { email } })).status).toBe(201);
  });

  it('honours Idempotency-Key: a retried create returns the first contact, not a 409', async () => {
    const email = address('idem');
    const headers = { 'idempotency-key': `create-${email}` };
    const first = await request<Contact>('POST', '/contacts', {
      key: marketer.key,
      body: { email },
      headers,
    });
    const again = await request<Contact>('POST', '/contacts', {
      key: marketer.key,
      body: { email },
      headers,
    });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
  });

  it('records creation, consent and subscriptions as history, newest first', async () => {
    const contact = await create({
      email: address(),
      consent: { status: 'granted', legalBasis: 'legitimate_interest', source: 'import' },
      subscriptions: { [newsletter]: 'subscribed' },
    });
    const { items } = await historyOf(contact.id);
    expect(items.map((e) => [e.change, e.from, e.to])).toEqual([
      ['subscription', null, 'subscribed'],
      ['consent', 'none', 'granted'],
      ['created', null, null],
    ]);
    expect(items[1]).toMatchObject({
      legalBasis: 'legitimate_interest',
      source: 'import',
      actor: marketer.id,
    });
    expect(items[0]).toMatchObject({ typeId: newsletter, source: 'api', actor: marketer.id });
  });
});

describe('updating contacts', () => {
  it('changes and clears profile fields, recording which changed but not their values', async () => {
    const contact = await create({ email: address(), firstName: 'Alan', lastName: 'Turing', locale: 'en' });
    const res = await request<Contact>('PATCH', `/contacts/${contact.id}`, {
      key: marketer.key,
      body: { firstName: 'Alan M.', lastName: null, locale: 'sv', fields: { team: 'Hut 8' } },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      firstName: 'Alan M.',
      lastName: null,
      locale: 'sv',
      fields: { team: 'Hut 8' },
    });
    expect(res.body.updatedAt > contact.updatedAt || res.body.updatedAt === contact.updatedAt).toBe(true);
    const [latest] = (await historyOf(contact.id)).items;
    expect(latest).toMatchObject({
      change: 'profile',
      fields: ['firstName', 'lastName', 'locale', 'fields'],
    });
    expect(JSON.stringify(latest)).not.toContain('Alan');
    expect(JSON.stringify(latest)).not.toContain('Hut 8');
  });

  it('writes nothing when a patch changes nothing', async () => {
    const contact = await create({ email: address(), firstName: 'Same' });
    const before = (await historyOf(contact.id)).items.length;
    const res = await request<Contact>('PATCH', `/contacts/${contact.id}`, {
      key: marketer.key,
      body: { firstName: 'Same' },
    });
    expect(res.status).toBe(200);
    expect(res.body.updatedAt).toBe(contact.updatedAt);
    expect((await historyOf(contact.id)).items).toHaveLength(before);
  });

  it('moves the address: the new one is claimed, the old one freed; a taken one is 409', async () => {
    const oldEmail = address('old');
    const newEmail = address('new');
    const contact = await create({ email: oldEmail, subscriptions: { [newsletter]: 'subscribed' } });
    const other = await create({ email: address('other') });

    const taken = await request<ErrorBody>('PATCH', `/contacts/${contact.id}`, {
      key: marketer.key,
      body: { email: other.email.toUpperCase() },
    });
    expect(taken.status).toBe(409);

    const moved = await request<Contact>('PATCH', `/contacts/${contact.id}`, {
      key: marketer.key,
      body: { email: newEmail },
    });
    expect(moved.status).toBe(200);
    expect(moved.body.email).toBe(newEmail.replace(/@.*/, '@example.com'));
    const byNew = await request<{ items: Contact[] }>(
      'GET',
      `/contacts?email=${encodeURIComponent(newEmail)}`,
      {
        key: marketer.key,
      },
    );
    expect(byNew.body.items.map((c) => c.id)).toEqual([contact.id]);
    const byOld = await request<{ items: Contact[] }>(
      'GET',
      `/contacts?email=${encodeURIComponent(oldEmail)}`,
      {
        key: marketer.key,
      },
    );
    expect(byOld.body.items).toEqual([]);
    expect(
      (await request('POST', '/contacts', { key: marketer.key, body: { email: oldEmail } })).status,
    ).toBe(201);
    // The membership item carries the new address.
    const [member] = await typeMembers(newsletter, contact.id);
    expect(member?.email).toBe(moved.body.email);
  });

  it('gives back the old address at the next change when the move crashed before giving it back', async () => {
    const oldEmail = address('left');
    const newEmail = address('arrived');
    const contact = await create({ email: oldEmail });
    const oldKey = oldEmail.toLowerCase();
    const newKey = newEmail.toLowerCase();
    // The PATCH noted and claimed the new address and changed the contact, then crashed.
    const current = await contacts.get(contact.id);
    if (!current) throw new Error('contact missing');
    const noted = await contacts.noteClaim(current, newKey);
    expect(await contacts.claim(newKey, contact.id)).toBe(true);
    const change = patchContact(
      noted,
      { address: { email: newEmail, key: newKey } },
      {
        at: new Date().toISOString(),
        actor: 'system',
        source: 'api',
      },
    );
    if (!change) throw new Error('no change');
    await contacts.commit(noted, change);
    const claimOf = async (key: string) => (await contacts.getClaim(key))?.contactId;
    expect(await claimOf(oldKey)).toBe(contact.id);
    // Not findable by the old address even now: the claim is not live.
    const byOld = await request<{ items: Contact[] }>(
      'GET',
      `/contacts?email=${encodeURIComponent(oldEmail)}`,
      {
        key: marketer.key,
      },
    );
    expect(byOld.body.items).toEqual([]);

    const next = await request('PATCH', `/contacts/${contact.id}`, {
      key: marketer.key,
      body: { firstName: 'Next' },
    });
    expect(next.status).toBe(200);
    expect(await claimOf(oldKey)).toBeUndefined();
    expect(await claimOf(newKey)).toBe(contact.id);
    expect((await contacts.get(contact.id))?.otherClaims).toBeUndefined();
  });

  it('adds and removes interests, keeping their index items in step', async () => {
    const contact = await create({ email: address(), interests: ['Product X'] });
    expect(await interestMembers('Product X', contact.id)).toHaveLength(1);

    const added = await request<Contact>('PATCH', `/contacts/${contact.id}`, {
      key: marketer.key,
      body: { addInterests: ['Product Y', 'Product X'] },
    });
    expect(added.body.interests).toEqual(['Product X', 'Product Y']);
    const [y] = await interestMembers('Product Y', contact.id);
    expect(y).toMatchObject({ contactId: contact.id, interests: ['Product X', 'Product Y'] });

    const removed = await request<Contact>('PATCH', `/contacts/${contact.id}`, {
      key: marketer.key,
      body: { removeInterests: ['Product X'] },
    });
    expect(removed.body.interests).toEqual(['Product Y']);
    expect(await interestMembers('Product X', contact.id)).toEqual([]);
    expect(await interestMembers('Product Y', contact.id)).toHaveLength(1);

    const replaced = await request<Contact>('PATCH', `/contacts/${contact.id}`, {
      key: marketer.key,
      body: { interests: ['Events'] },
    });
    expect(replaced.body.interests).toEqual(['Events']);
    expect(await interestMembers('Product Y', contact.id)).toEqual([]);

    const [latest] = (await historyOf(contact.id)).items;
    expect(latest).toMatchObject({ change: 'interests', added: ['Events'], removed: ['Product Y'] });
  });

  it('refuses interests together with addInterests, and more than 100 interests in total', async () => {
    const contact = await create({
      email: address(),
      interests: Array.from({ length: 100 }, (_, i) => `tag ${i}`),
    });
    const both = await request<ErrorBody>('PATCH', `/contacts/${contact.id}`, {
      key: marketer.key,
      body: { interests: ['a'], addInterests: ['b'] },
    });
    expect(both.status).toBe(422);
    const tooMany = await request<ErrorBody>('PATCH', `/contacts/${contact.id}`, {
      key: marketer.key,
      body: { addInterests: ['one more'] },
    });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.error.code).toBe('rule_violation');
    const read = await request<Contact>('GET', `/contacts/${contact.id}`, { key: marketer.key });
    expect(read.body.interests).toHaveLength(100);
  });

  it('answers 404 for an unknown contact and 422 for unknown fields', async () => {
    expect(
      (
        await request('PATCH', '/contacts/01h00000000000000000000000', {
          key: marketer.key,
          body: { firstName: 'x' },
        })
      ).status,
    ).toBe(404);
    const contact = await create({ email: address() });
    expect(
      (await request('PATCH', `/contacts/${contact.id}`, { key: marketer.key, body: { consent: 'granted' } }))
        .status,
    ).toBe(422);
  });
});

describe('consent', () => {
  it('grants with evidence and withdraws, each recorded with actor, source and time', async () => {
    const contact = await create({ email: address() });
    const granted = await request<Contact>('PUT', `/contacts/${contact.id}/consent`, {
      key: marketer.key,
      body: {
        status: 'granted',
        source: 'form',
        evidence: {
          ip: '203.0.113.7',
          userAgent: 'Mozilla/5.0',
          text: 'Yes, send me news',
          textVersion: '2024-1',
          formId: 'footer',
        },
      },
    });
    expect(granted.status).toBe(200);
    expect(granted.body.consent).toEqual({
      status: 'granted',
      legalBasis: 'consent',
      source: 'form',
      at: expect.any(String),
    });

    const withdrawn = await request<Contact>('PUT', `/contacts/${contact.id}/consent`, {
      key: marketer.key,
      body: { status: 'withdrawn', source: 'preference_page' },
    });
    expect(withdrawn.body.consent).toMatchObject({ status: 'withdrawn', source: 'preference_page' });

    const { items } = await historyOf(contact.id);
    expect(items[0]).toMatchObject({
      change: 'consent',
      from: 'granted',
      to: 'withdrawn',
      source: 'preference_page',
      actor: marketer.id,
    });
    expect(items[1]).toMatchObject({
      change: 'consent',
      from: 'none',
      to: 'granted',
      legalBasis: 'consent',
      source: 'form',
      actor: marketer.id,
      at: granted.body.consent.at,
      evidence: {
        ip: '203.0.113.7',
        userAgent: 'Mozilla/5.0',
        text: 'Yes, send me news',
        textVersion: '2024-1',
        formId: 'footer',
      },
    });
  });

  it('stores legitimate interest as the basis when given', async () => {
    const contact = await create({ email: address() });
    const res = await request<Contact>('PUT', `/contacts/${contact.id}/consent`, {
      key: marketer.key,
      body: { status: 'granted', legalBasis: 'legitimate_interest', source: 'import' },
    });
    expect(res.body.consent).toMatchObject({ status: 'granted', legalBasis: 'legitimate_interest' });
  });

  it('carries the consent status onto every membership item', async () => {
    const contact = await create({
      email: address(),
      consent: { status: 'granted' },
      subscriptions: { [newsletter]: 'subscribed', [events]: 'subscribed' },
      interests: ['Beta'],
    });
    const before = [
      ...(await typeMembers(newsletter, contact.id)),
      ...(await typeMembers(events, contact.id)),
      ...(await interestMembers('Beta', contact.id)),
    ];
    expect(before.map((m) => m.consent)).toEqual(['granted', 'granted', 'granted']);
    await request('PUT', `/contacts/${contact.id}/consent`, {
      key: marketer.key,
      body: { status: 'withdrawn', source: 'api' },
    });
    const after = [
      ...(await typeMembers(newsletter, contact.id)),
      ...(await typeMembers(events, contact.id)),
      ...(await interestMembers('Beta', contact.id)),
    ];
    expect(after.map((m) => m.consent)).toEqual(['withdrawn', 'withdrawn', 'withdrawn']);
  });

  it('rejects bad consent bodies with 422 and unknown contacts with 404', async () => {
    const contact = await create({ email: address() });
    const bad = [
      { status: 'maybe', source: 'api' },
      { status: 'granted' },
      { status: 'granted', source: 'api', legalBasis: 'contract' },
      { status: 'granted', source: 'api', evidence: { signature: 'x' } },
      { status: 'granted', source: 'api', extra: true },
    ];
    for (const body of bad) {
      const res = await request('PUT', `/contacts/${contact.id}/consent`, { key: marketer.key, body });
      expect(res.status, JSON.stringify(body)).toBe(422);
    }
    expect(
      (
        await request('PUT', '/contacts/01h00000000000000000000000/consent', {
          key: marketer.key,
          body: { status: 'granted', source: 'api' },
        })
      ).status,
    ).toBe(404);
  });
});

describe('subscriptions', () => {
  it('changes one type without touching another, each change in the history', async () => {
    const contact = await create({ email: address(), subscriptions: { [events]: 'subscribed' } });
    const subscribed = await request<Contact>('PUT', `/contacts/${contact.id}/subscriptions/${newsletter}`, {
      key: marketer.key,
      body: { status: 'subscribed', source: 'preference_page', evidence: { ip: '2001:db8::1' } },
    });
    expect(subscribed.status).toBe(200);
    expect(subscribed.body.subscriptions[newsletter]).toMatchObject({
      status: 'subscribed',
      source: 'preference_page',
    });
    expect(subscribed.body.subscriptions[events]).toEqual(contact.subscriptions[events]);

    const unsubscribed = await request<Contact>('PUT', `/contacts/${contact.id}/subscriptions/${events}`, {
      key: marketer.key,
      body: { status: 'unsubscribed', source: 'one_click' },
    });
    expect(unsubscribed.body.subscriptions[events]?.status).toBe('unsubscribed');
    expect(unsubscribed.body.subscriptions[newsletter]).toEqual(subscribed.body.subscriptions[newsletter]);

    const { items } = await historyOf(contact.id);
    expect(items.slice(0, 2).map((e) => [e.typeId, e.from, e.to, e.source])).toEqual([
      [events, 'subscribed', 'unsubscribed', 'one_click'],
      [newsletter, null, 'subscribed', 'preference_page'],
    ]);
    expect(items[1]?.evidence).toEqual({ ip: '2001:db8::1' });
  });

  it('puts a subscriber into the members index and takes them out on unsubscribe', async () => {
    const contact = await create({
      email: address(),
      firstName: 'Mary',
      lastName: 'Jackson',
      locale: 'de',
      consent: { status: 'granted' },
      interests: ['Space'],
    });
    expect(await typeMembers(newsletter, contact.id)).toEqual([]);
    await request('PUT', `/contacts/${contact.id}/subscriptions/${newsletter}`, {
      key: marketer.key,
      body: { status: 'subscribed', source: 'api' },
    });
    const [member] = await typeMembers(newsletter, contact.id);
    expect(member).toMatchObject({
      gpk: `T#${newsletter}#${shardOf(contact.id)}`,
      gsk: contact.id,
      contactId: contact.id,
      email: contact.email,
      consent: 'granted',
      status: 'subscribed',
      subscriptions: { [newsletter]: 'subscribed' },
      locale: 'de',
      firstName: 'Mary',
      lastName: 'Jackson',
      interests: ['Space'],
    });
    await request('PUT', `/contacts/${contact.id}/subscriptions/${newsletter}`, {
      key: marketer.key,
      body: { status: 'unsubscribed', source: 'api' },
    });
    expect(await typeMembers(newsletter, contact.id)).toEqual([]);
  });

  it('stores a double opt-in subscription as pending, outside the members index', async () => {
    const contact = await create({ email: address() });
    const res = await request<Contact>('PUT', `/contacts/${contact.id}/subscriptions/${confirmed}`, {
      key: marketer.key,
      body: { status: 'subscribed', source: 'form' },
    });
    expect(res.status).toBe(200);
    expect(res.body.subscriptions[confirmed]?.status).toBe('pending');
    expect((await historyOf(contact.id)).items[0]).toMatchObject({
      typeId: confirmed,
      from: null,
      to: 'pending',
    });
    expect(await typeMembers(confirmed, contact.id)).toEqual([]);
    const created = await create({ email: address(), subscriptions: { [confirmed]: 'subscribed' } });
    expect(created.subscriptions[confirmed]?.status).toBe('pending');
  });

  it('refuses subscribing to an archived type (422) but lets people unsubscribe from it', async () => {
    const type = await createType({ name: 'Soon archived' });
    const contact = await create({ email: address(), subscriptions: { [type]: 'subscribed' } });
    await request('PATCH', `/subscription-types/${type}`, { body: { archived: true } });
    const other = await create({ email: address() });
    const refused = await request<ErrorBody>('PUT', `/contacts/${other.id}/subscriptions/${type}`, {
      key: marketer.key,
      body: { status: 'subscribed', source: 'api' },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('rule_violation');
    const readOther = await request<Contact>('GET', `/contacts/${other.id}`, { key: marketer.key });
    expect(readOther.body.subscriptions).toEqual({});

    const left = await request<Contact>('PUT', `/contacts/${contact.id}/subscriptions/${type}`, {
      key: marketer.key,
      body: { status: 'unsubscribed', source: 'api' },
    });
    expect(left.status).toBe(200);
    expect(left.body.subscriptions[type]?.status).toBe('unsubscribed');
  });

  it('answers 404 for an unknown type or contact, 422 for a bad body', async () => {
    const contact = await create({ email: address() });
    const unknown = '01h00000000000000000000000';
    const body = { status: 'subscribed', source: 'api' };
    expect(
      (await request('PUT', `/contacts/${contact.id}/subscriptions/${unknown}`, { key: marketer.key, body }))
        .status,
    ).toBe(404);
    expect(
      (await request('PUT', `/contacts/${unknown}/subscriptions/${newsletter}`, { key: marketer.key, body }))
        .status,
    ).toBe(404);
    expect(
      (
        await request('PUT', `/contacts/${contact.id}/subscriptions/${newsletter}`, {
          key: marketer.key,
          body: { status: 'pending', source: 'api' },
        })
      ).status,
    ).toBe(422);
  });
});

describe('history', () => {
  it('pages newest first with a cursor, every entry exactly once', async () => {
    const contact = await create({ email: address(), consent: { status: 'granted' } });
    for (const status of ['subscribed', 'unsubscribed', 'subscribed', 'unsubscribed', 'subscribed']) {
      const res = await request('PUT', `/contacts/${contact.id}/subscriptions/${newsletter}`, {
        key: marketer.key,
        body: { status, source: 'api' },
      });
      expect(res.status).toBe(200);
    }
    const all = (await historyOf(contact.id, '?limit=100')).items;
    expect(all).toHaveLength(7);
    expect(all.map((e) => e.to)).toEqual([
      'subscribed',
      'unsubscribed',
      'subscribed',
      'unsubscribed',
      'subscribed',
      'granted',
      null,
    ]);
    const ids = all.map((e) => e.id);
    expect([...ids].sort().reverse()).toEqual(ids);

    const paged: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await historyOf(contact.id, `?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(3);
      paged.push(...page.items.map((e) => e.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(paged).toEqual(ids);
    expect(pages).toBe(3);
  });

  it("refuses another contact's cursor", async () => {
    const a = await create({ email: address(), consent: { status: 'granted' } });
    const b = await create({ email: address() });
    const page = await historyOf(a.id, '?limit=1');
    expect(page.nextCursor).not.toBeNull();
    const res = await request('GET', `/contacts/${b.id}/history?cursor=${page.nextCursor}`, {
      key: marketer.key,
    });
    expect(res.status).toBe(422);
  });

  it('keeps a change whose writer crashed after the state change, and flushes it with the next change', async () => {
    const contact = await create({
      email: address(),
      consent: { status: 'granted' },
      subscriptions: { [newsletter]: 'subscribed' },
    });
    // The crash: only the state-changing write happens (consent withdrawn, entry in the outbox);
    // neither the history item nor the membership items are written.
    const current = await contacts.get(contact.id);
    if (!current) throw new Error('contact missing');
    const change = setConsent(
      current,
      { status: 'withdrawn', source: 'one_click' },
      { at: new Date().toISOString(), actor: 'system', source: 'one_click' },
    );
    const { entries } = await contacts.commit(current, change);
    const crashed = entries[0]?.id as string;

    const stored = await partition(contact.id);
    expect(stored.some((i) => i.sk === `H#${crashed}`)).toBe(false);
    expect((await typeMembers(newsletter, contact.id))[0]?.consent).toBe('granted');

    // Readers still see the change, in its place.
    const seen = (await historyOf(contact.id)).items;
    expect(seen[0]).toMatchObject({
      id: crashed,
      change: 'consent',
      from: 'granted',
      to: 'withdrawn',
      source: 'one_click',
    });
    expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);

    // The next change flushes it: history item written, memberships re-synced, outbox emptied of it.
    const next = await request('PUT', `/contacts/${contact.id}/subscriptions/${events}`, {
      key: marketer.key,
      body: { status: 'subscribed', source: 'api' },
    });
    expect(next.status).toBe(200);
    const after = await partition(contact.id);
    expect(after.some((i) => i.sk === `H#${crashed}`)).toBe(true);
    const profile = after.find((i) => i.sk === 'PROFILE');
    expect(Object.keys(profile?.outbox ?? {})).not.toContain(crashed);
    expect(Object.keys(profile?.outbox ?? {})).toHaveLength(1);
    expect((await typeMembers(newsletter, contact.id))[0]?.consent).toBe('withdrawn');
    const final = (await historyOf(contact.id)).items;
    expect(final.map((e) => [e.change, e.to])).toEqual([
      ['subscription', 'subscribed'],
      ['consent', 'withdrawn'],
      ['subscription', 'subscribed'],
      ['consent', 'granted'],
      ['created', null],
    ]);
  });

  it('repairs a crashed change when the client retries a request that changes nothing', async () => {
    const contact = await create({ email: address(), firstName: 'Retry', interests: ['Old'] });
    const current = await contacts.get(contact.id);
    if (!current) throw new Error('contact missing');
    const { entries } = await contacts.commit(current, {
      next: { ...current, interests: ['New'], updatedAt: new Date().toISOString() },
      entries: [
        {
          at: new Date().toISOString(),
          change: 'interests',
          from: null,
          to: null,
          added: ['New'],
          removed: ['Old'],
          source: 'api',
          actor: 'system',
        },
      ],
    });
    expect(await interestMembers('New', contact.id)).toEqual([]);
    const retry = await request('PATCH', `/contacts/${contact.id}`, {
      key: marketer.key,
      body: { interests: ['New'] },
    });
    expect(retry.status).toBe(200);
    expect(await interestMembers('New', contact.id)).toHaveLength(1);
    expect(await interestMembers('Old', contact.id)).toEqual([]);
    expect((await partition(contact.id)).some((i) => i.sk === `H#${entries[0]?.id}`)).toBe(true);
  });

  it('never lets a slow writer of an older version bring back a membership a newer change removed', async () => {
    const contact = await create({ email: address() });
    // Writer A subscribes, commits, and is slow to write the membership item …
    const before = await contacts.get(contact.id);
    if (!before) throw new Error('contact missing');
    const type = { id: newsletter, archived: false, doubleOptIn: false } as const;
    const slow = await contacts.commit(
      before,
      setSubscription(
        before,
        { ...type, name: 'n', description: '', public: true, createdAt: '', updatedAt: '' },
        {
          status: 'subscribed',
          source: 'api',
        },
        { at: new Date().toISOString(), actor: 'system', source: 'api' },
      ),
    );
    // … meanwhile writer B unsubscribes (and flushes A's entry on its way) …
    const res = await request('PUT', `/contacts/${contact.id}/subscriptions/${newsletter}`, {
      key: marketer.key,
      body: { status: 'unsubscribed', source: 'api' },
    });
    expect(res.status).toBe(200);
    expect(await typeMembers(newsletter, contact.id)).toEqual([]);
    // … then A's late write arrives: it is older than B's, so it changes nothing.
    await contacts.flush(slow.contact, slow.entries, before);
    expect(await typeMembers(newsletter, contact.id)).toEqual([]);
    const item = (await partition(contact.id)).find((i) => i.sk === `M#T#${newsletter}`);
    expect(item?.v).toBe(3);
  });

  it('answers 404 for the history of an unknown contact', async () => {
    expect(
      (await request('GET', '/contacts/01h00000000000000000000000/history', { key: marketer.key })).status,
    ).toBe(404);
  });
});
