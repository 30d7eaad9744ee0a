/**
 * Reads the header block of a raw message (RFC 5322, MIME) into the plain shape the domain judges
 * (shared/domain/inbound-mail.ts `InboundHeaders`): folded lines joined, RFC 2047 encoded words
 * decoded (encoded-words.ts), addresses parsed (address-list.ts). Only the headers are read: nothing
 * the unsubscribe mailbox decides on is in a body, and a body may be large. Nothing here needs a
 * charset table of its own: charsets are decoded by the runtime's `TextDecoder`.
 */
import type { InboundHeaders } from '#shared/domain/inbound-mail.ts';
import { addressesIn } from './address-list.ts';
import { decodeWords } from './encoded-words.ts';

/** Largest header block read; SES itself keeps at most this much of a message's headers in its events. */
export const maxHeaderBytes = 256 * 1024;

export type HeaderReading =
  | { ok: true; headers: InboundHeaders }
  | { ok: false; reason: 'headers_too_large' | 'malformed' };

/**
 * The header block: everything before the first empty line. `complete` is false when no empty line
 * was seen, so the block may go on past what was read.
 */
export const headerBlock = (raw: Buffer): { block: Buffer; complete: boolean } => {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  const ends = [crlf === -1 ? -1 : crlf + 2, lf === -1 ? -1 : lf + 1].filter((at) => at >= 0);
  if (!ends.length) return { block: raw, complete: false };
  return { block: raw.subarray(0, Math.min(...ends)), complete: true };
};

/** One header field as written: its name lower-cased, and the whole field, folding kept, as 8-bit text. */
interface HeaderLine {
  key: string;
  line: string;
}

const folded = (line: string) => line.startsWith(' ') || line.startsWith('\t');

/**
 * The fields of a header block, in order. A line that starts with a space or tab continues the field
 * before it; a first line `From ` (an mbox separator) or `POST ` (an HTTP preamble) is no field.
 */
export const headerLines = (block: Buffer): HeaderLine[] => {
  const text = block.toString('latin1').replace(/[\r\n]+$/, '');
  if (!text) return [];
  const lines: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (lines.length && folded(line)) lines[lines.length - 1] += `\r\n${line}`;
    else lines.push(line);
  }
  if (/^(?:From|POST) /i.test(lines[0] ?? '')) lines.shift();
  return lines.map((line) => ({
    key: line
      .slice(0, Math.max(line.indexOf(':'), 0))
      .trim()
      .toLowerCase(),
    line,
  }));
};

/** 8-bit text read as UTF-8, as mail software writes raw non-ASCII headers (RFC 6532). */
const asUtf8 = (binary: string) => Buffer.from(binary, 'latin1').toString('utf8');

/** A field's value as stored in `fields`: unfolded, trimmed; read as UTF-8 unless it is not valid UTF-8. */
const rawValue = (line: string): string => {
  const value = line
    .slice(line.indexOf(':') + 1)
    .replace(/\r?\n[ \t]+/g, ' ')
    .trim();
  const utf8 = asUtf8(value);
  return utf8.includes('\uFFFD') ? value : utf8;
};

/** A field's value as the structured readers take it: unfolded, trimmed, as UTF-8. */
const textValue = (line: string): string =>
  asUtf8(
    line
      .replace(/(?:\r?\n|\r)[ \t]*/g, ' ')
      .trim()
      .replace(/^[^:]*:/, '')
      .trim(),
  );

/** The media type of a Content-Type value: before the first `;`, comments and spaces dropped. */
const mediaType = (value: string): string => {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const chr = value[i] as string;
    if (chr === ';') break;
    if (chr === '(') {
      let depth = 1;
      while (++i < value.length && depth) {
        if (value[i] === '\\') i++;
        else if (value[i] === '(') depth++;
        else if (value[i] === ')') depth--;
      }
      i--;
    } else if (chr === '"') {
      const end = value.indexOf('"', i + 1);
      out += value.slice(i + 1, end === -1 ? value.length : end);
      i = end === -1 ? value.length : end;
    } else if (!/\s/.test(chr)) out += chr;
  }
  return decodeWords(out).toLowerCase();
};

/** A Message-ID in angle brackets, as written (`<id@host>`); brackets added when a sender left them out. */
const messageIdOf = (value: string): string =>
  value && `${value.startsWith('<') ? '' : '<'}${value}${value.endsWith('>') ? '' : '>'}`;

/**
 * Parses the headers of `raw`, of which the first `raw.length` bytes of a `size`-byte message were
 * read. A header block that does not end within what was read (and the message goes on), or is
 * larger than {@link maxHeaderBytes}, is `headers_too_large`; one with no header field at all is
 * `malformed`.
 */
export const readHeaders = async (raw: Buffer, size: number): Promise<HeaderReading> => {
  const { block, complete } = headerBlock(raw);
  if ((!complete && size > raw.length) || block.length > maxHeaderBytes)
    return { ok: false, reason: 'headers_too_large' };
  const lines = headerLines(block);
  const fields = new Map<string, string[]>();
  for (const { key, line } of lines) {
    if (line.indexOf(':') === -1) continue;
    const values = fields.get(key) ?? [];
    values.push(rawValue(line));
    fields.set(key, values);
  }
  if (!fields.size) return { ok: false, reason: 'malformed' };

  const values = (key: string) => lines.filter((line) => line.key === key).map(({ line }) => textValue(line));
  // The first Subject and Message-ID with a value; the first From and Content-Type, whatever they hold.
  const subject = values('subject').map(decodeWords).find(Boolean);
  const messageId = values('message-id')
    .map((value) => messageIdOf(decodeWords(value)))
    .find(Boolean);
  const from = values('from')[0];
  const contentType = values('content-type')[0];
  const returnPaths = values('return-path');
  const lower = (addresses: string[]) => addresses.map((address) => address.toLowerCase());
  const headers: InboundHeaders = {
    fields,
    from: from === undefined ? [] : lower(addressesIn(from)),
    ...(subject !== undefined ? { subject } : {}),
    // `Return-Path: <>` is one address that is empty.
    ...(returnPaths.length ? { returnPath: lower(returnPaths.flatMap(addressesIn))[0] ?? '' } : {}),
    ...(contentType !== undefined ? { contentType: mediaType(contentType) } : {}),
    ...(messageId ? { messageId } : {}),
  };
  return { ok: true, headers };
};
