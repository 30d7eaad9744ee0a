/**
 * No personal data where it does not belong: a full local run — contacts created, imported,
 * changed, looked up by address, suppressed and erased; a mailing planned and sent; every hosted
 * page visited from the mails (unsubscribe page, one-click, preference page and its save, double
 * opt-in confirmation, magic link, privacy e-mail, tracked link) — while every log line is
 * captured. Then no e-mail address of anyone involved appears in:
 * - any URL the system created (links and headers of every mail, links and form actions of every
 *   page, redirects) or served to a recipient, also once percent- and base64url-decoded (a token
 *   payload is base64url JSON);
 * - any log line (decoded the same way);
 * - any metric dimension (embedded-metric log lines).
 * URLs a marketing app writes itself by contract (`GET /contacts?email=`) are exempt; their logs
 * are not.
 */
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { signingKeys } from '#shared/adapters/secrets/signing-keys.ts';
import { signToken } from '#shared/domain/tokens.ts';
import { logger, setLogSink } from '#shared/observability/logger.ts';
import { rawRequest } from '#test/helpers/fuzz.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { inbox, rawMime, type StoredEmail } from '#test/helpers/ses-inbox.ts';

// Every line, debug included, from the very start (the local stack's own too).
vi.hoisted(() => {
  process.env.LOG_LEVEL = 'debug';
});
const logs: string[] = [];
setLogSink((line) => logs.push(line));

const local = useLocalStack({ autoConsume: false });
const { stack, createKey } = local;

const people = {
  ann: 'Ann.Smith+news@Example.COM',
  bob: 'bob.builder@example.org',
  bobNew: 'robert.builder@example.org',
  cat: 'erase.me@example.net',
  dan: 'dan.one-click@example.com',
  eve: 'eve.batch@example.io',
  blocked: 'blocked.person@example.com',
  stranger: 'stranger.danger@example.com',
};

/** URLs the system created or served, with where they came from. */
const urls: Array<{ from: string; url: string }> = [];
const keep = (from: string, url: string | undefined | null) => {
  if (url) urls.push({ from, url });
};

/** The API, as a marketing app calls it; every URL is kept but the lookups by address it writes itself. */
const request: typeof local.request = (method, path, options) => {
  if (!/[?&]email=/.test(path)) keep('API', path);
  return local.request(method, path, options);
};

const unescapeHtml = (text: string) =>
  text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** Every URL in an HTML page: links, form actions, sources. */
const urlsInHtml = (html: string) =>
  [...html.matchAll(/\b(?:href|action|src)="([^"]*)"/g)].map((m) => unescapeHtml(m[1] ?? ''));
