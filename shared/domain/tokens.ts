/**
 * Signed tokens for the hosted pages (unsubscribe, preferences, tracked links, double opt-in
 * confirmation, magic links), and keyed fingerprints of erased addresses.
 *
 * A token is `base64url(payload JSON) + '.' + base64url(HMAC-SHA256(key, first part))`. The payload
 * names the key id (`kid`) it was signed with, so keys rotate without breaking old links: a token
 * verifies as long as its key is still listed. Payloads hold opaque ids only, never an address or
 * other personal data; the checks are strict, so a payload with any extra field is rejected.
 *
 * Wire fields: `v` version (1), `kid` key id, `p` purpose, `c` contact id, `m` mailing id,
 * `t` subscription type id, `iat` issued-at and `exp` expiry (epoch seconds), `a` a tracked link's
 * action, `u` a tracked link's target URL.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from '#shared/schema/z.ts';

/** What a token lets its bearer do. Each purpose is verified only as itself. */
export const tokenPurposes = ['unsubscribe', 'preferences', 'link', 'confirm', 'magic'] as const;
export type TokenPurpose = (typeof tokenPurposes)[number];

/** What a tracked link does on click before redirecting. */
export const linkActionKinds = ['add_interest', 'remove_interest', 'subscribe', 'unsubscribe'] as const;
export type LinkActionKind = (typeof linkActionKinds)[number];

/** Tokens longer than this are refused, both when signing and before any work when verifying. */
export const maxTokenLength = 1024;

/** Default lifetime of a magic (preference access) link. */
export const magicLinkTtlSeconds = 7 * 24 * 60 * 60;

/** Longest tracked-link target URL; keeps the longest link token under {@link maxTokenLength}. */
export const maxLinkTargetLength = 512;

