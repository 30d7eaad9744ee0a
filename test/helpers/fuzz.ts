/**
 * What the hostile-input fuzz (test/integration/fuzz.test.ts) is made of: hostile values, a
 * generator of plausible values from the JSON Schema that zod emits for a route's schemas, and a
 * raw HTTP client that sends any method, path and body exactly as given (fetch would normalise
 * paths, refuse some methods and re-encode bodies).
 */
import { request as httpRequest } from 'node:http';

/** The subset of JSON Schema 2020-12 that `z.toJSONSchema` emits for our schemas. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  default?: unknown;
}

/** Strings that break parsers, queries, templates, terminals and renderers. */
export const hostileStrings: readonly string[] = [
  "' OR 1=1 --",
  '" OR ""="',
  '{"$gt":""}',
  '{"$ne":null}',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  '../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%00',
  '\u0000',
  'a\u0000b',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template injection, on purpose
  '${7*7}{{7*7}}<%= 7*7 %>',
  '$(id)`id`',
  'line\r\nBcc: victim@example.com',
  '\ud800',
  'x\udfffy',
  '\u202eevil\u202c',
  'עברית مرحبا',
  'zero\u200bwidth\u200d\ufeffjoin',
  '👩‍👩‍👧‍👦🏳️‍🌈',
  'e\u0301\u0301\u0301\u0301',
  '\u0085\u2028\u2029',
  'A'.repeat(10_000),
  '',
  ' ',
  'null',
  'NaN',
  '1e309',
  '-1',
  '__proto__',
  'APIKEY#x',
  'C#01h00000000000000000000000',
];

/** Values of the wrong JSON type for any field. */
export const wrongTypes: readonly unknown[] = [
  null,
  0,
  -1,
  1.5,
  1e308,
  true,
  [],
  {},
  'text',
  [null],
  { nested: { deeper: { deepest: [1, '2', null] } } },
];

/**
 * Percent-encodes any string, lone surrogates included (as their WTF-8 bytes, which no UTF-8
 * decoder accepts), where encodeURIComponent would throw.
 */
export const percentEncode = (value: string): string => {
  let out = '';
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (/^[A-Za-z0-9\-_.~]$/.test(char)) {
      out += char;
      continue;
    }
    const bytes =
      code >= 0xd800 && code <= 0xdfff
        ? [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        : [...Buffer.from(char, 'utf8')];
    for (const byte of bytes) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
};

/** Path parameters that are not ids: for `{id}` and `{token}`, percent-encoded unless they cannot be. */
export const hostilePathSegments: readonly string[] = [
  ...[
    "' OR 1=1 --",
    '{"$gt":""}',
    '<script>alert(1)</script>',
    '../../etc/passwd',
    '..',
    '.',
    '#frag',
    '\u0000',
    '\u202e\u200b',
    '👩‍👩‍👧‍👦',
    'x'.repeat(5000),
    '01H00000000000000000000000',
    '01h00000000000000000000000 ',
    'null',
    '\ud800',
  ].map((value) => percentEncode(value)),
  // Left as they are on the wire: an invalid escape, a lone surrogate's UTF-8, a raw NUL escape,
  // a raw fragment, an escaped slash.
  '%',
  '%zz',
  '%ED%A0%80',
  '%00',
  'a#b',
  '..%2F..%2Fetc%2Fpasswd',
  'a%2Fb',
];

/** A JSON text nested `depth` levels deep, as a string (JSON.stringify would recurse). */
export const deeplyNested = (depth: number): string => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

export interface SampleContext {
  /** Real ids to use where a schema wants one, by what the field names. */
  ids: { type: string; list: string; contact: string; mailing: string };
  /** A fresh e-mail address each call. */
  email: () => string;
}

const idPattern = '^[0-9a-hjkmnp-tv-z]{26}$';

const sampleString = (schema: JsonSchema, name: string, ctx: SampleContext): string => {
  const pattern = schema.pattern ?? '';
  if (pattern === idPattern) {
    if (/list/i.test(name)) return ctx.ids.list;
    if (/contact/i.test(name)) return ctx.ids.contact;
    if (/mailing/i.test(name)) return ctx.ids.mailing;
    return ctx.ids.type;
  }
  if (pattern.includes('[a-z]{2,3}')) return 'en';
  if (pattern.includes('[0-9a-f]{64}')) return 'a'.repeat(64);
  if (pattern.includes('<[^@')) return 'News <news@example.com>';
  if (pattern.startsWith('^[A-Za-z]')) return 'plan';
  if (schema.format === 'ipv4') return '192.0.2.10';
  if (schema.format === 'ipv6') return '2001:db8::1';
  if (schema.format === 'date-time') return new Date(0).toISOString();
  if (/email/i.test(name)) return ctx.email();
  const text = `fuzz ${name}`;
  return text.slice(0, Math.max(schema.maxLength ?? text.length, 1)).padEnd(schema.minLength ?? 0, 'x');
};

/**
 * A plausible value for a schema: required properties and every optional one that is a plain
 * field, enum members, ids from the context. Not always valid (refinements are invisible in JSON
 * Schema), which is fine for a fuzz: it reaches past the first checks.
 */
export const sample = (schema: JsonSchema, ctx: SampleContext, name = '', depth = 0): unknown => {
  if (depth > 6) return null;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  const branch = schema.anyOf?.[0] ?? schema.oneOf?.[0];
  if (branch) return sample(branch, ctx, name, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      return sampleString(schema, name, ctx);
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array': {
      const count = Math.max(schema.minItems ?? 0, 1);
      return Array.from({ length: Math.min(count, 3) }, () =>
        sample(schema.items ?? {}, ctx, name.replace(/s$/, ''), depth + 1),
      );
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, property] of Object.entries(schema.properties ?? {}))
        out[key] = sample(property, ctx, key, depth + 1);
      if (!schema.properties && typeof schema.additionalProperties === 'object') {
        const key = sampleString(schema.propertyNames ?? {}, name, ctx);
        out[key] = sample(schema.additionalProperties, ctx, key, depth + 1);
      }
      return out;
    }
    default:
      return 'fuzz';
  }
};

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** Sends a request exactly as given; the path is written to the wire unchanged. */
export const rawRequest = (
  baseUrl: string,
  options: { method: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<RawResponse> => {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: options.method,
        path: options.path,
        headers: {
          ...(options.body !== undefined
            ? { 'content-length': String(Buffer.byteLength(options.body)) }
            : {}),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
};

/** `{"error": {"code", "message", "details"}}` and nothing else (docs/api.md, Errors). */
export const isDocumentedError = (text: string): boolean => {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return false;
  }
  if (typeof body !== 'object' || body === null || Object.keys(body).join() !== 'error') return false;
  const error = (body as { error: unknown }).error;
  if (typeof error !== 'object' || error === null) return false;
  const { code, message, details } = error as Record<string, unknown>;
  return (
    Object.keys(error).sort().join() === 'code,details,message' &&
    typeof code === 'string' &&
    code.length > 0 &&
    typeof message === 'string' &&
    Array.isArray(details)
  );
};

/** What a stack trace or an internal path looks like in a response body. */
export const leaksInternals = (text: string): boolean =>
  /\n\s+at\s+\S|\bat\s+\S+\s+\(.*:\d+:\d+\)|node_modules|\/work\/|\.ts:\d+|Error: |ValidationException|TypeError|ReferenceError/.test(
    text,
  );