const urlsInText = (text: string) => [...text.matchAll(/https?:\/\/[^\s<>"]+/g)].map((m) => m[0]);

const safeDecode = (text: string) => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

/** A text and what it says once percent-decoded and once its base64url-looking words are decoded. */
const readings = (text: string): string[] => {
  const decoded = safeDecode(text);
  const words = decoded.match(/[A-Za-z0-9_-]{12,}/g) ?? [];
  return [text, decoded, ...words.map((w) => Buffer.from(w, 'base64url').toString('latin1'))].map((t) =>
    t.toLowerCase(),
  );
};

const needles = () => {
  const out: string[] = [];
  for (const address of Object.values(people)) {
    const lower = address.toLowerCase();
    out.push(lower, encodeURIComponent(lower).toLowerCase(), lower.split('@')[0] ?? '');
  }
  return out.filter((n) => n.length >= 6);
};

/** Which of the people's addresses (or their local parts) a text reveals, in any reading. */
const revealed = (text: string): string[] => {
  const all = readings(text);
  return needles().filter((needle) => all.some((reading) => reading.includes(needle)));
};

let marketer: string;
const ids: Record<string, string> = {};
let news: string;
let events: string;

const contactId = async (email: string) => {
  // A marketing app's lookup by address: exempt from the URL check, not from the log check.
  const res = await request<{ items: Array<{ id: string }> }>(
    'GET',
    `/contacts?email=${encodeURIComponent(email)}`,
    { key: marketer },
  );
  expect(res.status, res.text).toBe(200);
  return res.body.items[0]?.id ?? '';
};

/** A hosted page, as a recipient's browser gets it; keeps the URL and every URL in the answer. */
const visit = async (from: string, method: string, url: string, form?: string) => {
  const path = url.replace(/^https?:\/\/[^/]+/, '');
  keep(`${from} (visited)`, path);
  const res = await rawRequest(stack().apiUrl, {
    method,
    path,
    headers: form ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
    ...(form !== undefined ? { body: form } : {}),
  });
  expect(res.status, `${method} ${path}: ${res.text.slice(0, 300)}`).toBeLessThan(400);
  for (const link of urlsInHtml(res.text)) keep(`${from} (page link)`, link);
  keep(`${from} (redirect)`, res.headers.location as string | undefined);
  return res;
};

/** The form of a page, as a browser would submit it with `changes` applied. */
const formOf = (html: string, changes: Record<string, string[]>) => {
  const fields: Array<[string, string]> = [];
  for (const input of html.match(/<input[^>]*>/g) ?? []) {
    const name = /name="([^"]*)"/.exec(input)?.[1];
    const value = unescapeHtml(/value="([^"]*)"/.exec(input)?.[1] ?? '');
    if (!name || name in changes) continue;
    if (/type="checkbox"/.test(input) && !/\bchecked\b/.test(input)) continue;
    fields.push([name, value]);
  }
  for (const [name, values] of Object.entries(changes))
    for (const value of values) fields.push([name, value]);
  return new URLSearchParams(fields).toString();
};

let seenMails = 0;
/** Mails since the last call, their links and headers kept. */
const newMails = async (): Promise<StoredEmail[]> => {
  const all = await inbox(stack().sesUrl);
  const fresh = all.slice(seenMails);
  seenMails = all.length;
  for (const mail of fresh) {
    const to = mail.destination.to.join(',');
    for (const url of urlsInText(mail.body.text ?? '')) keep(`mail to ${to} (text)`, url);
    for (const url of urlsInHtml(mail.body.html ?? '')) keep(`mail to ${to} (html)`, url);
    for (const header of mail.headers ?? [])
      if (/^list-/i.test(header.name)) keep(`mail to ${to} (${header.name})`, header.value);
    // The message as the recipient's server gets it: every header line with a URL in it.
    const parsed = await simpleParser(await rawMime(stack().sesUrl, mail.messageId));
    for (const line of parsed.headerLines)
      for (const url of urlsInText(line.line)) keep(`mail to ${to} (MIME ${line.key})`, url);
  }
  return fresh;
};

const mailTo = (mails: StoredEmail[], address: string) =>
  mails.find((m) => m.destination.to.some((to) => to.toLowerCase() === address.toLowerCase()));

const linkIn = (mail: StoredEmail | undefined, path: string) =>
  urlsInText(mail?.body.text ?? '').find((url) => url.includes(path)) ?? '';

beforeAll(async () => {
  marketer = await createKey('marketer', 'personal data marketer');
  news = (
    await request<{ id: string }>('POST', '/subscription-types', { key: marketer, body: { name: 'News' } })
  ).body.id;
  events = (
    await request<{ id: string }>('POST', '/subscription-types', {
      key: marketer,
      body: { name: 'Events', doubleOptIn: true },
    })
  ).body.id;
  const subscribed = {
    consent: { status: 'granted', source: 'form' },
    subscriptions: { [news]: 'subscribed' },
  };
  const ann = await request<{ id: string }>('POST', '/contacts', {
    key: marketer,
    body: { email: people.ann, firstName: 'Ann', locale: 'en', ...subscribed },
  });
  expect(ann.status, ann.text).toBe(201);
  const batch = await request('POST', '/contacts/batch', {
    key: marketer,
    body: {
      contacts: [
        { email: people.bob, firstName: 'Bob', ...subscribed },
        { email: people.cat, firstName: 'Cat', ...subscribed },
        { email: people.dan, firstName: 'Dan', ...subscribed },
        { email: people.eve, firstName: 'Eve' },
        { email: 'not-an-address@', firstName: 'Broken' },
      ],
    },
  });
  expect(batch.status, batch.text).toBe(200);
  for (const name of ['ann', 'bob', 'cat', 'dan', 'eve'] as const) ids[name] = await contactId(people[name]);
}, 60_000);

