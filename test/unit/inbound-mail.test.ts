import { describe, expect, it } from 'vitest';
import { receiptEvent } from '#infra/local/inbound-smtp.ts';
import { headerBlock, maxHeaderBytes, readHeaders } from '#shared/adapters/mail/mime-headers.ts';
import {
  classifyInbound,
  type InboundHeaders,
  maxHops,
  maxSubjectLength,
  mailEvidence,
  SesReceiptEvent,
  SesReceiptRecord,
  tokensInSubject,
} from '#shared/domain/inbound-mail.ts';

// A token's shape: base64url payload, '.', a 43-character base64url signature.
const token = `eyJ2IjoxLCJwIjoidW5zdWJzY3JpYmUifQ.${'A'.repeat(42)}B`;
const own = 'unsubscribe@news.example.org';

const headers = (
  over: Partial<InboundHeaders> & { extra?: Record<string, string[]> } = {},
): InboundHeaders => {
  const { extra, ...rest } = over;
  return {
    from: ['ada@example.com'],
    subject: `unsubscribe-${token}`,
    fields: new Map(Object.entries(extra ?? {})),
    ...rest,
  };
};

describe('classifyInbound: what a message to the unsubscribe mailbox is (first match wins)', () => {
  it.each<[string, InboundHeaders, { source?: string }, ReturnType<typeof classifyInbound>]>([
    [
      'a person’s message with the token',
      headers(),
      { source: 'ada@example.com' },
      { act: true, tokens: [token] },
    ],
    ['a reply to it', headers({ subject: `Re: unsubscribe-${token}` }), {}, { act: true, tokens: [token] }],
    [
      'our own X-Loop mark',
      headers({ extra: { 'x-loop': [own.toUpperCase()] } }),
      {},
      { act: false, reason: 'loop' },
    ],
    ['from the mailbox itself', headers({ from: [own] }), {}, { act: false, reason: 'loop' }],
    [
      `more than ${maxHops} hops`,
      headers({ extra: { received: Array.from({ length: maxHops + 1 }, () => 'from x by y') } }),
      {},
      { act: false, reason: 'loop' },
    ],
    ['a null envelope sender', headers(), { source: '' }, { act: false, reason: 'bounce' }],
    ['Return-Path <>', headers({ returnPath: '' }), {}, { act: false, reason: 'bounce' }],
    [
      'from MAILER-DAEMON',
      headers({ from: ['mailer-daemon@mx.example.com'] }),
      {},
      { act: false, reason: 'bounce' },
    ],
    [
      'from postmaster',
      headers({ from: ['postmaster@mx.example.com'] }),
      {},
      { act: false, reason: 'bounce' },
    ],
    [
      'a multipart/report',
      headers({ contentType: 'multipart/report' }),
      {},
      { act: false, reason: 'bounce' },
    ],
    [
      'X-Failed-Recipients',
      headers({ extra: { 'x-failed-recipients': ['x'] } }),
      {},
      { act: false, reason: 'bounce' },
    ],
    [
      'Auto-Submitted: auto-replied',
      headers({ extra: { 'auto-submitted': ['auto-replied'] } }),
      {},
      { act: false, reason: 'auto_reply' },
    ],
    [
      'Auto-Submitted: no (a person)',
      headers({ extra: { 'auto-submitted': ['No'] } }),
      {},
      { act: true, tokens: [token] },
    ],
    ['X-Autoreply', headers({ extra: { 'x-autoreply': ['yes'] } }), {}, { act: false, reason: 'auto_reply' }],
    [
      'X-Autorespond',
      headers({ extra: { 'x-autorespond': ['x'] } }),
      {},
      { act: false, reason: 'auto_reply' },
    ],
    [
      'Precedence: bulk',
      headers({ extra: { precedence: ['Bulk'] } }),
      {},
      { act: false, reason: 'auto_reply' },
    ],
    [
      'Precedence: junk',
      headers({ extra: { precedence: ['junk'] } }),
      {},
      { act: false, reason: 'auto_reply' },
    ],
    [
      'Precedence: list',
      headers({ extra: { precedence: ['list'] } }),
      {},
      { act: false, reason: 'auto_reply' },
    ],
    [
      'Precedence: first-class',
      headers({ extra: { precedence: ['first-class'] } }),
      {},
      { act: true, tokens: [token] },
    ],
    [
      'a subject longer than the limit, even with the token',
      headers({ subject: `${'x'.repeat(maxSubjectLength)} unsubscribe-${token}` }),
      {},
      { act: false, reason: 'subject_too_long' },
    ],
    [
      'no token, whatever From says',
      headers({ subject: 'unsubscribe' }),
      {},
      { act: false, reason: 'no_token' },
    ],
    ['no subject', headers({ subject: undefined }), {}, { act: false, reason: 'no_token' }],
  ])('%s', (_label, given, envelope, expected) => {
    expect(classifyInbound(given, envelope, own)).toEqual(expected);
  });
});

