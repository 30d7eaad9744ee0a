/** The hosted pages' form reader: url-encoded and a strict multipart/form-data, text fields only. */
import { describe, expect, it } from 'vitest';
import { maxFormBytes, PageError, parseForm } from '#shared/http/page.ts';

const multipart = (boundary: string, body: string) =>
  parseForm(`multipart/form-data; boundary=${boundary}`, Buffer.from(body, 'utf8'));

const refusal = (read: () => unknown): number | undefined => {
  try {
    read();
  } catch (error) {
    if (error instanceof PageError) return error.statusCode;
    throw error;
  }
  return undefined;
};

describe('url-encoded forms', () => {
  it('reads repeated fields in order, + as space, UTF-8', () => {
    const form = parseForm(
      'application/x-www-form-urlencoded; charset=UTF-8',
      Buffer.from('type=a&type=b&reason=Too+often%2C+s%C3%A5+det&empty='),
    );
    expect(form.all('type')).toEqual(['a', 'b']);
    expect(form.get('type')).toBe('a');
    expect(form.get('reason')).toBe('Too often, så det');
    expect(form.get('empty')).toBe('');
    expect(form.get('missing')).toBeUndefined();
    expect(form.all('missing')).toEqual([]);
    expect(form.size).toBe(4);
  });

  it('reads RFC 8058 one-click', () => {
    const form = parseForm('application/x-www-form-urlencoded', Buffer.from('List-Unsubscribe=One-Click'));
    expect(form.get('List-Unsubscribe')).toBe('One-Click');
  });

  it('takes no body as an empty form, whatever the type', () => {
    expect(parseForm(undefined, Buffer.alloc(0)).size).toBe(0);
  });

  it('refuses bodies over 64 KB (413), other types (415), invalid UTF-8 and too many fields (400)', () => {
    const big = Buffer.alloc(maxFormBytes + 1, 'a');
    expect(refusal(() => parseForm('application/x-www-form-urlencoded', big))).toBe(413);
    expect(refusal(() => parseForm('application/json', Buffer.from('{"a":1}')))).toBe(415);
    expect(refusal(() => parseForm(undefined, Buffer.from('a=1')))).toBe(415);
    expect(
      refusal(() => parseForm('application/x-www-form-urlencoded', Buffer.from([0x61, 0x3d, 0xff]))),
    ).toBe(400);
    expect(refusal(() => parseForm('application/x-www-form-urlencoded', Buffer.from('a&'.repeat(300))))).toBe(
      400,
    );
  });
});

describe('multipart/form-data', () => {
  it('reads what Gmail sends for one-click', () => {
    const form = multipart(
      '----abc123',
      '------abc123\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n------abc123--\r\n',
    );
    expect(form.get('List-Unsubscribe')).toBe('One-Click');
    expect(form.size).toBe(1);
  });

  it('reads several fields, a quoted boundary, text/plain parts, UTF-8, a preamble and an epilogue', () => {
    const body = [
      'This is the preamble.',
      '--b 1',
      'Content-Disposition: form-data; name="type"',
      'Content-Type: text/plain; charset=UTF-8',
      '',
      'a',
      '--b 1',
      'content-disposition: FORM-DATA; name=type',
      '',
      'b',
      '--b 1',
      'Content-Disposition: form-data; name="reason"',
      'Content-Transfer-Encoding: 8bit',
      '',
      'Zu oft,\r\nwirklich – ärgerlich',
      '--b 1--',
      'epilogue',
    ].join('\r\n');
    const form = parseForm('multipart/form-data; boundary="b 1"', Buffer.from(body, 'utf8'));
    expect(form.all('type')).toEqual(['a', 'b']);
    expect(form.get('reason')).toBe('Zu oft,\r\nwirklich – ärgerlich');
  });

  it('reads an empty value and a quoted name with an escaped quote', () => {
    const form = multipart('x', '--x\r\nContent-Disposition: form-data; name="a\\"b"\r\n\r\n\r\n--x--');
    expect(form.get('a"b')).toBe('');
  });

  it.each([
    ['a file part', '--x\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\n\r\nhi\r\n--x--'],
    ['a part without Content-Disposition', '--x\r\nContent-Type: text/plain\r\n\r\nhi\r\n--x--'],
    ['a part that is not form-data', '--x\r\nContent-Disposition: attachment; name="a"\r\n\r\nhi\r\n--x--'],
    ['a part without a name', '--x\r\nContent-Disposition: form-data\r\n\r\nhi\r\n--x--'],
    [
      'a binary part',
      '--x\r\nContent-Disposition: form-data; name="a"\r\nContent-Type: image/png\r\n\r\nhi\r\n--x--',
    ],
    [
      'a base64 part',
      '--x\r\nContent-Disposition: form-data; name="a"\r\nContent-Transfer-Encoding: base64\r\n\r\naGk=\r\n--x--',
    ],
    [
      'a Latin-1 part',
      '--x\r\nContent-Disposition: form-data; name="a"\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\nhi\r\n--x--',
    ],
    ['an unterminated part', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nhi'],
    ['bare LF line ends', '--x\nContent-Disposition: form-data; name="a"\n\nhi\n--x--'],
    ['no boundary at all', 'Content-Disposition: form-data; name="a"\r\n\r\nhi'],
    ['a folded header', '--x\r\nContent-Disposition: form-data;\r\n name="a"\r\n\r\nhi\r\n--x--'],
    ['malformed parameters', '--x\r\nContent-Disposition: form-data; name="a" junk\r\n\r\nhi\r\n--x--'],
  ])('refuses %s (400)', (_name, body) => {
    expect(refusal(() => multipart('x', body))).toBe(400);
  });

  it('refuses a missing or invalid boundary, invalid UTF-8 and too many parts (400)', () => {
    expect(refusal(() => parseForm('multipart/form-data', Buffer.from('--x--')))).toBe(400);
    expect(refusal(() => multipart('bad\u0001boundary', '--x--'))).toBe(400);
    expect(refusal(() => multipart('a'.repeat(71), '--x--'))).toBe(400);
    const latin1 = Buffer.concat([
      Buffer.from('--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n'),
      Buffer.from([0xe4]),
      Buffer.from('\r\n--x--'),
    ]);
    expect(refusal(() => parseForm('multipart/form-data; boundary=x', latin1))).toBe(400);
    const many = `${'--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n'.repeat(201)}--x--`;
    expect(refusal(() => multipart('x', many))).toBe(400);
  });
});
