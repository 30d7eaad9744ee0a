/**
 * The addresses of an address header (RFC 5322 §3.4: From, Return-Path, …), in order, groups
 * flattened: `Ada <ada@example.com>`, `ada@example.com (Ada)`, `"Lovelace, Ada" <ada@example.com>`,
 * `team: a@example.com, b@example.com;`, `<>`. Display names are not returned: the unsubscribe
 * mailbox judges addresses only. What a lenient reader makes of common mistakes is read the same way:
 * an address in plain text (`Ada ada@example.com`), spaces around the `@`, a source route
 * (`<@relay:ada@example.com>`), an unquoted comma in a display name (`Lovelace, Ada <ada@…>`).
 *
 * An entry with no address (a display name alone, or `<>`) gives `''`.
 */
import { domainToUnicode } from 'node:url';
import { decodeWords } from './encoded-words.ts';

interface Word {
  /** As written, quotes included. */
  raw: string;
  /** Whether any of it was inside a quoted string. */
  quoted: boolean;
}

interface Entry {
  words: Word[];
  angles: string[];
  comments: string[];
}

interface Parsed {
  address: string;
  named: boolean;
  /** A group's members. */
  members?: Parsed[];
}

const emptyEntry = (): Entry => ({ words: [], angles: [], comments: [] });

/** The end (exclusive) of the quoted string or comment that opens at `at`: escapes honoured, comments nest. */
const closeOf = (value: string, at: number): number => {
  const nests = value[at] === '(';
  const close = nests ? ')' : '"';
  let depth = 1;
  for (let i = at + 1; i < value.length; i++) {
    const chr = value[i];
    if (chr === '\\') i++;
    else if (chr === close) {
      if (--depth === 0) return i + 1;
    } else if (nests && chr === '(') depth++;
  }
  return value.length;
};

/** The end of the angle address opened at `at`: its `>` outside quoted strings and comments. */
const angleEnd = (value: string, at: number, inGroup: boolean): { end: number; next: number } => {
  for (let i = at + 1; i < value.length; i++) {
    const chr = value[i];
    if (chr === '"') i = closeOf(value, i) - 1;
    else if (chr === '(') i = closeOf(value, i) - 1;
    else if (chr === '>') return { end: i, next: i + 1 };
    else if (chr === ';' && inGroup) return { end: i, next: i };
  }
  return { end: value.length, next: value.length };
};

const unquotePairs = (text: string) => text.replace(/\\([\s\S])/g, '$1');

/** Comments out of an angle address; a source route (`@a,@b:`) before the mailbox dropped. */
const cleanAngle = (content: string): string => {
  let out = '';
  for (let i = 0; i < content.length; i++) {
    const chr = content[i] as string;
    if (chr === '"') {
      const end = closeOf(content, i);
      out += content.slice(i, end);
      i = end - 1;
    } else if (chr === '(') {
      i = closeOf(content, i) - 1;
      out += ' ';
    } else out += chr;
  }
  out = out.trim();
  const route = /^@[^:"]*:/.exec(out);
  if (route && out.indexOf('@', route[0].length) !== -1) out = out.slice(route[0].length);
  return out.trim();
};

const strictSpec = /^[^@\s]+@[^@\s]+$/;
const literalSpec = /^[^@\s]+@\[[^[\]\\\s]*\]$/;
const looseSpec = /^[^@\s]+@\S+$/;
const quotedLocalSpec = /^"(?:[^"\\]|\\[\s\S])*"@(?:[^@\s"]+|\[[^[\]\\\s]*\])$/;

/** Whitespace around the one `@` of a text is folding whitespace: `ada @ example.com`. */
const joinAtSpacing = (text: string) =>
  text.indexOf('@') !== -1 && text.indexOf('@') === text.lastIndexOf('@')
    ? text.replace(/\s*@\s*/, '@')
    : text;

/** An address written inside angle brackets that holds stray text: the part that reads as one. */
const recoverSpec = (address: string): string => {
  const joined = joinAtSpacing(address);
  if (!/\s/.test(joined) || joined.includes('"')) return joined;
  const parts = joined.split(/\s+/);
  return (
    parts.find((part) => strictSpec.test(part) || literalSpec.test(part)) ??
    parts.find((part) => looseSpec.test(part)) ??
    joined
  );
};