describe('tokensInSubject', () => {
  it('finds the token after the prefix, in any case, around other words', () => {
    expect(tokensInSubject(`AW: Unsubscribe-${token} please`)).toEqual([token]);
  });

  it('joins a token a client folded or broke with whitespace', () => {
    const half = token.length / 2;
    expect(tokensInSubject(`unsubscribe- ${token.slice(0, half)}\r\n ${token.slice(half)}`)).toEqual([token]);
  });

  it('tries every occurrence, and ignores what is not token-shaped', () => {
    // The first candidate (`unsubscribe-<token>`) will not verify; the second will.
    expect(tokensInSubject(`unsubscribe-unsubscribe-${token}`)).toEqual([`unsubscribe-${token}`, token]);
    expect(tokensInSubject('unsubscribe-me please')).toEqual([]);
    expect(tokensInSubject(`unsubscribe-${token.slice(0, -1)}`)).toEqual([]);
  });
});

/** The Lambda action's event from SES's developer guide (receiving-email-action-lambda-event), trimmed. */
const documented = {
  Records: [
    {
      eventSource: 'aws:ses',
      eventVersion: '1.0',
      ses: {
        mail: {
          timestamp: '2019-08-05T21:30:02.028Z',
          source: 'prvs=144d0cba7=sender@example.com',
          messageId: 'EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000',
          destination: ['recipient@example.com'],
          headersTruncated: false,
          headers: [{ name: 'Subject', value: 'This is a test' }],
          commonHeaders: {
            returnPath: 'prvs=144d0cba7=sender@example.com',
            from: ['"Doe, John" <sender@example.com>'],
            date: 'Mon, 5 Aug 2019 21:29:57 +0000',
            to: ['"recipient@example.com" <recipient@example.com>'],
            messageId: '<F8098FDD-49A3-442D-9935-F6112B195BDA@example.com>',
            subject: 'This is a test',
          },
        },
        receipt: {
          timestamp: '2019-08-05T21:30:02.028Z',
          processingTimeMillis: 1205,
          recipients: ['recipient@example.com'],
          spamVerdict: { status: 'PASS' },
          virusVerdict: { status: 'PASS' },
          spfVerdict: { status: 'PASS' },
          dkimVerdict: { status: 'PASS' },
          dmarcVerdict: { status: 'GRAY' },
          action: {
            type: 'Lambda',
            functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:IncomingEmail',
            invocationType: 'Event',
          },
        },
      },
    },
  ],
};

const shape = (value: unknown): unknown =>
  value && typeof value === 'object' && !Array.isArray(value)
    ? Object.fromEntries(
        Object.entries(value)
          .filter(([key]) => key !== 'headers')
          .map(([key, v]) => [key, shape(v)]),
      )
    : Array.isArray(value)
      ? 'array'
      : typeof value;

