/**
 * The hosted pages through the local gateway: preference page, one-click unsubscribe, tracked
 * links, double opt-in, magic links, bad tokens. Tokens are signed here with the stack's own keys,
 * as the sender signs them; state and history are read back through the API; mail from the local SES.
 */
import { randomBytes } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import { signingKeys } from '#shared/adapters/secrets/signing-keys.ts';
import { signToken, type TokenClaims } from '#shared/domain/tokens.ts';
import { eventually } from '#test/helpers/eventually.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { mailTo } from '#test/helpers/ses-inbox.ts';

const { request, stack, createKey } = useLocalStack();

interface Contact {
  id: string;
  email: string;
  interests: string[];
  consent: { status: string; source: string | null };
  subscriptions: Record<string, { status: string; source: string }>;
  updatedAt: string;
}

interface Entry {
  change: string;
  typeId?: string;
  from: string | null;
  to: string | null;
  source: string;
  actor: string;
  evidence?: { ip?: string; userAgent?: string; textVersion?: string };
  reason?: string;
  mailingId?: string;
  added?: string[];
  removed?: string[];
}

interface PageResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

let marketer: string;
const types: Record<string, string> = {};
let counter = 0;
const address = (name: string) => `${name}.${++counter}.${Date.now()}@example.com`;

/**
 * A request to the gateway over plain HTTP from a chosen loopback address (127.0.0.0/8 is all
 * loopback on Linux), so rate limits per IP can be tested without sharing one IP across tests.
 */
const send = (
  method: string,
  path: string,
  options: { body?: string | Buffer; headers?: Record<string, string>; ip?: string } = {},
): Promise<PageResponse> =>
  new Promise((resolve, reject) => {
    const url = new URL(stack().apiUrl + path);
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: url.port,
        path: url.pathname + url.search,
        method,
        headers: { 'user-agent': 'pages-test/1.0', ...options.headers },
        localAddress: options.ip ?? '127.0.0.1',
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });

const get = (path: string, headers: Record<string, string> = {}) => send('GET', path, { headers });

/** POSTs form fields url-encoded; repeated names for checkbox groups. */
const postForm = (
  path: string,
  fields: Array<[string, string]>,
  headers: Record<string, string> = {},
  ip?: string,
) =>
  send('POST', path, {
    body: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    ...(ip ? { ip } : {}),
  });

