/**
 * Form bodies (urlencoded and multipart, UTF-8 only) read into a {@link Form}: apart from the page
 * wrapper, so the console reads its forms without carrying the hosted pages' wrapper.
 */
import { PageError } from './page-error.ts';

/** Form bodies are small: a page's checkboxes, a reason, an address. */
export const maxFormBytes = 64 * 1024;
const maxFormFields = 200;

/** A parsed form: every field may repeat (checkbox groups). */
export interface Form {
  /** The first value of a field. */
  get(name: string): string | undefined;
  /** Every value of a field, in order. */
  all(name: string): string[];
  readonly size: number;
}

const badForm = (why: string) => new PageError(400, 'bad_request', `Unreadable form: ${why}`);

const formOf = (pairs: ReadonlyArray<readonly [string, string]>): Form => {
  const fields = new Map<string, string[]>();
  for (const [name, value] of pairs) {
    const values = fields.get(name);
    if (values) values.push(value);
    else fields.set(name, [value]);
  }
  return {
    get: (name) => fields.get(name)?.[0],
    all: (name) => [...(fields.get(name) ?? [])],
    size: pairs.length,
  };
};

export const emptyForm: Form = formOf([]);

const utf8 = /* @__PURE__ */ new TextDecoder('utf-8', { fatal: true });
const decodeUtf8 = (bytes: Uint8Array, what: string): string => {
  try {
    return utf8.decode(bytes);
  } catch {
    throw badForm(`${what} is not UTF-8`);
  }
};

const tchar = "[!#$%&'*+.^_`|~0-9A-Za-z-]";
const paramPattern = /* @__PURE__ */ new RegExp(
  `;\\s*(${tchar}+)\\s*=\\s*("(?:[^"\\\\\\r\\n]|\\\\.)*"|${tchar}+)`,
  'g',
);

/** `type/subtype; a=b; c="d"` → lower-cased type and parameters (names lower-cased, quotes removed). */
const parseMediaType = (value: string): { type: string; params: Map<string, string> } => {
  const semi = value.indexOf(';');
  const type = (semi === -1 ? value : value.slice(0, semi)).trim().toLowerCase();
  const params = new Map<string, string>();
  if (semi !== -1) {
    const rest = value.slice(semi);
    let consumed = 0;
    for (const match of rest.matchAll(paramPattern)) {
      if (rest.slice(consumed, match.index).trim()) throw badForm('malformed header parameters');
      const raw = match[2] ?? '';
      params.set(
        (match[1] ?? '').toLowerCase(),
        raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw,
      );
      consumed = (match.index ?? 0) + match[0].length;
    }
    if (rest.slice(consumed).trim().replace(/;$/, '')) throw badForm('malformed header parameters');
  }
  return { type, params };
};

// RFC 2046 §5.1.1: 1–70 characters, not ending in a space.
const boundaryPattern = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;
const headerLine = /* @__PURE__ */ new RegExp(`^(${tchar}+):[ \\t]*(.*?)[ \\t]*$`);
const maxPartHeaderBytes = 2048;

/** One part's headers → its field name. Only text fields: a file part is refused. */
const partName = (lines: string[]): string => {
  let name: string | undefined;
  for (const line of lines) {
    const match = headerLine.exec(line);
    if (!match) throw badForm('malformed part header');
    const key = (match[1] ?? '').toLowerCase();
    const value = match[2] ?? '';
    if (key === 'content-disposition') {
      const disposition = parseMediaType(value);
      if (disposition.type !== 'form-data') throw badForm('part is not form-data');
      if (disposition.params.has('filename') || disposition.params.has('filename*'))
        throw badForm('file uploads are not accepted');
      const raw = disposition.params.get('name');
      if (raw === undefined) throw badForm('part without a name');
      name = decodeUtf8(Buffer.from(raw, 'latin1'), 'a field name');
    } else if (key === 'content-type') {
      const type = parseMediaType(value);
      const charset = type.params.get('charset')?.toLowerCase();
      if (type.type !== 'text/plain' || (charset && charset !== 'utf-8' && charset !== 'us-ascii'))
        throw badForm('only text fields are accepted');
    } else if (key === 'content-transfer-encoding') {
      if (!['7bit', '8bit', 'binary'].includes(value.toLowerCase())) throw badForm('unsupported encoding');
    }
  }
  if (name === undefined) throw badForm('part without Content-Disposition');
  return name;
};

