/**
 * RFC 2047 encoded words (`=?charset?B|Q?text?=`) in a header value, decoded with the runtime's own
 * `TextDecoder` (Node's full ICU knows the ISO-8859 family, the windows code pages, KOI8, Shift_JIS,
 * ISO-2022-JP, EUC-JP, GB18030, Big5, EUC-KR and more), so no charset table is bundled.
 *
 * - Whitespace between two encoded words is dropped (RFC 2047 §6.2).
 * - Adjacent words of the same charset and encoding are joined before decoding, so a character whose
 *   bytes a sender split across two words comes out whole.
 * - A word in a charset nothing here knows is kept as it was written: the rest of the value is still
 *   read, and nothing throws.
 */

/** An encoded word; the charset may carry an RFC 2231 language (`utf-8*en`), which is ignored. */
const encodedWord = /=\?([\w*-]+)\?([BbQq])\?([^?]*)\?=/g;

/** Charset names mail software writes that the WHATWG label list does not have. */
const aliases: Readonly<Record<string, string>> = {
  '7bit': 'utf-8',
  '8bit': 'utf-8',
  ascii: 'utf-8',
  'us-ascii': 'utf-8',
  'ansi_x3.4-1968': 'utf-8',
  utf8: 'utf-8',
  cp932: 'shift_jis',
  cp936: 'gbk',
  ms936: 'gbk',
  cp949: 'euc-kr',
  ms949: 'euc-kr',
  uhc: 'euc-kr',
  cp950: 'big5',
  ms950: 'big5',
  'euc-cn': 'gb2312',
};

/** ISO-8859-1 is not windows-1252 (which `TextDecoder` substitutes for it): 0x80–0x9F stay C1 controls. */
const latin1Names = new Set([
  'iso-8859-1',
  'iso8859-1',
  'iso_8859-1',
  'iso88591',
  'latin1',
  'l1',
  'cp819',
  'ibm819',
]);

/** Spellings such as `win-1252`, `windows1250`, `iso8859_2`, `latin-2`, read as their usual names. */
const respell = (name: string) =>
  name
    .replace(/^utf[-_]?(\d+)/, 'utf-$1')
    .replace(/^win(?:dows)?[-_]?(\d+)$/, 'windows-$1')
    .replace(/^(?:latin|iso[-_]?8859)[-_]?(\d+)$/, 'iso-8859-$1')
    .replace(/^cp[-_]?(125\d)$/, 'windows-$1');

export type BytesDecoder = { key: string; decode: (bytes: Uint8Array) => string };

const decoders = new Map<string, BytesDecoder | undefined>();

const tryDecoder = (name: string): BytesDecoder | undefined => {
  if (latin1Names.has(name)) {
    return { key: 'latin1', decode: (bytes) => Buffer.from(bytes).toString('latin1') };
  }
  try {
    const decoder = new TextDecoder(name);
    return { key: decoder.encoding, decode: (bytes) => decoder.decode(bytes) };
  } catch {
    return undefined;
  }
};

/** The decoder of a charset label, or undefined when the label names no charset the runtime has. */
export const decoderFor = (label: string): BytesDecoder | undefined => {
  const star = label.indexOf('*');
  const name = (star === -1 ? label : label.slice(0, star)).trim().toLowerCase();
  if (decoders.has(name)) return decoders.get(name);
  const known = aliases[name] ?? name;
  // UTF-7 is left undecoded on purpose: it is a known way to hide markup from filters.
  const decoder = /^(?:utf-?7|unicode-1-1-utf-7)$/.test(name)
    ? undefined
    : (tryDecoder(known) ?? tryDecoder(respell(known)));
  if (decoders.size < 64) decoders.set(name, decoder);
  return decoder;
};

const hexPair = /^[0-9A-Fa-f]{2}$/;

/** Q encoding: `_` is a space, `=XX` a byte; anything else is its own UTF-8 bytes. */
const qBytes = (text: string): Buffer => {
  const source = Buffer.from(text.replace(/=\s+([0-9A-Fa-f])/g, '=$1').replace(/[_\s]/g, ' '));
  const out: number[] = [];
  for (let at = 0; at < source.length; at++) {
    const pair = source.subarray(at + 1, at + 3).toString('latin1');
    if (source[at] === 0x3d && hexPair.test(pair)) {
      out.push(Number.parseInt(pair, 16));
      at += 2;
    } else out.push(source[at] as number);
  }
  return Buffer.from(out);
};

/** B encoding; a payload of several padded pieces (each word padded on its own) is read piece by piece. */
const bBytes = (text: string): Buffer =>
  Buffer.concat(
    text
      .split('=')
      .filter((piece) => piece.length > 0)
      .map((piece) => Buffer.from(piece, 'base64')),
  );

interface Word {
  start: number;
  end: number;
  charset: string;
  encoding: 'B' | 'Q';
  text: string;
}

const wordsIn = (value: string): Word[] =>
  Array.from(value.matchAll(encodedWord), (match) => ({
    start: match.index,
    end: match.index + match[0].length,
    charset: match[1] as string,
    encoding: (match[2] as string).toUpperCase() as 'B' | 'Q',
    text: match[3] as string,
  }));

const sameRun = (a: Word, b: Word) => {
  if (a.encoding !== b.encoding) return false;
  const left = decoderFor(a.charset);
  const right = decoderFor(b.charset);
  return left && right ? left.key === right.key : a.charset.toLowerCase() === b.charset.toLowerCase();
};

/** Decodes one run of words of the same charset and encoding, or gives back its source when the charset is unknown. */
const decodeRun = (value: string, run: Word[]): string => {
  const first = run[0] as Word;
  const decoder = decoderFor(first.charset);
  if (!decoder) return run.map((word) => value.slice(word.start, word.end)).join('');
  const payload = run.map((word) => word.text).join('');
  const bytes = first.encoding === 'B' ? bBytes(payload) : qBytes(payload);
  return decoder.decode(bytes);
};

/** `value` with its encoded words decoded; text outside them is kept as it is. */
export const decodeWords = (value: string): string => {
  const words = wordsIn(value);
  if (!words.length) return value;
  let out = '';
  let cursor = 0;
  let run: Word[] = [];
  const flush = () => {
    if (run.length) out += decodeRun(value, run);
    run = [];
  };
  for (const word of words) {
    const between = value.slice(cursor, word.start);
    const previous = run[run.length - 1];
    if (previous && /^\s*$/.test(between) && sameRun(previous, word)) {
      run.push(word);
    } else {
      flush();
      // Whitespace between two encoded words is not part of the text.
      out += previous && /^\s*$/.test(between) ? '' : between;
      run = [word];
    }
    cursor = word.end;
  }
  flush();
  return out + value.slice(cursor);
};
