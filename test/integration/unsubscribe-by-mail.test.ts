/**
 * The List-Unsubscribe mailto, end to end on the local stack: a mailing goes out through the local
 * SES, each mail's header carries both URIs, and a mail client's message to the mailto (a real SMTP
 * conversation, nodemailer → the stack's SMTP port) unsubscribes that contact from that mailing's
 * type — the raw message stored in the local S3, the handler invoked with SES's receipt event.
 * Everything that is not a person's act with a valid token changes nothing, is logged without the
 * address, and is not retried.
 */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import nodemailer from 'nodemailer';
import { beforeAll, describe, expect, it } from 'vitest';
import { inboundMail } from '#infra/inbound-mail.ts';
import { setLogSink } from '#shared/observability/logger.ts';
import { eventually } from '#test/helpers/eventually.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { mailTo } from '#test/helpers/ses-inbox.ts';

const { request, stack, createKey } = useLocalStack();

interface Contact {
  id: string;
  consent: { status: string };
  subscriptions: Record<string, { status: string; source: string }>;
}
interface Entry {
  change: string;
  typeId?: string;
  to: string | null;
  source: string;
  mailingId?: string;
  evidence?: { ip?: string; mail?: { messageId: string; spf?: string; dkim?: string; dmarc?: string } };
}
interface LogLine {
  message: string;
  messageId?: string;
  outcome?: string;
  reason?: string;
  detail?: string;
}

const logs: string[] = [];
setLogSink((line) => logs.push(line));
const parsedLogs = () => logs.map((line) => JSON.parse(line) as LogLine);

const people = [
  'reader',
  'retried',
  'auto',
  'precedence',
  'autoreply',
  'daemon',
  'nullsender',
  'report',
  'loop',
  'forged',
  'purpose',
  'tampered',
  'huge',
  'erased',
  'dup',
] as const;
type Person = (typeof people)[number];

let marketer: string;
let newsletter: string;
let events: string;
let mailingId: string;
const stamp = Date.now();
const emailOf = (name: Person) => `${name}.${stamp}@example.com`;
const ids = {} as Record<Person, string>;

/** The mailto of a person's mail, as a mail client reads List-Unsubscribe: address and subject. */
const mailtoOf = async (name: Person) => {
  const [mail] = await mailTo(stack().sesUrl, emailOf(name));
  const header = mail?.headers?.find((h) => h.name === 'List-Unsubscribe')?.value ?? '';
  const mailto = /<(mailto:[^>]+)>/.exec(header)?.[1];
  if (!mail || !mailto) throw new Error(`no mailto in the mail to ${name}: ${header}`);
  const url = new URL(mailto);
  return {
    header,
    mail,
    to: decodeURIComponent(url.pathname),
    subject: url.searchParams.get('subject') ?? '',
  };
};

const smtp = () =>
  nodemailer.createTransport({ host: '127.0.0.1', port: stack().smtpPort, secure: false, ignoreTLS: true });

/** SES's id of the stored message, from the server's answer (`250 Ok: queued as <id>`). */
const queuedId = (response: string) => /queued as ([a-z0-9]+)/.exec(response)?.[1] ?? '';

const getContact = async (name: Person) =>
  (await request<Contact>('GET', `/contacts/${ids[name]}`, { key: marketer })).body;

const mailtoEntries = async (name: Person) =>
  (
    await request<{ items: Entry[] }>('GET', `/contacts/${ids[name]}/history`, { key: marketer })
  ).body.items.filter((e) => e.source === 'mailto');

/** The handler's one log line about a message. */
const outcomeOf = (messageId: string) =>
  parsedLogs().filter((l) => l.message === 'inbound mail handled' && l.messageId === messageId);

