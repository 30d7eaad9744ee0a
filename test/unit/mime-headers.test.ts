/**
 * The header reader of the unsubscribe mailbox against an independent reader: mailparser (a full MIME
 * parser, kept as a dev dependency for this) must read the same addresses, subject, Return-Path,
 * media type, Message-ID and fields from every header block below.
 */
import { type AddressObject, type HeaderValue, simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { addressesIn } from '#shared/adapters/mail/address-list.ts';
import { decodeWords } from '#shared/adapters/mail/encoded-words.ts';
import { readHeaders } from '#shared/adapters/mail/mime-headers.ts';

const b64 = (text: string, charset = 'utf-8') =>
  `=?${charset}?B?${Buffer.from(new TextEncoder().encode(text)).toString('base64')}?=`;
const bytesB64 = (bytes: number[], charset: string) =>
  `=?${charset}?B?${Buffer.from(bytes).toString('base64')}?=`;
const bytesQ = (bytes: number[], charset: string) =>
  `=?${charset}?Q?${bytes.map((byte) => (byte < 0x80 && byte > 0x20 && byte !== 0x3d && byte !== 0x3f && byte !== 0x5f ? String.fromCharCode(byte) : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`)).join('')}?=`;

const token = `eyJ2IjoxLCJwIjoidW5zdWJzY3JpYmUifQ.${'A'.repeat(42)}B`;

/** Header blocks as senders write them, well and badly. */
const corpus: Record<string, string | Buffer> = {
  plain: 'From: ada@example.com\r\nTo: unsubscribe@news.example.org\r\nSubject: unsubscribe-abc\r\n',
  'bare LF': 'From: Ada <ada@example.com>\nSubject: hi\nMessage-ID: <m@x>\n',
  'folded subject': `Subject: Re: unsubscribe-${token.slice(0, 30)}\r\n\t${token.slice(30)}\r\nFrom: a@b.c\r\n`,
  'folded with several spaces': 'Subject: one\r\n    two\r\n \tthree\r\nFrom:\r\n  x@y.z\r\n',
  'Q words split mid-character': `Subject: =?UTF-8?Q?Ad=C3?= =?UTF-8?Q?=A1_unsubscribe-${token}?=\r\n`,
  'B words split mid-character': `Subject: =?utf-8?B?${Buffer.from('Ádá café').subarray(0, 5).toString('base64')}?=\r\n =?utf-8?B?${Buffer.from('Ádá café').subarray(5).toString('base64')}?=\r\n`,
  'B words, each padded': `Subject: ${b64('Grüße aus ')} ${b64('Köln')}\r\n`,
  'mixed encodings and text': `Subject: Re: ${b64('Привет')} and =?iso-8859-1?Q?caf=E9?= done\r\n`,
  'adjacent words of different charsets': `Subject: ${bytesQ([0xe9], 'iso-8859-1')} ${bytesB64([0xd0, 0xd2, 0xc9], 'koi8-r')}\r\n`,
  'lower-case encoding letters': 'Subject: =?utf-8?q?hello_world?= =?utf-8?b?IQ==?=\r\n',
  'underscore and equals in Q': 'Subject: =?utf-8?Q?a_b=3Dc=5Fd?=\r\n',
  'windows-1252': `Subject: ${bytesQ([0x93, 0x61, 0x94, 0x20, 0x80], 'windows-1252')}\r\n`,
  'windows-1251': `Subject: ${bytesB64([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2], 'windows-1251')}\r\n`,
  'iso-8859-2': `Subject: ${bytesQ([0xb1, 0xe6, 0xea, 0xb3, 0xf1], 'ISO-8859-2')}\r\n`,
  'iso-8859-15': `Subject: ${bytesQ([0xa4, 0x20, 0xbd], 'iso-8859-15')}\r\n`,
  'iso-8859-7': `Subject: ${bytesB64([0xe1, 0xe2, 0xe3], 'iso-8859-7')}\r\n`,
  'koi8-r': `Subject: ${bytesB64([0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4], 'KOI8-R')}\r\n`,
  shift_jis: `Subject: ${bytesB64([0x83, 0x65, 0x83, 0x58, 0x83, 0x67], 'shift_jis')}\r\n`,
  'iso-2022-jp': 'Subject: =?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?=\r\n',
  'euc-jp': `Subject: ${bytesB64([0xa5, 0xc6, 0xa5, 0xb9, 0xa5, 0xc8], 'euc-jp')}\r\n`,
  gb18030: `Subject: ${bytesB64([0xc4, 0xe3, 0xba, 0xc3], 'gb18030')}\r\n`,
  gb2312: `Subject: ${bytesB64([0xc4, 0xe3, 0xba, 0xc3], 'gb2312')}\r\n`,
  big5: `Subject: ${bytesB64([0xa7, 0x41, 0xa6, 0x6e], 'big5')}\r\n`,
  'euc-kr': `Subject: ${bytesB64([0xbe, 0xc8, 0xb3, 0xe7], 'euc-kr')}\r\n`,
  'ks_c_5601-1987': `Subject: ${bytesB64([0xbe, 0xc8, 0xb3, 0xe7], 'ks_c_5601-1987')}\r\n`,
  'charset with a language': 'Subject: =?utf-8*en?Q?hello?=\r\n',
  'charset spelled loosely': `Subject: ${bytesQ([0xe9], 'latin1')} ${bytesQ([0xe9], 'win-1252')}\r\n`,
  'raw UTF-8 subject': 'Subject: Grüße unsubscribe-x\r\nX-Note: café\r\n',
  'empty subject then another': 'Subject:\r\nSubject: second\r\n',
  'empty encoded subject': 'Subject: =?utf-8?Q??=\r\n',
  'display names': 'From: "Lovelace, Ada" <Ada@Example.COM>\r\n',
  'encoded display name': `From: ${b64('Ádá Lovelace')} <ada@example.com>\r\n`,
  'comment for a name': 'From: ada@example.com (Ada Lovelace)\r\n',
  'address in plain text': 'From: Ada Lovelace ada@example.com\r\n',
  'several addresses': 'From: a@example.com, "B" <b@example.com>, C <c@example.com>\r\n',
  'unquoted comma in a name': 'From: Lovelace, Ada <ada@example.com>\r\n',
  groups: 'From: team: a@example.com, B <b@example.com>; c@example.com\r\n',
  'empty group': 'From: undisclosed-recipients:;\r\n',
  'group without its semicolon': 'From: team: a@example.com, b@example.com\r\n',
  'odd spacing': 'From:   Ada   <  ada@example.com  >  ,  bob @ example.com \r\n',
  'comments in the angle address': 'From: Ada <ada(at home)@example.com>\r\n',
  'source route': 'From: <@relay.example,@other.example:ada@example.com>\r\n',
  'quoted local part': 'From: "ada lovelace"@example.com\r\n',
  'quoted angle address': 'From: Ada <"ada lovelace"@example.com>\r\n',
  'punycode domain': 'From: ada@xn--bcher-kva.example\r\n',
  'name only': 'From: Ada Lovelace\r\n',
  'mailer daemon':
    'From: MAILER-DAEMON@mx.example.com\r\nReturn-Path: <>\r\nContent-Type: multipart/report; report-type=delivery-status;\r\n\tboundary="b"\r\n',
  'postmaster with name': 'From: Mail Delivery System <Postmaster@mx.example.com>\r\n',
  'empty return path': 'Return-Path: \r\nFrom: a@b.c\r\n',
  'return path with address': 'Return-Path: <Bounce+x@Example.com>\r\n',
  'two return paths': 'Return-Path: <>\r\nReturn-Path: <a@b.c>\r\n',
  'content type with comment': 'Content-Type: Multipart/Report (a report); boundary=x\r\n',
  'content type with spaces': 'Content-Type:  text/plain ;charset=utf-8\r\n',
  'message id without brackets': 'Message-ID: abc@example.com\r\n',
  'message id folded': 'Message-ID:\r\n <abc@example.com>\r\n',
  'auto reply headers':
    'Auto-Submitted: auto-replied\r\nX-Autoreply: yes\r\nPrecedence: Bulk\r\nX-Loop: unsubscribe@news.example.org\r\n',
  'many received': `${'Received: from a by b; Mon, 1 Jan 2024 00:00:00 +0000\r\n'.repeat(60)}From: x@y.z\r\n`,
  'header names in odd case':
    'SUBJECT: loud\r\nfRoM: Ada <ADA@EXAMPLE.COM>\r\nx-failed-recipients: a@b.c\r\n',
  'mbox separator first':
    'From ada@example.com Mon Jan  1 00:00:00 2024\r\nFrom: ada@example.com\r\nSubject: s\r\n',
  'line without a colon': 'Subject: s\r\ngarbage line\r\nFrom: a@b.c\r\n',
  'field with an empty name': ': nothing\r\nSubject: s\r\n',
  'tabs around the colon': 'Subject\t:\tspaced\r\nFrom :a@b.c\r\n',
  'broken encoded word': 'Subject: =?utf-8?Q?broken\r\nFrom: a@b.c\r\n',
  'invalid base64': 'Subject: =?utf-8?B?@@@?= x\r\n',
  'encoded word in an address': `From: ${b64('ada@example.com')}\r\n`,
  'trailing whitespace lines': 'Subject: s\r\n \r\nFrom: a@b.c\r\n',
  'quoted address as a name': 'From: "ada@evil.example" <ada@example.com>\r\n',
  'name after the address': 'From: <ada@example.com> Ada\r\n',
  'unclosed angle address': 'From: Ada <ada@example.com\r\n',
  'nested comments': 'From: ada@example.com (Ada (the first) Lovelace)\r\n',
  'comment after the angle address': 'From: Ada <ada@example.com> (work)\r\n',
  'empty list entries': 'From: a@example.com,, ,b@example.com\r\n',
  'domain literal': 'From: ada@[192.0.2.1], <bob@[IPv6:2001:db8::1]>\r\n',
  'semicolon as a separator': 'From: a@example.com; b@example.com\r\n',
  'encoded word glued to text': 'Subject: abc=?utf-8?Q?x?=def\r\n',
  'encoded word with spaces in Q': 'Subject: =?utf-8?Q?a= 41b?=\r\n',
  'invalid UTF-8 in a field': Buffer.from('X-Odd: \u00e9t\u00e9\r\nSubject: s\r\n', 'latin1'),
};

const addressesOf = (value: HeaderValue | undefined): string[] => {
  if (!value || typeof value !== 'object' || value instanceof Date) return [];
  const out: string[] = [];
  const walk = (entries: AddressObject['value']) => {
    for (const entry of entries ?? []) {
      if (entry.group) walk(entry.group);
      else if (typeof entry.address === 'string') out.push(entry.address.toLowerCase());
    }
  };
  for (const object of (Array.isArray(value) ? value : [value]) as AddressObject[])
    if (object && Array.isArray(object.value)) walk(object.value);
  return out;
};

/** What mailparser reads from a header block, in the shape of `InboundHeaders`. */
const byMailparser = async (block: Buffer) => {
  const parsed = await simpleParser(Buffer.concat([block, Buffer.from('\r\n\r\n')]), {
    skipHtmlToText: true,
    skipTextToHtml: true,
  });
  const fields = new Map<string, string[]>();
  for (const { key, line } of parsed.headerLines) {
    const colon = line.indexOf(':');
    if (colon === -1) continue;
    // mailparser keeps raw lines as 8-bit text; read as UTF-8 where they are UTF-8, as ours does.
    const value = line
      .slice(colon + 1)
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim();
    const utf8 = Buffer.from(value, 'latin1').toString('utf8');
    fields.set(key, [...(fields.get(key) ?? []), utf8.includes('\uFFFD') ? value : utf8]);
  }
  const returnPath = parsed.headers.get('return-path');
  const contentType = parsed.headers.get('content-type');
  return {
    fields,
    from: addressesOf(parsed.headers.get('from')),
    ...(parsed.subject !== undefined ? { subject: parsed.subject } : {}),
    ...(returnPath !== undefined ? { returnPath: addressesOf(returnPath)[0] ?? '' } : {}),
    ...(contentType && typeof contentType === 'object' && 'value' in contentType
      ? { contentType: String(contentType.value).toLowerCase() }
      : {}),
    ...(parsed.messageId ? { messageId: parsed.messageId } : {}),
  };
};

describe('readHeaders agrees with mailparser', () => {
  it.each(Object.entries(corpus))('%s', async (_name, written) => {
    const block = Buffer.from(written);
    const message = Buffer.concat([block, Buffer.from('\r\nbody')]);
    const ours = await readHeaders(message, message.length);
    expect(ours.ok).toBe(true);
    expect(ours.ok && ours.headers).toEqual(await byMailparser(block));
  });

  it('decodes the charsets of the corpus to the text they hold', async () => {
    const subject = async (name: string) => {
      const reading = await readHeaders(Buffer.from(`${corpus[name]}\r\n`), 0);
      return reading.ok ? reading.headers.subject : undefined;
    };
    expect(await subject('koi8-r')).toBe('Привет');
    expect(await subject('iso-2022-jp')).toBe('テスト');
    expect(await subject('shift_jis')).toBe('テスト');
    expect(await subject('gb18030')).toBe('你好');
    expect(await subject('big5')).toBe('你好');
    expect(await subject('euc-kr')).toBe('안녕');
    expect(await subject('B words split mid-character')).toBe('Ádá café');
    expect(await subject('Q words split mid-character')).toBe(`Adá unsubscribe-${token}`);
  });
});

describe('decodeWords', () => {
  it('keeps a word in a charset it does not know as written, and goes on', () => {
    expect(decodeWords('=?x-unknown?Q?abc?= and =?utf-8?Q?caf=C3=A9?=')).toBe('=?x-unknown?Q?abc?= and café');
    expect(decodeWords('=?utf-7?Q?+ADw-script+AD4-?=')).toBe('=?utf-7?Q?+ADw-script+AD4-?=');
  });

  it('leaves text without encoded words alone', () => {
    expect(decodeWords('plain =? text ?= here')).toBe('plain =? text ?= here');
  });
});

describe('addressesIn', () => {
  it('reads every address of a list, groups flattened, in order', () => {
    expect(addressesIn('a@x.org, team: "B, b" <b@x.org>, c@x.org; <d@x.org>')).toEqual([
      'a@x.org',
      'b@x.org',
      'c@x.org',
      'd@x.org',
    ]);
    expect(addressesIn('<>')).toEqual(['']);
    expect(addressesIn('Ada Lovelace')).toEqual(['']);
    expect(addressesIn('')).toEqual([]);
  });

  it('reads no address from a quoted string left open (mailparser reads a broken one from it)', () => {
    expect(addressesIn('"Ada <ada@example.com>')).toEqual(['']);
  });
});
