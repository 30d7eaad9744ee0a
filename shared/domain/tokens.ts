/**
 * Signed tokens for the hosted pages (unsubscribe, preferences, tracked links, double opt-in
 * confirmation, magic links), and keyed fingerprints of erased addresses.
 *
 * A token is `base64url(payload JSON) + '.' + base64url(HMAC-SHA256(key, first part))`. The payload
 * names the key id (`kid`) it was signed with, so keys rotate without breaking old links: a token
 * verifies as long as its key is still listed. Payloads hold opaque ids only, never an address or
 * other personal data; the schemas are strict, so a payload with any extra field is rejected.
 *
 * Wire fields: `v` version (1), `kid` key id, `p` purpose, `c` contact id, `m` mailing id,
 * `t` subscription type id, `iat` issued-at and `exp` expiry (epoch seconds), `a` a tracked link's
 * action, `u` a tracked link's target URL.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod/mini';

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

/**
 * The token schemas, built on first use rather than at module load: a function that only reads a
 * constant of this module neither builds them at cold start nor carries their kinds in its bundle.
 */
const buildSchemas = () => {
  // Opaque ids: no '@' or '.', so an address cannot be smuggled into an id field.
  const id = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/));
  const keyId = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,32}$/));
  const epochSeconds = z.number().check(z.int(), z.minimum(0), z.maximum(1e11));
  // Interest tags are free text chosen by marketers, but never control characters.
  const interestTag = z.string().check(z.minLength(1), z.maxLength(100), z.regex(/^\P{Cc}+$/u));

  const linkAction = z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.enum(['add_interest', 'remove_interest']), value: interestTag }),
    z.strictObject({ kind: z.enum(['subscribe', 'unsubscribe']), value: id }),
  ]);

  const common = { v: z.literal(1), kid: keyId, c: id, iat: epochSeconds };
  const payload = z.discriminatedUnion('p', [
    // From a mailing's List-Unsubscribe header and footer; never expires (CAN-SPAM, RFC 8058).
    z.strictObject({ ...common, p: z.literal('unsubscribe'), m: z.optional(id), t: z.optional(id) }),
    // The preference page reached from a mailing; never expires.
    z.strictObject({ ...common, p: z.literal('preferences'), m: z.optional(id), t: z.optional(id) }),
    // The target is signed in, so the redirect cannot be pointed elsewhere (no open redirect).
    z.strictObject({
      ...common,
      p: z.literal('link'),
      m: z.optional(id),
      a: z.optional(linkAction),
      u: z.string().check(z.maxLength(maxLinkTargetLength), z.refine(isHttpUrl)),
    }),
    // Double opt-in confirmation of one subscription type.
    z.strictObject({ ...common, p: z.literal('confirm'), t: id, exp: z.optional(epochSeconds) }),
    // Preference access sent on request ("manage your subscriptions"); always expires.
    z.strictObject({ ...common, p: z.literal('magic'), exp: epochSeconds }),
  ]);

  const keySet = z
    .strictObject({
      current: keyId,
      // 32 characters at least: a base64 or base64url encoding of 32 random bytes (43–44 characters)
      // passes, and so does any other string at least that long.
      keys: z.record(keyId, z.string().check(z.minLength(32), z.maxLength(1024))),
    })
    .check(
      z.refine((set) => Object.hasOwn(set.keys, set.current), { message: 'current must name a listed key' }),
    );

  return { linkAction, payload, keySet };
};
type Schemas = ReturnType<typeof buildSchemas>;
let built: Schemas | undefined;
const schemas = (): Schemas => {
  built ??= buildSchemas();
  return built;
};

/** What a tracked link does on click, as signed into its token and declared on a mailing. */
export const linkActionSchema = (): Schemas['linkAction'] => schemas().linkAction;
export type LinkAction = z.infer<Schemas['linkAction']>;

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

/** Every valid payload, by purpose. Strict: unknown fields (an e-mail address, say) are rejected. */
export const tokenPayloadSchema = (): Schemas['payload'] => schemas().payload;
export type TokenPayload = z.infer<Schemas['payload']>;
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
  const parsed = schemas().keySet.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new InvalidKeySetError(`Invalid key set: ${problems.join('; ')}`);
  }
  return Object.freeze({ current: parsed.data.current, keys: Object.freeze({ ...parsed.data.keys }) });
};

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
  const parsed = schemas().payload.safeParse(payload);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => i.path.join('.') || '(root)');
    throw new TokenSigningError(`invalid token claims: ${[...new Set(fields)].join(', ')}`);
  }
  const body = Buffer.from(JSON.stringify(parsed.data)).toString('base64url');
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

  const parsed = schemas().payload.safeParse(decoded);
  if (!parsed.success) return failures.invalid_payload;
  const payload = parsed.data;
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