beforeAll(async () => {
  marketer = await createKey('marketer');
  const type = async (name: string) =>
    (await request<{ id: string }>('POST', '/subscription-types', { key: marketer, body: { name } })).body.id;
  newsletter = await type('Newsletter');
  events = await type('Events');
  for (const name of people) {
    const res = await request<{ id: string }>('POST', '/contacts', {
      key: marketer,
      body: {
        email: emailOf(name),
        consent: { status: 'granted', source: 'form' },
        subscriptions: { [newsletter]: 'subscribed', [events]: 'subscribed' },
      },
    });
    expect(res.status, res.text).toBe(201);
    ids[name] = res.body.id;
  }
  const list = await request<{ id: string }>('POST', '/lists', {
    key: marketer,
    body: { name: 'Mailto readers', contactIds: people.map((name) => ids[name]) },
  });
  const mailing = await request<{ id: string }>('POST', '/mailings', {
    key: marketer,
    body: {
      name: 'Newsletter 1',
      subscriptionTypeId: newsletter,
      listId: list.body.id,
      from: 'News <news@sc.example>',
      subject: 'Hello',
      text: 'Hi. {{unsubscribeUrl}} {{preferencesUrl}}',
    },
  });
  mailingId = mailing.body.id;
  expect((await request('POST', `/mailings/${mailingId}/send`, { key: marketer })).status).toBe(202);
  // Every reader's mail, not only the last one planned: the list's shards make several chunks, and
  // chunks are sent in no set order.
  await eventually(async () => {
    const mailed = await Promise.all(
      people.map(async (name) => (await mailTo(stack().sesUrl, emailOf(name))).length),
    );
    if (mailed.some((n) => n !== 1)) throw new Error(`not every reader mailed once yet: ${mailed.join(',')}`);
  });
});

describe('the List-Unsubscribe header on the local stack', () => {
  it('carries the HTTPS URI and the mailto to UNSUBSCRIBE_ADDRESS, with the same token', async () => {
    const { header, to, subject } = await mailtoOf('reader');
    const https = /^<http:\/\/localhost:\d+\/u\/([\w-]+\.[\w-]+)>, <mailto:[^>]+>$/.exec(header);
    expect(https, header).not.toBeNull();
    expect(to).toBe('unsubscribe@localhost');
    expect(subject).toBe(`unsubscribe-${https?.[1]}`);
  });
});

describe('a mail client using the mailto', () => {
  it('unsubscribes that contact from that mailing’s type within seconds, with source mailto and the message as evidence', async () => {
    const { to, subject } = await mailtoOf('reader');
    const info = await smtp().sendMail({ from: emailOf('reader'), to, subject, text: 'Unsubscribe me.' });
    const messageId = queuedId(info.response);
    expect(messageId).toMatch(/^[a-z0-9]{40}$/);

    await eventually(
      async () => (await getContact('reader')).subscriptions[newsletter]?.status === 'unsubscribed',
      10_000,
    );
    const contact = await getContact('reader');
    expect(contact.subscriptions[newsletter]?.source).toBe('mailto');
    // That type only: the person's other subscription and consent stand.
    expect(contact.subscriptions[events]?.status).toBe('subscribed');
    expect(contact.consent.status).toBe('granted');
    expect(await mailtoEntries('reader')).toEqual([
      expect.objectContaining({
        change: 'subscription',
        typeId: newsletter,
        to: 'unsubscribed',
        mailingId,
        evidence: { mail: { messageId, spf: 'GRAY', dkim: 'GRAY', dmarc: 'GRAY' } },
      }),
    ]);
    expect(outcomeOf(messageId)).toEqual([expect.objectContaining({ outcome: 'unsubscribed' })]);

    // The raw message is kept where the receipt rule's S3 action puts it, under SES's message id.
    const s3 = new S3Client({ forcePathStyle: true });
    const stored = await s3.send(
      new GetObjectCommand({
        Bucket: stack().bucketNames.inboundMail,
        Key: `${inboundMail.objectKeyPrefix}${messageId}`,
      }),
    );
    expect(await stored.Body?.transformToString()).toContain(subject);
    s3.destroy();
  });

  it('is refused at RCPT time for any other recipient, and accepted for the address in any case', async () => {
    const refused = await smtp()
      .sendMail({ from: emailOf('reader'), to: 'postmaster@localhost', subject: 'x', text: 'x' })
      .then(
        () => undefined,
        (error: { responseCode?: number; code?: string }) => error,
      );
    expect(refused).toMatchObject({ responseCode: 550 });
    const mixed = await smtp().sendMail({
      from: emailOf('reader'),
      to: ['UNSUBSCRIBE@localhost', 'someone@example.com'],
      subject: 'no token',
      text: 'x',
    });
    expect(mixed.accepted).toEqual(['UNSUBSCRIBE@localhost']);
    expect(mixed.rejected).toEqual(['someone@example.com']);
    await stack().drain();
    expect(outcomeOf(queuedId(mixed.response))).toEqual([
      expect.objectContaining({ outcome: 'ignored', reason: 'no_token' }),
    ]);
  });
});