/**
 * A strict multipart/form-data reader for text fields (RFC 7578): CRLF line ends, a boundary as
 * RFC 2046 allows, `Content-Disposition: form-data; name=…` on every part, no files, no folded
 * headers. A preamble and an epilogue are ignored, as the RFC says.
 */
export const parseMultipart = (body: Buffer, boundary: string): Array<[string, string]> => {
  if (!boundaryPattern.test(boundary)) throw badForm('invalid boundary');
  // latin1 maps each byte to one character, so string offsets are byte offsets.
  const text = body.toString('latin1');
  const delimiter = `--${boundary}`;
  let pos: number;
  if (text.startsWith(delimiter)) pos = 0;
  else {
    const first = text.indexOf(`\r\n${delimiter}`);
    if (first === -1) throw badForm('no multipart boundary');
    pos = first + 2;
  }
  const pairs: Array<[string, string]> = [];
  for (;;) {
    pos += delimiter.length;
    if (text.startsWith('--', pos)) return pairs;
    while (text[pos] === ' ' || text[pos] === '\t') pos++;
    if (!text.startsWith('\r\n', pos)) throw badForm('malformed boundary line');
    pos += 2;
    const headerEnd = text.indexOf('\r\n\r\n', pos);
    if (headerEnd === -1 || headerEnd - pos > maxPartHeaderBytes) throw badForm('malformed part headers');
    const name = partName(text.slice(pos, headerEnd).split('\r\n'));
    const end = text.indexOf(`\r\n${delimiter}`, headerEnd + 4);
    if (end === -1) throw badForm('unterminated part');
    pairs.push([name, decodeUtf8(body.subarray(headerEnd + 4, end), 'a field')]);
    if (pairs.length > maxFormFields) throw badForm('too many fields');
    pos = end + 2;
  }
};

const tooLarge = () => new PageError(413, 'bad_request', `Form larger than ${maxFormBytes} bytes`);
const unsupported = () => new PageError(415, 'bad_request', 'Unsupported form content type');

const urlencoded = (body: Buffer): Form => {
  const pairs = [...new URLSearchParams(decodeUtf8(body, 'the form'))];
  if (pairs.length > maxFormFields) throw badForm('too many fields');
  return formOf(pairs);
};

/**
 * A form our own pages post (`application/x-www-form-urlencoded`, what a `<form>` without an
 * `enctype` sends), with the same size, type and syntax checks as {@link parseForm}: the console's
 * forms, which need no multipart reader.
 */
export const parseUrlencodedForm = (contentType: string | undefined, body: Buffer): Form => {
  if (body.length > maxFormBytes) throw tooLarge();
  if (body.length === 0) return emptyForm;
  if (parseMediaType(contentType ?? '').type !== 'application/x-www-form-urlencoded') throw unsupported();
  return urlencoded(body);
};

/**
 * The form of a request body: size first (413), then type (415), then syntax (400). No body is an
 * empty form (RFC 8058 clients always send one, but a bare POST is still a POST).
 */
export const parseForm = (contentType: string | undefined, body: Buffer): Form => {
  if (body.length > maxFormBytes) throw tooLarge();
  if (body.length === 0) return emptyForm;
  const media = parseMediaType(contentType ?? '');
  if (media.type === 'application/x-www-form-urlencoded') return urlencoded(body);
  if (media.type === 'multipart/form-data') {
    const boundary = media.params.get('boundary');
    if (!boundary) throw badForm('multipart without a boundary');
    return formOf(parseMultipart(body, boundary));
  }
  throw unsupported();
};