/** An absolute http(s) URL without credentials: what a tracked link may redirect to. */
export const isHttpUrl = (value: string): boolean => {
  const url = URL.parse(value);
  // No credentials: `https://bank.example@evil.example/` reads as one host and goes to another.
  return (
    url !== null && (url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password
  );
};

// Opaque ids: no '@' or '.', so an address cannot be smuggled into an id field.
const idPattern = /^[A-Za-z0-9_-]{1,64}$/;
const keyIdPattern = /^[A-Za-z0-9_-]{1,32}$/;
// Interest tags are free text chosen by marketers, but never control characters.
const interestTagPattern = /^\P{Cc}+$/u;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isId = (value: unknown): value is string => typeof value === 'string' && idPattern.test(value);
/** A key id: 1–32 of `[A-Za-z0-9_-]`. */
export const isKeyId = (value: unknown): value is string =>
  typeof value === 'string' && keyIdPattern.test(value);
/** A signing secret: 32 to 1024 characters. */
export const isSecret = (value: unknown): value is string =>
  typeof value === 'string' && value.length >= 32 && value.length <= 1024;
const isEpochSeconds = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= 1e11;
const isInterestTag = (value: unknown): value is string =>
  typeof value === 'string' && value.length >= 1 && value.length <= 100 && interestTagPattern.test(value);

/** What a tracked link does on click, as signed into its token and declared on a mailing. */
export type LinkAction =
  | { kind: 'add_interest' | 'remove_interest'; value: string }
  | { kind: 'subscribe' | 'unsubscribe'; value: string };

let linkAction: ReturnType<typeof buildLinkAction> | undefined;
const buildLinkAction = () =>
  z.discriminatedUnion('kind', [
    z.strictObject({
      kind: z.enum(['add_interest', 'remove_interest']),
      value: z.string().check(z.minLength(1), z.maxLength(100), z.regex(interestTagPattern)),
    }),
    z.strictObject({
      kind: z.enum(['subscribe', 'unsubscribe']),
      value: z.string().check(z.regex(idPattern)),
    }),
  ]);
/**
 * The link action as a schema, for the mailing a marketer declares (and the OpenAPI document);
 * built on first use, so a function that never reads a mailing's body does not carry it.
 */
export const linkActionSchema = (): ReturnType<typeof buildLinkAction> => {
  linkAction ??= buildLinkAction();
  return linkAction;
};

/**
 * Which link actions may apply on a plain GET of the link, and which wait for the person's POST.
 *
 * Corporate mail gateways and security scanners fetch every link of an incoming mail (GET, with no
 * person behind it) before the recipient sees it. An interest tag is our own profiling note: a
 * scanner adding one costs nobody anything, so `add_interest` and `remove_interest` apply on the GET
 * (once) and redirect at once. A subscription is consent given or withdrawn, which must be the
 * person's own act (GDPR Art. 7; RFC 8058 asks the same of unsubscribe URIs): `subscribe` and
 * `unsubscribe` show a one-button page on GET and act only on that page's POST, which then
 * redirects (303) to the target. A GET of such a link changes nothing.
 */
export const linkActsOnGet = (
  action: LinkAction | undefined,
): action is Exclude<LinkAction, { kind: 'subscribe' | 'unsubscribe' }> | undefined =>
  action === undefined || action.kind === 'add_interest' || action.kind === 'remove_interest';

interface PayloadCommon {
  v: 1;
  kid: string;
  c: string;
  iat: number;
}

/** Every valid payload, by purpose. Strict: unknown fields (an e-mail address, say) are rejected. */
export type TokenPayload =
  // From a mailing's List-Unsubscribe header and footer; never expires (CAN-SPAM, RFC 8058).
  | (PayloadCommon & { p: 'unsubscribe'; m?: string; t?: string })
  // The preference page reached from a mailing; never expires.
  | (PayloadCommon & { p: 'preferences'; m?: string; t?: string })
  // The target is signed in, so the redirect cannot be pointed elsewhere (no open redirect).
  | (PayloadCommon & { p: 'link'; m?: string; a?: LinkAction; u: string })
  // Double opt-in confirmation of one subscription type.
  | (PayloadCommon & { p: 'confirm'; t: string; exp?: number })
  // Preference access sent on request ("manage your subscriptions"); always expires.
  | (PayloadCommon & { p: 'magic'; exp: number });

/**
 * A field of a payload: its name, whether it must be there, its check, and (for a nested object)
 * how it is written when signed: its fields in their order.
 */
type Field = readonly [
  name: string,
  required: boolean,
  valid: (value: unknown) => boolean,
  write?: (value: unknown) => unknown,
];

const isLinkAction = (value: unknown): boolean => {
  if (!isObject(value) || Object.keys(value).some((key) => key !== 'kind' && key !== 'value')) return false;
  const { kind, value: target } = value;
  return kind === 'add_interest' || kind === 'remove_interest'
    ? isInterestTag(target)
    : (kind === 'subscribe' || kind === 'unsubscribe') && isId(target);
};
const writeLinkAction = (value: unknown): unknown => {
  const { kind, value: target } = value as LinkAction;
  return { kind, value: target };
};
const isLinkTarget = (value: unknown): boolean =>
  typeof value === 'string' && value.length <= maxLinkTargetLength && isHttpUrl(value);
const isVersion = (value: unknown): boolean => value === 1;
const isAny = (): boolean => true;

const commonFields: readonly Field[] = [
  ['v', true, isVersion],
  ['kid', true, isKeyId],
  ['c', true, isId],
  ['iat', true, isEpochSeconds],
  ['p', true, isAny],
];
/** Each purpose's fields after the common ones, in the order a signed payload writes them. */
const purposeFields: Record<TokenPurpose, readonly Field[]> = {
  unsubscribe: [
    ['m', false, isId],
    ['t', false, isId],
  ],
  preferences: [
    ['m', false, isId],
    ['t', false, isId],
  ],
  link: [
    ['m', false, isId],
    ['a', false, isLinkAction, writeLinkAction],
    ['u', true, isLinkTarget],
  ],
  confirm: [
    ['t', true, isId],
    ['exp', false, isEpochSeconds],
  ],
  magic: [['exp', true, isEpochSeconds]],
};

/**
 * Checks a payload against its purpose's fields, strictly: answers it rebuilt in field order, or the
 * names of the fields that are wrong (`(root)` for the payload itself or a field it may not have).
 */
const readPayload = (
  input: unknown,
): { ok: true; payload: TokenPayload } | { ok: false; fields: string[] } => {
  if (!isObject(input)) return { ok: false, fields: ['(root)'] };
  const purpose = input.p;
  if (!(tokenPurposes as readonly unknown[]).includes(purpose)) return { ok: false, fields: ['p'] };
  const fields = [...commonFields, ...purposeFields[purpose as TokenPurpose]];
  const payload: Record<string, unknown> = {};
  const wrong: string[] = [];
  for (const [name, required, valid, write] of fields) {
    const value = Object.hasOwn(input, name) ? input[name] : undefined;
    if (value === undefined) {
      if (required) wrong.push(name);
    } else if (!valid(value)) wrong.push(name);
    else payload[name] = write ? write(value) : value;
  }
  const names = new Set(fields.map(([name]) => name));
  if (Object.keys(input).some((key) => !names.has(key))) wrong.push('(root)');
  return wrong.length
    ? { ok: false, fields: wrong }
    : { ok: true, payload: payload as unknown as TokenPayload };
};
export type TokenPayloadFor<P extends TokenPurpose> = Extract<TokenPayload, { p: P }>;

type Claims<P extends TokenPurpose> = Omit<TokenPayloadFor<P>, 'v' | 'kid' | 'iat'>;
/**
 * What a caller signs: the payload without `v`, `kid` and `iat`, which {@link signToken} sets.
 * A magic link's `exp` is optional and defaults to {@link magicLinkTtlSeconds} after issue.
 */
export type TokenClaims = {
  [P in TokenPurpose]: P extends 'magic' ? Omit<Claims<P>, 'exp'> & { exp?: number } : Claims<P>;
}[TokenPurpose];

/**
 * HMAC keys by id, and the id new tokens are signed with. Each secret string itself (as UTF-8) is
 * the HMAC key, whatever encoding it was generated in.
 */
export interface KeySet {
  readonly current: string;
  readonly keys: Readonly<Record<string, string>>;
}

/** The key set could not be parsed. The message names the problem, never a secret. */
export class InvalidKeySetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidKeySetError';
  }
}