describe('what never unsubscribes anyone', () => {
  /** A message built by the case, sent to the mailto; returns SES's message id. */
  const cases: Array<{
    name: Person;
    reason: string;
    message: (mailto: { to: string; subject: string; mail: { body: { text?: string } } }) => Promise<string>;
  }> = [
    {
      name: 'auto',
      reason: 'auto_reply',
      message: async ({ to, subject }) =>
        (
          await smtp().sendMail({
            from: emailOf('auto'),
            to,
            subject: `Out of office: ${subject}`,
            text: 'Away.',
            headers: { 'Auto-Submitted': 'auto-replied' },
          })
        ).response,
    },
    {
      name: 'precedence',
      reason: 'auto_reply',
      message: async ({ to, subject }) =>
        (
          await smtp().sendMail({
            from: emailOf('precedence'),
            to,
            subject,
            text: 'x',
            headers: { Precedence: 'bulk' },
          })
        ).response,
    },
    {
      name: 'autoreply',
      reason: 'auto_reply',
      message: async ({ to, subject }) =>
        (
          await smtp().sendMail({
            from: emailOf('autoreply'),
            to,
            subject,
            text: 'x',
            headers: { 'X-Autoreply': 'yes' },
          })
        ).response,
    },
    {
      name: 'daemon',
      reason: 'bounce',
      message: async ({ to, subject }) =>
        (
          await smtp().sendMail({
            from: 'MAILER-DAEMON@mx.example.com',
            envelope: { from: emailOf('daemon'), to },
            to,
            subject: `Undelivered: ${subject}`,
            text: 'x',
          })
        ).response,
    },
    {
      name: 'nullsender',
      reason: 'bounce',
      // MAIL FROM:<>, as every bounce is sent.
      message: async ({ to, subject }) =>
        (
          await smtp().sendMail({
            envelope: { from: '', to },
            raw: `From: <${emailOf('nullsender')}>\r\nTo: ${to}\r\nSubject: ${subject}\r\nReturn-Path: <>\r\n\r\nx\r\n`,
          })
        ).response,
    },
    {
      name: 'report',
      reason: 'bounce',
      message: async ({ to, subject }) =>
        (
          await smtp().sendMail({
            envelope: { from: emailOf('report'), to },
            raw:
              `From: <${emailOf('report')}>\r\nTo: ${to}\r\nSubject: ${subject}\r\nMIME-Version: 1.0\r\n` +
              'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n' +
              '--b\r\nContent-Type: text/plain\r\n\r\nDelivery failed\r\n--b--\r\n',
          })
        ).response,
    },
    {
      name: 'loop',
      reason: 'loop',
      message: async ({ to, subject }) =>
        (await smtp().sendMail({ from: emailOf('loop'), to, subject, text: 'x', headers: { 'X-Loop': to } }))
          .response,
    },
    {
      // From the person's own address (anyone can claim it), without a token: never enough.
      name: 'forged',
      reason: 'no_token',
      message: async ({ to }) =>
        (
          await smtp().sendMail({
            from: emailOf('forged'),
            to,
            subject: 'unsubscribe',
            text: 'Unsubscribe me',
          })
        ).response,
    },
    {
      // The preference link's token in the mailto's place: signed, but for another purpose.
      name: 'purpose',
      reason: 'invalid_token',
      message: async ({ to, mail }) => {
        const preferences = /\/p\/([\w-]+\.[\w-]+)/.exec(mail.body.text ?? '')?.[1];
        expect(preferences).toBeDefined();
        return (
          await smtp().sendMail({
            from: emailOf('purpose'),
            to,
            subject: `unsubscribe-${preferences}`,
            text: 'x',
          })
        ).response;
      },
    },
    {
      name: 'tampered',
      reason: 'invalid_token',
      message: async ({ to, subject }) => {
        const flipped = subject.slice(0, -1) + (subject.endsWith('A') ? 'B' : 'A');
        return (await smtp().sendMail({ from: emailOf('tampered'), to, subject: flipped, text: 'x' }))
          .response;
      },
    },
    {
      // A 1 MB subject that ends in the valid subject: refused unread.
      name: 'huge',
      reason: 'headers_too_large',
      message: async ({ to, subject }) =>
        (
          await smtp().sendMail({
            from: emailOf('huge'),
            to,
            subject: `${'x'.repeat(1024 * 1024)} ${subject}`,
            text: 'x',
          })
        ).response,
    },
  ];

  it.each(cases.map((c) => [c.name, c] as const))(
    '%s: logged as ignored, nothing changed, not retried',
    async (_n, c) => {
      const mailto = await mailtoOf(c.name);
      const messageId = queuedId(await c.message(mailto));
      expect(messageId).not.toBe('');
      await stack().drain();
      expect(outcomeOf(messageId)).toEqual([
        expect.objectContaining({ outcome: 'ignored', reason: c.reason }),
      ]);
      const contact = await getContact(c.name);
      expect(contact.subscriptions[newsletter]?.status).toBe('subscribed');
      expect(contact.consent.status).toBe('granted');
      expect(await mailtoEntries(c.name)).toEqual([]);
    },
  );

  it('a malformed message: logged, nothing changed', async () => {
    const info = await smtp().sendMail({
      envelope: { from: emailOf('reader'), to: stack().unsubscribeAddress },
      raw: Buffer.from([0, 1, 2, 255, 254, 10, 0x41, 0x42, 10, 10, 0x43]),
    });
    await stack().drain();
    expect(outcomeOf(queuedId(info.response))).toEqual([
      expect.objectContaining({ outcome: 'ignored', reason: 'malformed' }),
    ]);
  });

  it('an erased contact’s token: logged, nothing changed, no error', async () => {
    const { to, subject } = await mailtoOf('erased');
    expect((await request('DELETE', `/contacts/${ids.erased}`)).status).toBe(200);
    const info = await smtp().sendMail({ from: emailOf('erased'), to, subject, text: 'x' });
    await stack().drain();
    expect(outcomeOf(queuedId(info.response))).toEqual([
      expect.objectContaining({ outcome: 'ignored', reason: 'erased_contact' }),
    ]);
    expect((await request('GET', `/contacts/${ids.erased}`, { key: marketer })).status).toBe(404);
  });
});