describe("SES's receipt event", () => {
  it('parses as documented, and gives the evidence: message id and SPF, DKIM, DMARC verdicts', () => {
    expect(SesReceiptEvent.safeParse(documented).success).toBe(true);
    const record = SesReceiptRecord.parse(documented.Records[0]);
    expect(mailEvidence(record)).toEqual({
      messageId: 'EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000',
      spf: 'PASS',
      dkim: 'PASS',
      dmarc: 'GRAY',
    });
  });

  it('refuses a message id that could name another key of the bucket', () => {
    const record = structuredClone(documented.Records[0]) as (typeof documented.Records)[0];
    record.ses.mail.messageId = '../imports/secret';
    expect(SesReceiptRecord.safeParse(record).success).toBe(false);
  });

  it('is what the local stack builds, field for field', async () => {
    const local = await receiptEvent(
      Buffer.from(
        'From: "Doe, John" <sender@example.com>\r\nTo: recipient@example.com\r\nSubject: This is a test\r\n' +
          'Date: Mon, 5 Aug 2019 21:29:57 +0000\r\nMessage-ID: <x@example.com>\r\n\r\nBody\r\n',
      ),
      {
        messageId: 'o3vrnil0e2ic28trm7dfhrc2v0cnbeccl4nbp0g1',
        mailFrom: 'sender@example.com',
        recipients: ['recipient@example.com'],
        at: new Date('2019-08-05T21:30:02.028Z'),
        functionName: 'IncomingEmail',
      },
    );
    expect(shape(local)).toEqual(shape(documented));
    expect(local.Records[0]?.ses.mail.headers).toContainEqual({ name: 'Subject', value: 'This is a test' });
    expect(SesReceiptRecord.safeParse(local.Records[0]).success).toBe(true);
  });
});

describe('readHeaders: the header block of a raw message, by a MIME parser', () => {
  const raw = (text: string) => Buffer.from(text);

  it('decodes encoded words, parses addresses, Return-Path and the media type', async () => {
    const reading = await readHeaders(
      raw(
        'From: =?UTF-8?Q?Ad=C3=A1?= <Ada@Example.com>\r\nTo: unsubscribe@localhost\r\n' +
          `Subject: =?UTF-8?Q?Re:_unsubscribe-${token.slice(0, 20)}?=\r\n =?UTF-8?Q?${token.slice(20)}?=\r\n` +
          'Return-Path: <>\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\r\n' +
          'Message-ID: <m1@example.com>\r\nReceived: a\r\nReceived: b\r\n\r\nbody',
      ),
      10_000,
    );
    expect(reading).toMatchObject({
      ok: true,
      headers: {
        from: ['ada@example.com'],
        subject: `Re: unsubscribe-${token}`,
        returnPath: '',
        contentType: 'multipart/report',
        messageId: '<m1@example.com>',
      },
    });
    expect(reading.ok && reading.headers.fields.get('received')).toEqual(['a', 'b']);
  });

  it('reads a message with bare LF line ends', async () => {
    const reading = await readHeaders(raw('From: a@example.com\nSubject: hi\n\nbody'), 100);
    expect(reading).toMatchObject({ ok: true, headers: { subject: 'hi', from: ['a@example.com'] } });
  });

  it('calls bytes with no header field malformed', async () => {
    expect(await readHeaders(Buffer.from([0, 1, 2, 255, 10, 10, 65]), 7)).toEqual({
      ok: false,
      reason: 'malformed',
    });
    expect(await readHeaders(raw(''), 0)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses a header block that does not end within what was read, or is over the limit', async () => {
    const long = raw(`Subject: ${'x'.repeat(maxHeaderBytes)}\r\n\r\nbody`);
    expect(await readHeaders(long, long.length)).toEqual({ ok: false, reason: 'headers_too_large' });
    const cut = raw('Subject: x\r\nX-Long: yyyy');
    expect(await readHeaders(cut, cut.length + 1000)).toEqual({ ok: false, reason: 'headers_too_large' });
    expect(headerBlock(raw('A: b\r\n\r\nC')).complete).toBe(true);
  });
});