/** The claims cannot be signed (invalid, or the token would be too long). A programming error. */
export class TokenSigningError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenSigningError';
  }
}

/**
 * Parses and validates a key set (`SIGNING_KEYS`): `{current, keys: {[kid]: secret}}`, JSON text or
 * an already parsed value. Key ids are 1–32 of `[A-Za-z0-9_-]`; secrets at least 32 characters;
 * `current` must be listed. Throws {@link InvalidKeySetError}.
 */
export const parseKeySet = (input: unknown): KeySet => {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch {
      // JSON.parse quotes the input in its message: never let a secret reach a log.
      throw new InvalidKeySetError('Invalid key set: not valid JSON');
    }
  }
  const problems = isObject(value)
    ? [
        ...Object.keys(value)
          .filter((key) => key !== 'current' && key !== 'keys')
          .map((key) => `${key}: not a field of a key set`),
        ...keySetProblems(value.current, value.keys),
      ]
    : ['(root): not an object'];
  if (problems.length || !isObject(value))
    throw new InvalidKeySetError(`Invalid key set: ${problems.join('; ')}`);
  return Object.freeze({ current: value.current as string, keys: Object.freeze(secretsOf(value.keys)) });
};

/**
 * What is wrong with a key set's `current` and `keys`, by path: key ids are 1–32 of
 * `[A-Za-z0-9_-]`, secrets 32–1024 characters, and `current` must be listed. Never quotes a secret.
 */
export const keySetProblems = (current: unknown, keys: unknown): string[] => {
  const problems: string[] = [];
  if (!isKeyId(current)) problems.push('current: not a key id (1–32 of A-Z, a-z, 0-9, _ and -)');
  if (!isObject(keys)) return [...problems, 'keys: not an object'];
  for (const [kid, secret] of Object.entries(keys)) {
    if (kid === '__proto__') continue;
    if (!isKeyId(kid)) problems.push(`keys.${kid}: not a key id (1–32 of A-Z, a-z, 0-9, _ and -)`);
    else if (!isSecret(secret)) problems.push(`keys.${kid}: not a secret of 32 to 1024 characters`);
  }
  if (!problems.length && !Object.hasOwn(secretsOf(keys), current as string))
    problems.push('(root): current must name a listed key');
  return problems;
};

/** A checked key set's secrets by key id (see {@link keySetProblems}). */
export const secretsOf = (keys: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries(keys as Record<string, string>).filter(([kid]) => kid !== '__proto__'));

const secretFor = (keys: KeySet, kid: string): string | undefined =>
  Object.hasOwn(keys.keys, kid) ? keys.keys[kid] : undefined;

const mac = (secret: string, data: string): string =>
  createHmac('sha256', secret).update(data).digest('base64url');

/**
 * Signs `claims` with the current key. `now` is epoch milliseconds. Claims are validated against
 * the same strict schema verification uses, so a token that would not verify is never issued.
 * Throws {@link TokenSigningError}.
 */
export const signToken = (keys: KeySet, claims: TokenClaims, now: number = Date.now()): string => {
  const secret = secretFor(keys, keys.current);
  if (secret === undefined) throw new TokenSigningError('the current key is not listed');
  const iat = Math.floor(now / 1000);
  const payload: Record<string, unknown> = { ...claims, v: 1, kid: keys.current, iat };
  if (claims.p === 'magic' && claims.exp === undefined) payload.exp = iat + magicLinkTtlSeconds;
  const read = readPayload(payload);
  if (!read.ok) throw new TokenSigningError(`invalid token claims: ${[...new Set(read.fields)].join(', ')}`);
  const body = Buffer.from(JSON.stringify(read.payload)).toString('base64url');
  const token = `${body}.${mac(secret, body)}`;
  if (token.length > maxTokenLength) throw new TokenSigningError('token would exceed the maximum length');
  return token;
};

/**
 * Does a tracked link's token stay within {@link maxTokenLength} whoever receives it? Measured on a
 * token with the longest key id and issue time and the ids this system makes (domain/ids.ts, 26
 * characters), so a mailing that passes never fails to sign for one of its recipients.
 */