describe('a message delivered twice', () => {
  it('changes nothing the second time, even after the person subscribed again', async () => {
    const { to, subject } = await mailtoOf('dup');
    const message = { from: emailOf('dup'), to, subject, text: 'x', messageId: `<dup.${stamp}@example.com>` };
    const first = await smtp().sendMail(message);
    await stack().drain();
    expect(outcomeOf(queuedId(first.response))).toEqual([
      expect.objectContaining({ outcome: 'unsubscribed' }),
    ]);
    const again = await request('PUT', `/contacts/${ids.dup}/subscriptions/${newsletter}`, {
      key: marketer,
      body: { status: 'subscribed', source: 'form' },
    });
    expect(again.status, again.text).toBe(200);

    const second = await smtp().sendMail(message);
    await stack().drain();
    expect(outcomeOf(queuedId(second.response))).toEqual([
      expect.objectContaining({ outcome: 'ignored', reason: 'duplicate' }),
    ]);
    expect((await getContact('dup')).subscriptions[newsletter]?.status).toBe('subscribed');
    expect(await mailtoEntries('dup')).toHaveLength(1);
  });
});

describe('a dependency that fails', () => {
  it('fails the invocation, which is retried (as Lambda retries an asynchronous one) and then acts once', async () => {
    const { s3 } = await import('#shared/adapters/s3/client.ts');
    let failures = 0;
    // The first read of the raw message fails, as S3 may.
    s3.middlewareStack.add(
      (next) => async (args) => {
        if (failures === 0) {
          failures++;
          throw Object.assign(new Error('S3 is unavailable'), { name: 'ServiceUnavailable' });
        }
        return next(args);
      },
      { step: 'initialize', name: 'failOnce' },
    );
    try {
      const { to, subject } = await mailtoOf('retried');
      const info = await smtp().sendMail({ from: emailOf('retried'), to, subject, text: 'x' });
      await stack().drain();
      const messageId = queuedId(info.response);
      expect(failures).toBe(1);
      expect(
        parsedLogs().filter(
          (l) => l.message === 'local SES inbound: the handler failed' && l.messageId === messageId,
        ),
      ).toEqual([expect.objectContaining({ retry: true })]);
      expect(outcomeOf(messageId)).toEqual([expect.objectContaining({ outcome: 'unsubscribed' })]);
      expect(await mailtoEntries('retried')).toHaveLength(1);
    } finally {
      s3.middlewareStack.remove('failOnce');
    }
  });
});

describe('the logs', () => {
  it('name no address and no token, and show no retry but the one a failing dependency caused', () => {
    const text = logs.join('\n');
    for (const name of people) expect(text).not.toContain(emailOf(name));
    expect(text).not.toMatch(/unsubscribe-[\w-]{20,}/);
    expect(parsedLogs().filter((l) => l.message.includes('handler failed'))).toHaveLength(1);
  });
});