afterAll(() => setLogSink((line) => process.stdout.write(`${line}\n`)));

describe('personal data', () => {
  it('never shows an address in a URL, a log line or a metric dimension over a full run', async () => {
    // Contacts change, are looked at, suppressed, refused, erased.
    const moved = await request('PATCH', `/contacts/${ids.bob}`, {
      key: marketer,
      body: { email: people.bobNew, firstName: 'Robert' },
    });
    expect(moved.status, moved.text).toBe(200);
    expect(
      (
        await request('PUT', `/contacts/${ids.eve}/consent`, {
          key: marketer,
          body: { status: 'granted', source: 'api' },
        })
      ).status,
    ).toBe(200);
    expect((await request('GET', `/contacts/${ids.ann}/history`, { key: marketer })).status).toBe(200);
    expect((await request('GET', `/contacts/${ids.ann}/export`, { key: marketer })).status).toBe(200);
    expect((await request('POST', '/contacts', { key: marketer, body: { email: people.ann } })).status).toBe(
      409,
    );
    expect(
      (await request('POST', '/contacts', { key: marketer, body: { email: `${people.stranger}@x` } })).status,
    ).toBe(422);
    expect(
      (await request('POST', '/suppressions', { body: { email: people.blocked, reason: 'manual' } })).status,
    ).toBe(201);
    expect((await request('GET', `/suppressions?email=${encodeURIComponent(people.blocked)}`)).status).toBe(
      200,
    );

    // A mailing, planned and sent.
    const list = await request<{ id: string }>('POST', '/lists', {
      key: marketer,
      body: { name: 'News readers', criteria: { subscribedTo: news } },
    });
    const mailing = await request<{ id: string }>('POST', '/mailings', {
      key: marketer,
      body: {
        name: 'June news',
        subscriptionTypeId: news,
        listId: list.body.id,
        from: 'News <news@sender.example>',
        subject: 'Hello {{firstName}}',
        text: 'Hi {{firstName}}, read more at https://example.com/june',
        html: '<p>Hi {{firstName}}, <a href="https://example.com/june">read more</a>.</p>',
      },
    });
    expect(mailing.status, mailing.text).toBe(201);
    expect((await request('POST', `/mailings/${mailing.body.id}/send`, { key: marketer })).status).toBe(202);
    await stack().consume('plan');
    await stack().consume('send');
    const sent = await newMails();
    expect(sent.length).toBe(4);
    expect((await request('GET', `/mailings/${mailing.body.id}/recipients`, { key: marketer })).status).toBe(
      200,
    );

    // Recipients use the links of their mail.
    const annMail = mailTo(sent, people.ann);
    const unsubscribePage = await visit('ann', 'GET', linkIn(annMail, '/u/'));
    expect(unsubscribePage.status).toBe(200);
    const danMail = mailTo(sent, people.dan);
    expect((await visit('dan', 'POST', linkIn(danMail, '/u/'), 'List-Unsubscribe=One-Click')).status).toBe(
      200,
    );
    const preferences = await visit('ann', 'GET', linkIn(annMail, '/p/'));
    const saved = await visit(
      'ann',
      'POST',
      linkIn(annMail, '/p/'),
      formOf(preferences.text, { type: [news, events], action: ['save'] }),
    );
    expect(saved.status).toBe(200);
    // Events is double opt-in: a confirmation mail, its page, the confirmation.
    const confirmation = mailTo(await newMails(), people.ann);
    const confirmLink = urlsInText(confirmation?.body.text ?? '').find((url) => url.includes('/p/')) ?? '';
    expect(confirmLink).not.toBe('');
    await visit('ann confirmation', 'GET', confirmLink);
    await visit('ann confirmation', 'POST', confirmLink, 'action=confirm');

    // A person asks for a link by address; another gets the privacy e-mail.
    await visit('magic link request', 'POST', '/p', `email=${encodeURIComponent(people.ann)}`);
    await visit('magic link request (unknown)', 'POST', '/p', `email=${encodeURIComponent(people.stranger)}`);
    expect((await request('POST', `/contacts/${ids.eve}/privacy-email`, { key: marketer })).status).toBe(202);
    await local.stack().consume('mail');
    const requested = await newMails();
    expect(requested.length).toBe(2);
    for (const mail of requested)
      await visit(`link mailed to ${mail.destination.to}`, 'GET', linkIn(mail, '/p/'));

    // A tracked link, and a page that refuses a token.
    const keys = await signingKeys();
    const link = signToken(keys, {
      p: 'link',
      c: ids.ann ?? '',
      a: { kind: 'add_interest', value: 'June' },
      u: 'https://example.com/june',
    });
    await visit('tracked link', 'GET', `/l/${link}`);
    const refused = await rawRequest(stack().apiUrl, { method: 'GET', path: `/p/${link}` });
    expect(refused.status).toBe(404);

    // Erasure, last.
    expect((await request('DELETE', `/contacts/${ids.cat}`)).status).toBe(200);
    expect((await request('GET', `/suppressions?email=${encodeURIComponent(people.cat)}`)).status).toBe(200);

    // The scanner itself finds what it looks for, plainly, encoded, and inside a token-like word.
    expect(revealed(`x ${people.ann} y`)).not.toEqual([]);
    expect(revealed(`/p/${encodeURIComponent(people.bob)}`)).not.toEqual([]);
    expect(
      revealed(`/u/${Buffer.from(JSON.stringify({ e: people.dan })).toString('base64url')}.sig`),
    ).not.toEqual([]);

    const leakingUrls = urls
      .map(({ from, url }) => ({ from, url, found: revealed(url) }))
      .filter((entry) => entry.found.length);
    const leakingLogs = logs
      .map((line) => ({ line, found: revealed(line) }))
      .filter((entry) => entry.found.length);
    const metricLines = logs.filter((line) => line.includes('"_aws"'));
    const leakingDimensions = metricLines.flatMap((line) => {
      const parsed = JSON.parse(line) as Record<string, unknown> & {
        _aws?: { CloudWatchMetrics?: Array<{ Dimensions?: string[][] }> };
      };
      const names = (parsed._aws?.CloudWatchMetrics ?? []).flatMap((m) => (m.Dimensions ?? []).flat());
      return names.map((name) => String(parsed[name])).filter((value) => revealed(value).length);
    });
    setLogSink((line) => process.stdout.write(`${line}\n`));
    logger.info('personal data scan', {
      urls: urls.length,
      logLines: logs.length,
      metricLines: metricLines.length,
      leakingUrls: leakingUrls.length,
      leakingLogLines: leakingLogs.length,
      leakingDimensions: leakingDimensions.length,
      sources: [...new Set(urls.map((u) => u.from.replace(/ to .*? \(/, ' (')))],
    });

    expect(urls.length).toBeGreaterThan(30);
    expect(logs.length).toBeGreaterThan(5);
    expect(leakingUrls).toEqual([]);
    expect(leakingLogs).toEqual([]);
    expect(leakingDimensions).toEqual([]);
  }, 60_000);
});