export const linkTokenFits = (url: string, action: LinkAction | undefined): boolean => {
  const id = 'x'.repeat(26);
  const payload = { p: 'link', c: id, m: id, ...(action ? { a: action } : {}), u: url };
  const body = Buffer.from(
    JSON.stringify({ ...payload, v: 1, kid: 'x'.repeat(32), iat: 99_999_999_999 }),
  ).toString('base64url');
  return body.length + 1 + 43 <= maxTokenLength; // '.' and a base64url SHA-256 MAC
};

/** Why a token was refused. Enough for logs and metrics; callers show every one the same way. */
export const tokenFailureCodes = [
  'too_long',
  'malformed',
  'unknown_key',
  'bad_signature',
  'invalid_payload',
  'wrong_purpose',
  'expired',
] as const;
export type TokenFailureCode = (typeof tokenFailureCodes)[number];

/** The outcome of {@link verifyToken}: the payload, or only a code saying why not. */
export type TokenVerification<P extends TokenPurpose> =
  | { readonly ok: true; readonly payload: TokenPayloadFor<P> }
  | { readonly ok: false; readonly code: TokenFailureCode };

const fail = (code: TokenFailureCode) => Object.freeze({ ok: false as const, code });
const failures = Object.fromEntries(tokenFailureCodes.map((code) => [code, fail(code)])) as Record<
  TokenFailureCode,
  ReturnType<typeof fail>
>;

// A 32-byte MAC is 43 base64url characters, so a token is `<payload>.<43 characters>`.
const macLength = 43;
const tokenShape = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/;

/**
 * Verifies a token for one purpose. Never throws: returns `{ok: true, payload}` or `{ok: false, code}`.
 * Checks, in order: length, shape, that its key id is still listed, the signature (constant-time),
 * the strict payload schema, the purpose, and expiry. `now` is epoch milliseconds.
 * Give every failure the same answer in a response; the code is for logs and metrics only.
 */
export const verifyToken = <P extends TokenPurpose>(
  keys: KeySet,
  token: unknown,
  purpose: P,
  now: number = Date.now(),
): TokenVerification<P> => {
  if (typeof token !== 'string') return failures.malformed;
  if (token.length > maxTokenLength) return failures.too_long;
  if (!tokenShape.test(token)) return failures.malformed;
  const body = token.slice(0, token.length - macLength - 1);
  const signature = token.slice(token.length - macLength);

  // The key id sits inside the payload, so the payload is decoded once before its signature is
  // checked; it is bounded by maxTokenLength and nothing else is read from it until verified.
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return failures.malformed;
  }
  if (
    typeof decoded !== 'object' ||
    decoded === null ||
    !('kid' in decoded) ||
    typeof decoded.kid !== 'string'
  )
    return failures.malformed;
  const secret = secretFor(keys, decoded.kid);
  if (secret === undefined) return failures.unknown_key;

  // Comparing the base64url text (both exactly 43 ASCII characters, checked above) rather than
  // decoded bytes also rejects non-canonical encodings whose spare bits differ.
  const expected = Buffer.from(mac(secret, body), 'ascii');
  const given = Buffer.from(signature, 'ascii');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return failures.bad_signature;

  const read = readPayload(decoded);
  if (!read.ok) return failures.invalid_payload;
  const payload = read.payload;
  if (payload.p !== purpose) return failures.wrong_purpose;
  if ('exp' in payload && payload.exp !== undefined && Math.floor(now / 1000) >= payload.exp)
    return failures.expired;
  return { ok: true, payload: payload as TokenPayloadFor<P> };
};

/**
 * Keyed one-way fingerprint of an address (HMAC-SHA256, hex) for suppression entries that must
 * outlive erasure: it finds a re-imported address without keeping the address. The `fp:v1:` prefix
 * separates it from token MACs made with the same key (a token's signed part never contains ':').
 * The address is trimmed and lower-cased; pass it already normalised the way contacts are.
 */
export const fingerprintEmail = (normalizedEmail: string, secret: string): string =>
  createHmac('sha256', secret).update(`fp:v1:${normalizedEmail.trim().toLowerCase()}`).digest('hex');

/**
 * Fingerprints of an address under every listed key, the current key first. Fingerprints made
 * with a key that has since been rotated out of `current` still match through these; store new
 * entries with the first one. A key removed from the set stops matching its old entries, so keep
 * a key listed while suppression entries made with it exist.
 */
export const emailFingerprints = (normalizedEmail: string, keys: KeySet): string[] => {
  const kids = [keys.current, ...Object.keys(keys.keys).filter((kid) => kid !== keys.current)];
  const fingerprints: string[] = [];
  for (const kid of kids) {
    const secret = secretFor(keys, kid);
    if (secret !== undefined) fingerprints.push(fingerprintEmail(normalizedEmail, secret));
  }
  return fingerprints;
};