/** POSTs form fields as multipart/form-data, as Gmail's one-click does. */
const postMultipart = (path: string, fields: Array<[string, string]>) => {
  const boundary = `----pagesTest${randomBytes(6).toString('hex')}`;
  const parts = fields.map(
    ([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  );
  const body = [...parts, `--${boundary}--\r\n`].join('');
  return send('POST', path, {
    body,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  });
};

const sign = async (claims: TokenClaims, now?: number) => signToken(await signingKeys(), claims, now);

const createType = async (body: Record<string, unknown>) => {
  const res = await request<{ id: string }>('POST', '/subscription-types', { key: marketer, body });
  expect(res.status, res.text).toBe(201);
  return res.body.id;
};

const createContact = async (body: Record<string, unknown>) => {
  const res = await request<Contact>('POST', '/contacts', { key: marketer, body });
  expect(res.status, res.text).toBe(201);
  return res.body;
};

const contactOf = async (id: string) =>
  (await request<Contact>('GET', `/contacts/${id}`, { key: marketer })).body;

const historyOf = async (id: string) =>
  (await request<{ items: Entry[] }>('GET', `/contacts/${id}/history?limit=100`, { key: marketer })).body
    .items;

/** A reader of the newsletter and events, consent granted. */
const reader = async (extra: Record<string, unknown> = {}) =>
  createContact({
    email: address('reader'),
    firstName: 'Ada',
    consent: { status: 'granted' },
    subscriptions: { [types.newsletter as string]: 'subscribed', [types.events as string]: 'subscribed' },
    ...extra,
  });

const hidden = (html: string, name: string) =>
  new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';
const decode = (value: string) => value.replace(/&amp;/g, '&').replace(/&quot;/g, '"');

/** Submits the preference page as a browser would: hidden fields, the ticked boxes, a button. */
const savePage = async (
  path: string,
  ticked: string[],
  options: { action?: string; reason?: string; headers?: Record<string, string> } = {},
) => {
  const page = await get(path, options.headers);
  expect(page.status).toBe(200);
  return postForm(
    path,
    [
      ['shown', decode(hidden(page.text, 'shown'))],
      ['sig', decode(hidden(page.text, 'sig'))],
      ...ticked.map((id): [string, string] => ['type', id]),
      ['reason', options.reason ?? ''],
      ['action', options.action ?? 'save'],
    ],
    options.headers,
  );
};

const checkedIds = (html: string) =>
  [...html.matchAll(/<input type="checkbox" id="t-[^"]+" name="type" value="([^"]+)"([^>]*)>/g)]
    .filter((m) => m[2]?.includes(' checked'))
    .map((m) => m[1]);
const shownIds = (html: string) =>
  [...html.matchAll(/<input type="checkbox" id="t-[^"]+" name="type" value="([^"]+)"/g)].map((m) => m[1]);

const expectPageHeaders = (res: PageResponse) => {
  expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
  const csp = String(res.headers['content-security-policy']);
  expect(csp).toContain("default-src 'none'");
  expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
  expect(csp).not.toContain('unsafe-inline');
  expect(csp).toContain("form-action 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("base-uri 'none'");
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['referrer-policy']).toBe('no-referrer');
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers['set-cookie']).toBeUndefined();
};

beforeAll(async () => {
  marketer = await createKey('marketer');
  types.newsletter = await createType({
    name: 'Monthly newsletter',
    description: 'The best of the month, once a month.',
    translations: { sv: { name: 'Månadsbrev', description: 'Det bästa från månaden, en gång i månaden.' } },
  });
  types.events = await createType({ name: 'Event invitations', description: 'Invitations to our events.' });
  types.offers = await createType({ name: 'Offers', description: 'Deals, now and then.' });
  types.vip = await createType({
    name: 'VIP briefing',
    description: 'Only for invited people.',
    public: false,
  });
  types.secret = await createType({ name: 'Internal tests', public: false });
  types.old = await createType({ name: 'Old digest' });
  expect(
    (await request('PATCH', `/subscription-types/${types.old}`, { key: marketer, body: { archived: true } }))
      .status,
  ).toBe(200);
  types.webinars = await createType({
    name: 'Webinars',
    description: 'Live sessions; we ask you to confirm first.',
    doubleOptIn: true,
  });
});

describe('preference page', () => {
  it('shows every public, non-archived type and the private types the contact has, with descriptions', async () => {
    const contact = await reader({
      subscriptions: {
        [types.newsletter as string]: 'subscribed',
        [types.vip as string]: 'subscribed',
        [types.secret as string]: 'unsubscribed',
      },
    });
    const res = await get(`/p/${await sign({ p: 'preferences', c: contact.id })}`);
    expect(res.status).toBe(200);
    expect(shownIds(res.text)).toEqual([
      types.newsletter,
      types.events,
      types.offers,
      types.vip,
      types.webinars,
    ]);
    expect(checkedIds(res.text)).toEqual([types.newsletter, types.vip]);
    expect(res.text).toContain('The best of the month, once a month.');
    expect(res.text).not.toContain('Internal tests');
    expect(res.text).not.toContain('Old digest');
    expect(res.text).toContain('<html lang="en">');
    // One labelled checkbox group; a label per box; the description tied to its box.
    expect(res.text).toMatch(/<fieldset><legend>[^<]+<\/legend>/);
    expect(res.text).toContain(`<label for="t-${types.newsletter}">Monthly newsletter</label>`);
    expect(res.text).toContain(`aria-describedby="d-${types.newsletter}"`);
  });

  it('answers with the security headers, no cookie, and under 20 KB', async () => {
    const contact = await reader();
    const res = await get(`/p/${await sign({ p: 'preferences', c: contact.id })}`);
    expectPageHeaders(res);
    expect(Buffer.byteLength(res.text)).toBeLessThan(20 * 1024);
    // Nothing is fetched from anywhere: no script, no external URL in the page.
    expect(res.text).not.toMatch(/<script|<link|<img|https?:\/\//i);
  });

  it('escapes names and texts', async () => {
    const evil = await createType({
      name: '<img src=x onerror=alert(1)>',
      description: '"><script>alert(2)</script>',
    });
    const contact = await createContact({
      email: address('evil'),
      firstName: '<script>alert("name")</script>',
      consent: { status: 'granted' },
      subscriptions: { [evil]: 'subscribed' },
    });
    const res = await get(`/p/${await sign({ p: 'preferences', c: contact.id })}`);
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('<script');
    expect(res.text).not.toContain('<img');
    expect(res.text).toContain('&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;');
    expect(res.text).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('never changes anything on a GET', async () => {
    const contact = await reader();
    const before = await historyOf(contact.id);
    for (const p of ['preferences', 'unsubscribe', 'magic'] as const) {
      const token = await sign({
        p,
        c: contact.id,
        ...(p === 'magic' ? {} : { t: types.newsletter }),
      } as TokenClaims);
      expect((await get(`/p/${token}`)).status).toBe(200);
    }
    expect(
      (await get(`/u/${await sign({ p: 'unsubscribe', c: contact.id, t: types.newsletter })}`)).status,
    ).toBe(200);
    expect(await historyOf(contact.id)).toEqual(before);
    expect((await contactOf(contact.id)).updatedAt).toBe(contact.updatedAt);
  });

  it('saves ticks and unticks of the shown types, with source, evidence and the reason for leaving', async () => {
    const contact = await reader();
    const path = `/p/${await sign({ p: 'preferences', c: contact.id, m: 'mailing01', t: types.newsletter })}`;
    const res = await savePage(path, [types.events as string, types.offers as string], {
      reason: 'Too often',
    });
    expect(res.status).toBe(200);
    expectPageHeaders(res);
    expect(res.text).toContain('role="status"');
    expect(res.text).toContain('Your choices are saved.');
    expect(checkedIds(res.text)).toEqual([types.events, types.offers]);

    const after = await contactOf(contact.id);
    expect(after.subscriptions[types.newsletter as string]).toMatchObject({
      status: 'unsubscribed',
      source: 'preference_page',
    });
    expect(after.subscriptions[types.events as string]?.status).toBe('subscribed');
    expect(after.subscriptions[types.offers as string]).toMatchObject({
      status: 'subscribed',
      source: 'preference_page',
    });
    const entries = (await historyOf(contact.id)).filter((e) => e.source === 'preference_page');
    expect(entries).toHaveLength(2);
    const left = entries.find((e) => e.typeId === types.newsletter);
    expect(left).toMatchObject({
      change: 'subscription',
      from: 'subscribed',
      to: 'unsubscribed',
      actor: 'system',
      reason: 'Too often',
      mailingId: 'mailing01',
      evidence: { ip: '127.0.0.1', userAgent: 'pages-test/1.0' },
    });
    // The reason is about leaving: a new subscription does not carry it.
    expect(entries.find((e) => e.typeId === types.offers)?.reason).toBeUndefined();
  });

  it('never changes a type that was not on the page, even when the form names it', async () => {
    const contact = await reader({
      subscriptions: { [types.newsletter as string]: 'subscribed', [types.secret as string]: 'unsubscribed' },
    });
    const path = `/p/${await sign({ p: 'preferences', c: contact.id })}`;
    const page = await get(path);
    const res = await postForm(path, [
      ['shown', decode(hidden(page.text, 'shown'))],
      ['sig', decode(hidden(page.text, 'sig'))],
      ['type', types.newsletter as string],
      ['type', types.secret as string],
      ['type', types.old as string],
      ['action', 'save'],
    ]);
    expect(res.status).toBe(200);
    const after = await contactOf(contact.id);
    expect(after.subscriptions[types.secret as string]?.status).toBe('unsubscribed');
    expect(after.subscriptions[types.old as string]).toBeUndefined();
  });

  it('refuses a forged list of shown types with a 400 page and changes nothing', async () => {
    const contact = await reader();
    const path = `/p/${await sign({ p: 'preferences', c: contact.id })}`;
    const page = await get(path);
    const before = await historyOf(contact.id);
    const forged = await postForm(path, [
      ['shown', `${decode(hidden(page.text, 'shown'))},${types.secret}`],
      ['sig', decode(hidden(page.text, 'sig'))],
      ['action', 'save'],
    ]);
    expect(forged.status).toBe(400);
    expectPageHeaders(forged);
    // Another contact's signed list does not fit this contact.
    const other = await reader();
    const otherPage = await get(`/p/${await sign({ p: 'preferences', c: other.id })}`);
    const foreign = await postForm(path, [
      ['shown', decode(hidden(otherPage.text, 'shown'))],
      ['sig', decode(hidden(otherPage.text, 'sig'))],
      ['action', 'save'],
    ]);
    expect(foreign.status).toBe(400);
    expect(await historyOf(contact.id)).toEqual(before);
  });

  it('unsubscribes from everything by withdrawing consent (Art. 21), with the reason', async () => {
    const contact = await reader();
    const path = `/p/${await sign({ p: 'preferences', c: contact.id })}`;
    const res = await savePage(path, [types.newsletter as string], {
      action: 'unsubscribe_all',
      reason: 'Moving abroad',
    });
    expect(res.status).toBe(200);
    expect(res.text).toContain('You are unsubscribed from all marketing e-mail.');
    expect(checkedIds(res.text)).toEqual([]);
    const after = await contactOf(contact.id);
    expect(after.consent).toMatchObject({ status: 'withdrawn', source: 'preference_page' });
    const [latest] = await historyOf(contact.id);
    expect(latest).toMatchObject({
      change: 'consent',
      from: 'granted',
      to: 'withdrawn',
      source: 'preference_page',
      reason: 'Moving abroad',
      evidence: { ip: '127.0.0.1', userAgent: 'pages-test/1.0' },
    });
    // Subscriptions are kept as they were; consent is what stops the mail.
    expect(after.subscriptions[types.newsletter as string]?.status).toBe('subscribed');
  });

  it('grants consent again when a person who left ticks a type, and gives them only what they ticked', async () => {
    const contact = await reader();
    const path = `/p/${await sign({ p: 'preferences', c: contact.id })}`;
    await savePage(path, [], { action: 'unsubscribe_all' });
    const page = await get(path);
    expect(page.text).toContain('Tick what you would like to receive');
    const res = await savePage(path, [types.events as string]);
    expect(res.status).toBe(200);
    const after = await contactOf(contact.id);
    expect(after.consent).toMatchObject({ status: 'granted', source: 'preference_page' });
    expect(after.subscriptions[types.events as string]?.status).toBe('subscribed');
    expect(after.subscriptions[types.newsletter as string]?.status).toBe('unsubscribed');
    const grant = (await historyOf(contact.id)).find((e) => e.change === 'consent' && e.to === 'granted');
    expect(grant).toMatchObject({
      source: 'preference_page',
      evidence: { ip: '127.0.0.1', textVersion: 'preference-page/v1/en' },
    });
  });

  it('opens with preferences, unsubscribe and magic tokens, and not with a link token', async () => {
    const contact = await reader();
    const tokens = [
      await sign({ p: 'preferences', c: contact.id }),
      await sign({ p: 'unsubscribe', c: contact.id, t: types.newsletter }),
      await sign({ p: 'magic', c: contact.id }),
    ];
    for (const token of tokens) expect((await get(`/p/${token}`)).status).toBe(200);
    const link = await sign({ p: 'link', c: contact.id, u: 'https://example.com/' });
    expect((await get(`/p/${link}`)).status).toBe(404);
  });

  it("speaks the contact's language, else the browser's, else English", async () => {
    const swede = await reader({ locale: 'sv' });
    const sv = await get(`/p/${await sign({ p: 'preferences', c: swede.id })}`, { 'accept-language': 'de' });
    expect(sv.text).toContain('<html lang="sv">');
    expect(sv.text).toContain('Dina e-postprenumerationer');
    expect(sv.text).toContain('Månadsbrev');
    expect(sv.text).toContain('Det bästa från månaden');
    const anyone = await reader();
    const de = await get(`/p/${await sign({ p: 'preferences', c: anyone.id })}`, {
      'accept-language': 'ja, de-CH;q=0.9, en;q=0.5',
    });
    expect(de.text).toContain('<html lang="de">');
    expect(de.text).toContain('Ihre E-Mail-Abonnements');
    // Untranslated types fall back to their own name.
    expect(de.text).toContain('Monthly newsletter');
    const en = await get(`/p/${await sign({ p: 'preferences', c: anyone.id })}`, { 'accept-language': 'ja' });
    expect(en.text).toContain('<html lang="en">');
  });

  it('answers 404 for an erased contact', async () => {
    const contact = await reader();
    expect((await request('DELETE', `/contacts/${contact.id}`)).status).toBe(200);
    const res = await get(`/p/${await sign({ p: 'preferences', c: contact.id })}`);
    expect(res.status).toBe(404);
    expectPageHeaders(res);
  });
});

describe('one-click unsubscribe', () => {
  it("accepts List-Unsubscribe=One-Click form-urlencoded: the token's type only, 200, no redirect, no cookie", async () => {
    const contact = await reader();
    const token = await sign({ p: 'unsubscribe', c: contact.id, m: 'mailing02', t: types.newsletter });
    const res = await postForm(`/u/${token}`, [['List-Unsubscribe', 'One-Click']]);
    expect(res.status).toBe(200);
    expect(res.headers.location).toBeUndefined();
    expectPageHeaders(res);
    expect(res.text).toContain('You are unsubscribed from <strong>Monthly newsletter</strong>.');
    const after = await contactOf(contact.id);
    expect(after.subscriptions[types.newsletter as string]).toMatchObject({
      status: 'unsubscribed',
      source: 'one_click',
    });
    expect(after.subscriptions[types.events as string]?.status).toBe('subscribed');
    expect(after.consent.status).toBe('granted');
    const [latest] = await historyOf(contact.id);
    expect(latest).toMatchObject({
      change: 'subscription',
      typeId: types.newsletter,
      from: 'subscribed',
      to: 'unsubscribed',
      source: 'one_click',
      mailingId: 'mailing02',
      evidence: { ip: '127.0.0.1', userAgent: 'pages-test/1.0' },
    });
  });

  it('accepts it as multipart/form-data', async () => {
    const contact = await reader();
    const token = await sign({ p: 'unsubscribe', c: contact.id, t: types.events });
    const res = await postMultipart(`/u/${token}`, [['List-Unsubscribe', 'One-Click']]);
    expect(res.status).toBe(200);
    expect((await contactOf(contact.id)).subscriptions[types.events as string]?.status).toBe('unsubscribed');
  });

  it('is idempotent: a repeat answers 200 and records nothing more', async () => {
    const contact = await reader();
    const token = await sign({ p: 'unsubscribe', c: contact.id, t: types.newsletter });
    expect((await postForm(`/u/${token}`, [['List-Unsubscribe', 'One-Click']])).status).toBe(200);
    const once = await historyOf(contact.id);
    expect((await postMultipart(`/u/${token}`, [['List-Unsubscribe', 'One-Click']])).status).toBe(200);
    expect((await postForm(`/u/${token}`, [['List-Unsubscribe', 'One-Click']])).status).toBe(200);
    expect(await historyOf(contact.id)).toEqual(once);
  });

  it('shows a page with a button that POSTs on GET, and changes nothing', async () => {
    const contact = await reader({ locale: 'de' });
    const token = await sign({ p: 'unsubscribe', c: contact.id, t: types.newsletter });
    const res = await get(`/u/${token}`);
    expect(res.status).toBe(200);
    expectPageHeaders(res);
    expect(res.text).toContain('<html lang="de">');
    expect(res.text).toContain(`<form method="post" action="/u/${token}">`);
    expect(res.text).toContain('<input type="hidden" name="List-Unsubscribe" value="One-Click">');
    expect(res.text).toContain(`href="/p/${token}"`);
    expect((await contactOf(contact.id)).subscriptions[types.newsletter as string]?.status).toBe(
      'subscribed',
    );
  });

  it('refuses a body that is not the one-click request, and tokens of other purposes', async () => {
    const contact = await reader();
    const token = await sign({ p: 'unsubscribe', c: contact.id, t: types.newsletter });
    expect((await postForm(`/u/${token}`, [['List-Unsubscribe', 'Maybe']])).status).toBe(400);
    const json = await send('POST', `/u/${token}`, {
      body: '{"List-Unsubscribe":"One-Click"}',
      headers: { 'content-type': 'application/json' },
    });
    expect(json.status).toBe(415);
    const broken = await send('POST', `/u/${token}`, {
      body: '--x\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click',
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
    });
    expect(broken.status).toBe(400);
    const huge = await postForm(`/u/${token}`, [
      ['List-Unsubscribe', 'One-Click'],
      ['pad', 'x'.repeat(70_000)],
    ]);
    expect(huge.status).toBe(413);
    const preferences = await sign({ p: 'preferences', c: contact.id, t: types.newsletter });
    expect((await postForm(`/u/${preferences}`, [['List-Unsubscribe', 'One-Click']])).status).toBe(404);
    expect((await contactOf(contact.id)).subscriptions[types.newsletter as string]?.status).toBe(
      'subscribed',
    );
  });

  it('answers 200 for a contact that was erased since (they get no mail, as asked)', async () => {
    const contact = await reader();
    await request('DELETE', `/contacts/${contact.id}`);
    const token = await sign({ p: 'unsubscribe', c: contact.id, t: types.newsletter });
    expect((await postForm(`/u/${token}`, [['List-Unsubscribe', 'One-Click']])).status).toBe(200);
  });
});

describe('tracked links', () => {
  it('applies its action once and redirects every time to the signed target', async () => {
    const contact = await reader();
    const target = 'https://shop.example/product-x?utm_source=mail&a=1';
    const token = await sign({
      p: 'link',
      c: contact.id,
      m: 'mailing03',
      a: { kind: 'add_interest', value: 'Product X' },
      u: target,
    });
    const first = await get(`/l/${token}`);
    expect(first.status).toBe(302);
    expect(first.headers.location).toBe(target);
    expect(first.headers['referrer-policy']).toBe('no-referrer');
    expect(first.headers['set-cookie']).toBeUndefined();
    expect((await contactOf(contact.id)).interests).toEqual(['Product X']);
    const [entry] = await historyOf(contact.id);
    expect(entry).toMatchObject({
      change: 'interests',
      added: ['Product X'],
      source: 'link',
      mailingId: 'mailing03',
      evidence: { ip: '127.0.0.1', userAgent: 'pages-test/1.0' },
    });

    // The person removes the interest; the same link clicked again does not add it back.
    await request('PATCH', `/contacts/${contact.id}`, {
      key: marketer,
      body: { removeInterests: ['Product X'] },
    });
    const again = await get(`/l/${token}`);
    expect(again.status).toBe(302);
    expect(again.headers.location).toBe(target);
    expect((await contactOf(contact.id)).interests).toEqual([]);
    expect((await historyOf(contact.id)).filter((e) => e.source === 'link')).toHaveLength(1);
  });

  it('removes an interest on the GET, and unsubscribes a type only on the POST of its page (source link)', async () => {
    const contact = await reader({ interests: ['Events'] });
    const remove = await sign({
      p: 'link',
      c: contact.id,
      a: { kind: 'remove_interest', value: 'Events' },
      u: 'https://example.com/a',
    });
    const unsubscribe = await sign({
      p: 'link',
      c: contact.id,
      m: 'mailing04',
      a: { kind: 'unsubscribe', value: types.events as string },
      u: 'https://shop.example:8443/b?x=1',
    });
    expect((await get(`/l/${remove}`)).headers.location).toBe('https://example.com/a');
    expect((await contactOf(contact.id)).interests).toEqual([]);

    const page = await get(`/l/${unsubscribe}`);
    expect(page.status).toBe(200);
    expect(page.headers.location).toBeUndefined();
    expect(page.text).toContain(`<form method="post" action="/l/${unsubscribe}">`);
    expect(page.text).toContain('Do you want to stop receiving <strong>Event invitations</strong>?');
    expect(page.text).toContain('href="https://shop.example:8443/b?x=1"');
    // The button's POST redirects to the target: the browser must allow that origin for the form.
    expect(String(page.headers['content-security-policy'])).toContain(
      "form-action 'self' https://shop.example:8443;",
    );
    expect((await contactOf(contact.id)).subscriptions[types.events as string]?.status).toBe('subscribed');

    const posted = await postForm(`/l/${unsubscribe}`, []);
    expect(posted.status).toBe(303);
    expect(posted.headers.location).toBe('https://shop.example:8443/b?x=1');
    expect(posted.headers['set-cookie']).toBeUndefined();
    expect((await contactOf(contact.id)).subscriptions[types.events as string]).toMatchObject({
      status: 'unsubscribed',
      source: 'link',
    });
    const [entry] = await historyOf(contact.id);
    expect(entry).toMatchObject({
      change: 'subscription',
      typeId: types.events,
      from: 'subscribed',
      to: 'unsubscribed',
      source: 'link',
      mailingId: 'mailing04',
      evidence: { ip: '127.0.0.1', userAgent: 'pages-test/1.0' },
    });

    // Pressed twice: nothing more recorded. Opened again: nothing to ask, straight to the target.
    expect((await postForm(`/l/${unsubscribe}`, [])).status).toBe(303);
    expect((await historyOf(contact.id)).filter((e) => e.source === 'link')).toHaveLength(2);
    const later = await get(`/l/${unsubscribe}`);
    expect(later.status).toBe(302);
    expect(later.headers.location).toBe('https://shop.example:8443/b?x=1');
  });

  it('changes nothing when link scanners GET a subscription link, whatever they send', async () => {
    const contact = await reader({ locale: 'de' });
    const unsubscribe = await sign({
      p: 'link',
      c: contact.id,
      a: { kind: 'unsubscribe', value: types.newsletter as string },
      u: 'https://example.com/u',
    });
    const subscribe = await sign({
      p: 'link',
      c: contact.id,
      a: { kind: 'subscribe', value: types.offers as string },
      u: 'https://example.com/s',
    });
    const before = await historyOf(contact.id);
    const scanners: Array<Record<string, string>> = [
      { 'user-agent': 'Mozilla/5.0 (compatible; SafeLinks)' },
      { 'user-agent': 'Barracuda', accept: '*/*' },
      { 'user-agent': 'Proofpoint URL Defense', 'accept-language': 'en' },
      { 'user-agent': 'curl/8.5.0', range: 'bytes=0-1023' },
    ];
    for (const token of [unsubscribe, subscribe]) {
      for (const headers of scanners) {
        const res = await get(`/l/${token}`, headers);
        expect(res.status).toBe(200);
        expectPageHeaders(res);
      }
    }
    const after = await contactOf(contact.id);
    expect(after.subscriptions[types.newsletter as string]?.status).toBe('subscribed');
    expect(after.subscriptions[types.offers as string]).toBeUndefined();
    expect(await historyOf(contact.id)).toEqual(before);
    // In the contact's language.
    const page = await get(`/l/${subscribe}`);
    expect(page.text).toContain('<html lang="de">');
    expect(page.text).toContain('Möchten Sie <strong>Offers</strong> erhalten?');

    expect((await postForm(`/l/${subscribe}`, [])).headers.location).toBe('https://example.com/s');
    expect((await contactOf(contact.id)).subscriptions[types.offers as string]).toMatchObject({
      status: 'subscribed',
      source: 'link',
    });
  });

  it('applies an interest link on the GET once, and on a POST as its GET would', async () => {
    const contact = await reader();
    const add = await sign({
      p: 'link',
      c: contact.id,
      a: { kind: 'add_interest', value: 'Posted' },
      u: 'https://example.com/i',
    });
    const posted = await postForm(`/l/${add}`, []);
    expect(posted.status).toBe(303);
    expect(posted.headers.location).toBe('https://example.com/i');
    expect((await contactOf(contact.id)).interests).toEqual(['Posted']);
    expect((await get(`/l/${add}`)).status).toBe(302);
    expect((await historyOf(contact.id)).filter((e) => e.source === 'link')).toHaveLength(1);
  });

  it('goes straight to the target when there is nothing to ask: an erased contact, an unknown or archived type', async () => {
    const contact = await reader();
    const archived = await sign({
      p: 'link',
      c: contact.id,
      a: { kind: 'subscribe', value: types.old as string },
      u: 'https://example.com/old',
    });
    const unknown = await sign({
      p: 'link',
      c: contact.id,
      a: { kind: 'subscribe', value: '01h00000000000000000000000' },
      u: 'https://example.com/unknown',
    });
    expect((await get(`/l/${archived}`)).status).toBe(302);
    expect((await get(`/l/${unknown}`)).status).toBe(302);
    expect((await postForm(`/l/${unknown}`, [])).status).toBe(303);
    const victim = await reader();
    const token = await sign({
      p: 'link',
      c: victim.id,
      a: { kind: 'unsubscribe', value: types.newsletter as string },
      u: 'https://example.com/gone',
    });
    expect((await request('DELETE', `/contacts/${victim.id}`)).status).toBe(200);
    expect((await get(`/l/${token}`)).headers.location).toBe('https://example.com/gone');
    const posted = await postForm(`/l/${token}`, []);
    expect(posted.status).toBe(303);
    expect(posted.headers.location).toBe('https://example.com/gone');
  });

  it('only redirects when it carries no action', async () => {
    const contact = await reader();
    const res = await get(`/l/${await sign({ p: 'link', c: contact.id, u: 'http://example.com/plain' })}`);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('http://example.com/plain');
    expect((await historyOf(contact.id)).some((e) => e.source === 'link')).toBe(false);
  });

  it('never lets a line break of a signed target into the Location header', async () => {
    const contact = await reader();
    const token = await sign({ p: 'link', c: contact.id, u: 'https://example.com/a\r\nSet-Cookie: x=1' });
    const res = await get(`/l/${token}`);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('https://example.com/aSet-Cookie:%20x=1');
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('refuses a tampered target (404 page, no redirect, nothing applied)', async () => {
    const contact = await reader();
    const token = await sign({
      p: 'link',
      c: contact.id,
      a: { kind: 'add_interest', value: 'Tampered' },
      u: 'https://shop.example/',
    });
    const [body, mac] = token.split('.') as [string, string];
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
    const evil = Buffer.from(JSON.stringify({ ...payload, u: 'https://evil.example/' })).toString(
      'base64url',
    );
    const res = await get(`/l/${evil}.${mac}`);
    expect(res.status).toBe(404);
    expect(res.headers.location).toBeUndefined();
    expectPageHeaders(res);
    expect((await contactOf(contact.id)).interests).toEqual([]);
  });

  it('subscribes to a double opt-in type as pending on the POST, and sends the confirmation', async () => {
    const email = address('linker');
    const contact = await reader({ email });
    const token = await sign({
      p: 'link',
      c: contact.id,
      a: { kind: 'subscribe', value: types.webinars as string },
      u: 'https://example.com/webinars',
    });
    expect((await get(`/l/${token}`)).status).toBe(200);
    expect((await contactOf(contact.id)).subscriptions[types.webinars as string]).toBeUndefined();
    expect(await mailTo(stack().sesUrl, email)).toHaveLength(0);
    expect((await postForm(`/l/${token}`, [])).status).toBe(303);
    expect((await contactOf(contact.id)).subscriptions[types.webinars as string]).toMatchObject({
      status: 'pending',
      source: 'link',
    });
    const mails = await mailTo(stack().sesUrl, email);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.subject).toBe('Please confirm your subscription to Webinars');
  });
});

describe('double opt-in', () => {
  it('ticking a double opt-in type makes it pending and mails a confirm link; confirming activates it, with both moments in the history', async () => {
    const email = address('webinar');
    const contact = await reader({ email, locale: 'sv' });
    const path = `/p/${await sign({ p: 'preferences', c: contact.id })}`;
    const saved = await savePage(path, [
      types.newsletter as string,
      types.events as string,
      types.webinars as string,
    ]);
    expect(saved.status).toBe(200);
    expect(saved.text).toContain('Vi har skickat ett e-postmeddelande för att bekräfta: Webinars.');
    expect((await contactOf(contact.id)).subscriptions[types.webinars as string]?.status).toBe('pending');
    // The page shows it ticked, waiting for confirmation.
    const page = await get(path);
    expect(checkedIds(page.text)).toContain(types.webinars);
    expect(page.text).toContain('Väntar på din bekräftelse');

    const [mail] = await mailTo(stack().sesUrl, email);
    expect(mail?.subject).toBe('Bekräfta din prenumeration på Webinars');
    const link = /http:\/\/localhost:\d+(\/p\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/.exec(
      mail?.body.text ?? '',
    )?.[1];
    expect(link).toBeDefined();

    // Opening the link (a scanner would too) only shows a button.
    const confirmPage = await get(link as string);
    expect(confirmPage.status).toBe(200);
    expect(confirmPage.text).toContain(`<form method="post" action="${link}">`);
    expect((await contactOf(contact.id)).subscriptions[types.webinars as string]?.status).toBe('pending');

    const confirmed = await postForm(link as string, [['action', 'confirm']], {
      'user-agent': 'confirm-click/2.0',
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.text).toContain('Tack! Nu prenumererar du på <strong>Webinars</strong>.');
    expect((await contactOf(contact.id)).subscriptions[types.webinars as string]).toMatchObject({
      status: 'subscribed',
      source: 'confirmation',
    });
    const moments = (await historyOf(contact.id)).filter((e) => e.typeId === types.webinars);
    expect(moments).toEqual([
      expect.objectContaining({
        from: 'pending',
        to: 'subscribed',
        source: 'confirmation',
        evidence: { ip: '127.0.0.1', userAgent: 'confirm-click/2.0' },
      }),
      expect.objectContaining({
        from: null,
        to: 'pending',
        source: 'preference_page',
        evidence: { ip: '127.0.0.1', userAgent: 'pages-test/1.0' },
      }),
    ]);

    // A second click changes nothing.
    const again = await postForm(link as string, [['action', 'confirm']]);
    expect(again.text).toContain('Du prenumererar redan på <strong>Webinars</strong>.');
    expect((await historyOf(contact.id)).filter((e) => e.typeId === types.webinars)).toHaveLength(2);
  });

  it('refuses an expired confirmation link and one whose subscription was withdrawn', async () => {
    const contact = await reader({ subscriptions: { [types.webinars as string]: 'subscribed' } });
    expect(contact.subscriptions[types.webinars as string]?.status).toBe('pending');
    const longAgo = Date.now() - 31 * 24 * 3600 * 1000;
    const expired = await sign(
      { p: 'confirm', c: contact.id, t: types.webinars as string, exp: Math.floor(longAgo / 1000) + 3600 },
      longAgo,
    );
    expect((await get(`/p/${expired}`)).status).toBe(404);
    expect((await postForm(`/p/${expired}`, [['action', 'confirm']])).status).toBe(404);
    const valid = await sign({ p: 'confirm', c: contact.id, t: types.webinars as string });
    await request('PUT', `/contacts/${contact.id}/subscriptions/${types.webinars}`, {
      key: marketer,
      body: { status: 'unsubscribed', source: 'api' },
    });
    expect((await postForm(`/p/${valid}`, [['action', 'confirm']])).status).toBe(404);
    expect((await contactOf(contact.id)).subscriptions[types.webinars as string]?.status).toBe(
      'unsubscribed',
    );
  });
});

describe('magic link', () => {
  it('asks for an address, and answers the same for a known and an unknown one; only the known one gets mail', async () => {
    const form = await send('GET', '/p', { headers: { 'accept-language': 'fr' } });
    expect(form.status).toBe(200);
    expectPageHeaders(form);
    expect(form.text).toContain('<html lang="fr">');
    expect(form.text).toContain('<label class="field" for="email">Adresse e-mail</label>');

    const email = address('magic');
    const contact = await reader({ email, locale: 'nl' });
    const unknown = address('nobody');
    const known = await postForm('/p', [['email', email]], {}, '127.0.0.10');
    const nobody = await postForm('/p', [['email', unknown]], {}, '127.0.0.10');
    expect(known.status).toBe(200);
    expect(nobody.status).toBe(200);
    expect(known.text).toBe(nobody.text);
    await stack().drain(); // the mail worker looks the address up and mails
    expect(await mailTo(stack().sesUrl, unknown)).toHaveLength(0);

    const [mail] = await mailTo(stack().sesUrl, email);
    expect(mail?.subject).toBe('Uw link om uw abonnementen te beheren');
    const link = /http:\/\/localhost:\d+(\/p\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/.exec(
      mail?.body.text ?? '',
    )?.[1];
    const page = await get(link as string);
    expect(page.status).toBe(200);
    expect(page.text).toContain(contact.email);
  });

  it('shows the form again for something that is not an address', async () => {
    const res = await postForm('/p', [['email', 'not an address <b>']], {}, '127.0.0.11');
    expect(res.status).toBe(400);
    expect(res.text).toContain('aria-invalid="true"');
    expect(res.text).toContain('value="not an address &lt;b&gt;"');
  });

  it('limits requests per IP and per address (429 page with Retry-After)', async () => {
    for (let i = 0; i < 5; i++)
      expect((await postForm('/p', [['email', address('ip')]], {}, '127.0.0.20')).status).toBe(200);
    const limited = await postForm('/p', [['email', address('ip')]], {}, '127.0.0.20');
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('900');
    expectPageHeaders(limited);
    // Another IP is not affected …
    expect((await postForm('/p', [['email', address('ip')]], {}, '127.0.0.21')).status).toBe(200);
    // … but one address asked for from many IPs is.
    const target = address('target');
    for (let i = 0; i < 5; i++)
      expect((await postForm('/p', [['email', target]], {}, `127.0.1.${i + 1}`)).status).toBe(200);
    expect((await postForm('/p', [['email', target]], {}, '127.0.1.99')).status).toBe(429);
  });
});

describe('bad tokens', () => {
  const paths = ['/p/', '/u/', '/l/'];

  it('show a friendly 404 page for tampered, truncated, foreign and expired tokens, and change nothing', async () => {
    const contact = await reader();
    const good = await sign({ p: 'unsubscribe', c: contact.id, t: types.newsletter });
    const foreignKeys = { current: 'other', keys: { other: randomBytes(32).toString('base64url') } };
    const longAgo = Date.now() - 8 * 24 * 3600 * 1000;
    const bad = [
      `${good.slice(0, -1)}${good.endsWith('A') ? 'B' : 'A'}`,
      good.slice(0, -5),
      good.split('.')[0] as string,
      signToken(foreignKeys, { p: 'unsubscribe', c: contact.id, t: types.newsletter }),
      await sign({ p: 'magic', c: contact.id }, longAgo),
      'not-a-token',
      `${'a'.repeat(2000)}.${'b'.repeat(43)}`,
    ];
    for (const token of bad) {
      for (const prefix of paths) {
        const res = await get(`${prefix}${token}`, { 'accept-language': 'fi' });
        expect(res.status, `${prefix}${token.slice(0, 20)}`).toBe(404);
        expectPageHeaders(res);
        expect(res.text).toContain('<html lang="fi">');
        expect(res.text).toContain('Linkki ei toimi');
      }
      expect((await postForm(`/u/${token}`, [['List-Unsubscribe', 'One-Click']])).status).toBe(404);
      expect((await postForm(`/p/${token}`, [['action', 'unsubscribe_all']])).status).toBe(404);
    }
    const after = await contactOf(contact.id);
    expect(after.subscriptions[types.newsletter as string]?.status).toBe('subscribed');
    expect(after.consent.status).toBe('granted');
  });
});

describe('page weight', () => {
  it('keeps every page under 20 KB', async () => {
    const contact = await reader({ firstName: 'Ada', locale: 'fi' });
    const unsubscribe = await sign({ p: 'unsubscribe', c: contact.id, t: types.newsletter });
    const sizes: Record<string, number> = {};
    const measure = async (name: string, res: Promise<PageResponse>) => {
      sizes[name] = Buffer.byteLength((await res).text);
    };
    await measure('preferences', get(`/p/${await sign({ p: 'preferences', c: contact.id })}`));
    await measure('unsubscribe', get(`/u/${unsubscribe}`));
    await measure('unsubscribed', postForm(`/u/${unsubscribe}`, [['List-Unsubscribe', 'One-Click']]));
    const link = await sign({
      p: 'link',
      c: contact.id,
      a: { kind: 'subscribe', value: types.offers as string },
      u: `https://example.com/${'x'.repeat(400)}`,
    });
    await measure('link', get(`/l/${link}`));
    await measure('magic form', get('/p'));
    await measure('not found', get('/p/nope'));
    for (const [name, size] of Object.entries(sizes)) expect(size, name).toBeLessThan(20 * 1024);
  });
});

describe('after a real mailing', () => {
  const newMailing = async (listId: string) => {
    const res = await request<{ id: string }>('POST', '/mailings', {
      key: marketer,
      body: {
        name: 'News',
        subscriptionTypeId: types.newsletter,
        listId,
        from: 'News <news@sc.example>',
        subject: 'Hello {{firstName}}',
        text: 'Hi {{firstName}}, the news.',
      },
    });
    expect(res.status, res.text).toBe(201);
    return res.body.id;
  };

  it('a recipient who unsubscribes by one-click or on the page is excluded from the next mailing as `unsubscribed`', async () => {
    const byClick = await reader({ email: address('click') });
    const byPage = await reader({ email: address('page') });
    const list = await request<{ id: string }>('POST', '/lists', {
      key: marketer,
      body: { name: 'Two readers', contactIds: [byClick.id, byPage.id] },
    });
    expect(list.status, list.text).toBe(201);
    const first = await newMailing(list.body.id);
    expect((await request('POST', `/mailings/${first}/send`, { key: marketer })).status).toBe(202);
    await eventually(async () => {
      const mailing = await request<{ status: string }>('GET', `/mailings/${first}`, { key: marketer });
      return mailing.body.status === 'sent';
    });

    // One-click, as a mailbox provider does it: a multipart POST to the List-Unsubscribe URL.
    const [clickMail] = await mailTo(stack().sesUrl, byClick.email);
    const header = clickMail?.headers?.find((h) => h.name === 'List-Unsubscribe')?.value ?? '';
    const unsubscribePath = /<http:\/\/localhost:\d+(\/u\/[^>]+)>/.exec(header)?.[1] ?? '';
    expect(unsubscribePath).not.toBe('');
    expect((await postMultipart(unsubscribePath, [['List-Unsubscribe', 'One-Click']])).status).toBe(200);

    // The page, from the preference link in the mail's footer.
    const [pageMail] = await mailTo(stack().sesUrl, byPage.email);
    const preferencesPath = /http:\/\/localhost:\d+(\/p\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/.exec(
      pageMail?.body.text ?? '',
    )?.[1];
    expect(preferencesPath).toBeDefined();
    expect((await savePage(preferencesPath as string, [types.events as string])).status).toBe(200);

    for (const [contact, source] of [
      [byClick, 'one_click'],
      [byPage, 'preference_page'],
    ] as const) {
      const [latest] = await historyOf(contact.id);
      expect(latest).toMatchObject({
        typeId: types.newsletter,
        to: 'unsubscribed',
        source,
        mailingId: first,
      });
    }

    const second = await newMailing(list.body.id);
    const rows = await request<{ items: Array<{ contactId: string; verdict: string; reason: string }> }>(
      'GET',
      `/mailings/${second}/recipients`,
      { key: marketer },
    );
    expect(rows.body.items).toHaveLength(2);
    for (const row of rows.body.items)
      expect(row).toMatchObject({ verdict: 'excluded', reason: 'unsubscribed' });
  });
});
