/**
 * Reads the header block of a raw message (RFC 5322, MIME) with mailparser into the plain shape the
 * domain judges (shared/domain/inbound-mail.ts `InboundHeaders`): RFC 2047 encoded words decoded,
 * folded lines joined, addresses parsed. Only the headers are parsed: nothing the unsubscribe mailbox
 * decides on is in a body, and a body may be large.
 */
import { type AddressObject, type HeaderValue, simpleParser } from 'mailparser';
import type { InboundHeaders } from '#shared/domain/inbound-mail.ts';

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

const addressesOf = (value: HeaderValue | undefined): string[] => {
  if (!value || typeof value !== 'object' || value instanceof Date) return [];
  const objects = (Array.isArray(value) ? value : [value]) as AddressObject[];
  const out: string[] = [];
  const walk = (entries: AddressObject['value']) => {
    for (const entry of entries ?? []) {
      if (entry.group) walk(entry.group);
      else if (typeof entry.address === 'string') out.push(entry.address.toLowerCase());
    }
  };
  for (const object of objects) if (object && Array.isArray(object.value)) walk(object.value);
  return out;
};

const unfold = (line: string) => line.replace(/\r?\n[ \t]+/g, ' ');

/**
 * Parses the headers of `raw`, of which the first `raw.length` bytes of a `size`-byte message were
 * read. A header block that does not end within what was read (and the message goes on), or is
 * larger than {@link maxHeaderBytes}, is `headers_too_large`; one the parser refuses, or one with
 * no header field at all, is `malformed`.
 */
export const readHeaders = async (raw: Buffer, size: number): Promise<HeaderReading> => {
  const { block, complete } = headerBlock(raw);
  if ((!complete && size > raw.length) || block.length > maxHeaderBytes)
    return { ok: false, reason: 'headers_too_large' };
  let parsed: Awaited<ReturnType<typeof simpleParser>>;
  try {
    parsed = await simpleParser(Buffer.concat([block, Buffer.from('\r\n\r\n')]), {
      skipHtmlToText: true,
      skipTextToHtml: true,
      skipImageLinks: true,
      skipTextLinks: true,
    });
  } catch (error) {
    return /header size/i.test((error as Error)?.message ?? '')
      ? { ok: false, reason: 'headers_too_large' }
      : { ok: false, reason: 'malformed' };
  }
  const fields = new Map<string, string[]>();
  for (const { key, line } of parsed.headerLines) {
    const colon = line.indexOf(':');
    if (colon === -1) continue;
    const values = fields.get(key) ?? [];
    values.push(unfold(line.slice(colon + 1)).trim());
    fields.set(key, values);
  }
  if (!fields.size) return { ok: false, reason: 'malformed' };

  const returnPath = parsed.headers.get('return-path');
  const contentType = parsed.headers.get('content-type');
  const headers: InboundHeaders = {
    fields,
    from: addressesOf(parsed.headers.get('from')),
    ...(parsed.subject !== undefined ? { subject: parsed.subject } : {}),
    // `Return-Path: <>` parses as one address that is empty.
    ...(returnPath !== undefined ? { returnPath: addressesOf(returnPath)[0] ?? '' } : {}),
    ...(contentType && typeof contentType === 'object' && 'value' in contentType
      ? { contentType: String(contentType.value).toLowerCase() }
      : {}),
    ...(parsed.messageId ? { messageId: parsed.messageId } : {}),
  };
  return { ok: true, headers };
};