/** The address in the plain text of an entry without angle brackets. */
const addressInText = (words: Word[]): string => {
  const quotedLocal = words.find((word) => word.quoted && quotedLocalSpec.test(word.raw));
  const plain = words.filter((word) => !word.quoted).map((word) => word.raw);
  const parts = joinAtSpacing(plain.join(' ')).split(/\s+/);
  const strict = parts.find((part) => strictSpec.test(part) || literalSpec.test(part));
  if (quotedLocal && (!strict || words.indexOf(quotedLocal) < plain.indexOf(strict))) return quotedLocal.raw;
  if (strict) return strict;
  for (const part of parts) {
    const trimmed = /\b[^@\s]+@\S+\b/.exec(part);
    if (trimmed && looseSpec.test(trimmed[0])) return trimmed[0];
  }
  return '';
};

/** Encoded words are not allowed in an address; one that decodes to a plain address is read as it. */
const decodedAddress = (address: string): string => {
  if (!/=\?[^?]+\?[BbQq]\?[^?]*\?=/.test(address)) return address;
  const decoded = decodeWords(address);
  return /^[^\s@]+@[^\s@]+$/.test(decoded) && !decoded.includes('=?') ? decoded : '';
};

/** An internationalised domain written in punycode, as its Unicode name. */
const unicodeDomain = (address: string): string => {
  const at = address.lastIndexOf('@');
  if (at === -1 || !/@xn--/i.test(address)) return address;
  const domain = domainToUnicode(address.slice(at + 1));
  return domain ? address.slice(0, at + 1) + domain : address;
};

const finish = (entry: Entry): Parsed | undefined => {
  if (!entry.words.length && !entry.angles.length && !entry.comments.length) return undefined;
  let address = '';
  let textWords = entry.words;
  const angled = entry.angles.map(cleanAngle).filter((angle) => angle.length > 0);
  if (angled.length) address = recoverSpec(angled[0] as string);
  else {
    address = addressInText(entry.words);
    if (address) textWords = [];
  }
  const named = textWords.length > 0 || entry.comments.length > 0;
  return { address: unicodeDomain(decodedAddress(address)), named };
};

/** A display name alone followed by a named address: the two halves of a name with a comma in it. */
const mergeNameFragments = (entries: Parsed[]): Parsed[] => {
  const merged: Parsed[] = [];
  for (let i = entries.length - 1; i >= 0; i--) {
    const current = entries[i] as Parsed;
    const next = merged[merged.length - 1];
    if (next && current.address === '' && current.named && !current.members && next.address && next.named)
      continue;
    merged.push(current);
  }
  return merged.reverse();
};

/** The addresses of one header value (already unfolded). */
export const addressesIn = (value: string): string[] => {
  const top: Parsed[] = [];
  let members: Parsed[] | undefined;
  let entry = emptyEntry();
  let word: Word | undefined;
  let afterAt = false;
  const endWord = () => {
    if (word) entry.words.push(word);
    word = undefined;
  };
  const endEntry = () => {
    endWord();
    const parsed = finish(entry);
    if (parsed) (members ?? top).push(parsed);
    entry = emptyEntry();
  };
  const endGroup = () => {
    if (!members) return;
    top.push({ address: '', named: true, members: mergeNameFragments(members) });
    members = undefined;
  };
  for (let i = 0; i < value.length; i++) {
    const chr = value[i] as string;
    if (chr === '"') {
      const end = closeOf(value, i);
      word ??= { raw: '', quoted: false };
      word.raw += value.slice(i, end);
      word.quoted = true;
      i = end - 1;
    } else if (chr === '(') {
      endWord();
      const end = closeOf(value, i);
      const text = unquotePairs(value.slice(i + 1, end - 1)).trim();
      if (text) entry.comments.push(text);
      i = end - 1;
    } else if (chr === '<') {
      endWord();
      const { end, next } = angleEnd(value, i, members !== undefined);
      entry.angles.push(value.slice(i + 1, end));
      i = next - 1;
    } else if (chr === '[' && afterAt) {
      const end = value.indexOf(']', i);
      const stop = end === -1 ? value.length : end + 1;
      word ??= { raw: '', quoted: false };
      word.raw += value.slice(i, stop);
      i = stop - 1;
    } else if (chr === ',' || chr === ';') {
      endEntry();
      if (chr === ';') endGroup();
    } else if (chr === ':') {
      endWord();
      // A group's name, or (inside a group) the name of a nested one, which is not kept.
      if (!members) members = [];
      entry = emptyEntry();
    } else if (/\s/.test(chr)) {
      endWord();
    } else {
      word ??= { raw: '', quoted: false };
      word.raw += chr;
    }
    if (!/\s/.test(chr)) afterAt = chr === '@';
  }
  endEntry();
  endGroup();
  return mergeNameFragments(top).flatMap((entry) =>
    entry.members ? entry.members.map((member) => member.address) : [entry.address],
  );
};
