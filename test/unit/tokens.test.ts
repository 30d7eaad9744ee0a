import * as crypto from 'node:crypto';
import { createHmac } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import {
  emailFingerprints,
  fingerprintEmail,
  InvalidKeySetError,
  type KeySet,
  type LinkAction,
  linkActsOnGet,
  magicLinkTtlSeconds,
  maxTokenLength,
  parseKeySet,
  signToken,
  type TokenClaims,
  type TokenPurpose,
  TokenSigningError,
  tokenPurposes,
  verifyToken,
} from '#shared/domain/tokens.ts';

const secret1 = 'k1-secret-0123456789abcdefghijklmnopqrstuv';
const secret2 = 'k2-secret-0123456789abcdefghijklmnopqrstuv';
const k1Only: KeySet = parseKeySet({ current: 'k1', keys: { k1: secret1 } });
const rotated: KeySet = parseKeySet({ current: 'k2', keys: { k1: secret1, k2: secret2 } });
const k2Only: KeySet = parseKeySet({ current: 'k2', keys: { k2: secret2 } });

const contactId = '01hzx3k8q9r2m4n6p8t0v2w4y6';
const otherContactId = '01hzx3k8q9r2m4n6p8t0v2w4y7';
const mailingId = '01hzx3m0a1b2c3d4e5f6g7h8j9';
const typeId = '01hzx3n0a1b2c3d4e5f6g7h8j9';
const now = Date.UTC(2025, 0, 15, 12, 0, 0);
const nowSeconds = now / 1000;
const day = 24 * 60 * 60 * 1000;

const claimsByPurpose: Record<TokenPurpose, TokenClaims> = {
  unsubscribe: { p: 'unsubscribe', c: contactId, m: mailingId, t: typeId },
  preferences: { p: 'preferences', c: contactId, m: mailingId },
  link: {
    p: 'link',
    c: contactId,
    m: mailingId,
    a: { kind: 'add_interest', value: 'Product X' },
    u: 'https://example.com/landing?utm_source=newsletter',
  },
  confirm: { p: 'confirm', c: contactId, t: typeId, exp: nowSeconds + 30 * 24 * 3600 },
  magic: { p: 'magic', c: contactId },
};

const decodePayload = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8'));

/** Signs any payload with a key, bypassing signToken's validation, to test what verify accepts. */
const forge = (payload: unknown, secret = secret1): string => {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
};

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

// The real node:crypto, with timingSafeEqual watched: the signature check must go through it.
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

describe('tokens', () => {
  describe('round trip', () => {
    it.each(tokenPurposes)('verifies a %s token and returns its claims', (purpose) => {
      const claims = claimsByPurpose[purpose];
      const token = signToken(k1Only, claims, now);
      const result = verifyToken(k1Only, token, purpose, now);
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.payload).toMatchObject({ ...claims, v: 1, kid: 'k1', iat: nowSeconds });
      expect(token.length).toBeLessThanOrEqual(maxTokenLength);
      expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    });

    it.each([
      { kind: 'remove_interest', value: 'Product X' },
      { kind: 'subscribe', value: typeId },
      { kind: 'unsubscribe', value: typeId },
    ] as const)('carries the link action $kind', (action) => {
      const token = signToken(
        k1Only,
        { p: 'link', c: contactId, a: action, u: 'http://localhost:3000/x' },
        now,
      );
      const result = verifyToken(k1Only, token, 'link', now);
      expect(result.ok && result.payload.a).toEqual(action);
    });

    it('signs a tracked link without an action', () => {
      const token = signToken(k1Only, { p: 'link', c: contactId, u: 'https://example.com/' }, now);
      expect(verifyToken(k1Only, token, 'link', now).ok).toBe(true);
    });

    it('gives two contacts different tokens', () => {
      const a = signToken(k1Only, { p: 'unsubscribe', c: contactId }, now);
      const b = signToken(k1Only, { p: 'unsubscribe', c: otherContactId }, now);
      expect(a).not.toBe(b);
      expect(a.split('.')[1]).not.toBe(b.split('.')[1]);
    });
  });

  describe('payload', () => {
    it.each(tokenPurposes)('of a %s token holds only opaque ids and numbers, no address', (purpose) => {
      const payload = decodePayload(signToken(k1Only, claimsByPurpose[purpose], now));
      expect(
        Object.keys(payload).every((k) =>
          ['v', 'kid', 'p', 'c', 'm', 't', 'iat', 'exp', 'a', 'u'].includes(k),
        ),
      ).toBe(true);
      expect(JSON.stringify({ ...payload, u: undefined })).not.toContain('@');
    });

    it('refuses to sign claims with an extra field such as an e-mail address', () => {
      const claims = { p: 'unsubscribe', c: contactId, email: 'ada@example.com' } as unknown as TokenClaims;
      expect(() => signToken(k1Only, claims, now)).toThrow(TokenSigningError);
    });

    it('refuses to sign an address in place of a contact id', () => {
      expect(() => signToken(k1Only, { p: 'preferences', c: 'ada@example.com' }, now)).toThrow(
        TokenSigningError,
      );
    });

    it('rejects a correctly signed payload that has an extra field', () => {
      const token = forge({
        v: 1,
        kid: 'k1',
        p: 'unsubscribe',
        c: contactId,
        iat: nowSeconds,
        email: 'a@b.co',
      });
      expect(verifyToken(k1Only, token, 'unsubscribe', now)).toEqual({ ok: false, code: 'invalid_payload' });
    });

    const base = { v: 1, kid: 'k1', c: contactId, iat: nowSeconds };
    it.each<{ name: string; purpose: TokenPurpose; payload: object }>([
      { name: 'an unknown version', purpose: 'unsubscribe', payload: { ...base, v: 2, p: 'unsubscribe' } },
      { name: 'an unknown purpose', purpose: 'unsubscribe', payload: { ...base, p: 'admin' } },
      { name: 'no contact', purpose: 'unsubscribe', payload: { ...base, c: undefined, p: 'unsubscribe' } },
      {
        name: 'an expiry on an unsubscribe token',
        purpose: 'unsubscribe',
        payload: { ...base, p: 'unsubscribe', exp: 2 },
      },
      { name: 'a magic token without expiry', purpose: 'magic', payload: { ...base, p: 'magic' } },
      { name: 'a confirmation without type', purpose: 'confirm', payload: { ...base, p: 'confirm' } },
      {
        name: 'a link to javascript:',
        purpose: 'link',
        payload: { ...base, p: 'link', u: 'javascript:alert(1)' },
      },
    ])('rejects a correctly signed payload with $name', ({ purpose, payload }) => {
      expect(verifyToken(k1Only, forge(payload), purpose, now)).toEqual({
        ok: false,
        code: 'invalid_payload',
      });
    });

    it.each([
      'javascript:alert(1)',
      'ftp://example.com/file',
      '/relative/path',
      'https://bank.example@evil.example/',
      `https://example.com/${'x'.repeat(600)}`,
    ])('refuses to sign a link to %s', (u) => {
      expect(() => signToken(k1Only, { p: 'link', c: contactId, u }, now)).toThrow(TokenSigningError);
    });
  });

  describe('tampering', () => {
    const token = signToken(k1Only, claimsByPurpose.link, now);

    it('rejects every single-character change at every position', () => {
      let attempts = 0;
      for (let i = 0; i < token.length; i++) {
        for (const replacement of `${alphabet}.=+/ `) {
          if (replacement === token[i]) continue;
          const tampered = token.slice(0, i) + replacement + token.slice(i + 1);
          const result = verifyToken(k1Only, tampered, 'link', now);
          if (result.ok) throw new Error(`accepted a change at ${i} to ${replacement}`);
          attempts++;
        }
      }
      expect(attempts).toBeGreaterThan(token.length * 60);
    });

    it('rejects truncation at every length', () => {
      for (let length = 0; length < token.length; length++) {
        expect(verifyToken(k1Only, token.slice(0, length), 'link', now).ok).toBe(false);
      }
    });

    it('rejects extra characters appended', () => {
      expect(verifyToken(k1Only, `${token}A`, 'link', now).ok).toBe(false);
      expect(verifyToken(k1Only, `${token}.`, 'link', now).ok).toBe(false);
    });

    it('rejects a changed payload re-encoded with the old signature', () => {
      const [, signature] = token.split('.');
      const payload = { ...decodePayload(token), c: otherContactId };
      const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
      expect(verifyToken(k1Only, `${body}.${signature}`, 'link', now)).toEqual({
        ok: false,
        code: 'bad_signature',
      });
    });

    it('rejects a token signed with another secret under the same key id', () => {
      const impostor = parseKeySet({ current: 'k1', keys: { k1: secret2 } });
      const forged = signToken(impostor, claimsByPurpose.unsubscribe, now);
      expect(verifyToken(k1Only, forged, 'unsubscribe', now)).toEqual({ ok: false, code: 'bad_signature' });
    });

    it.each([
      ['not a string', undefined],
      ['empty', ''],
      ['no dot', 'abc'],
      ['three parts', `a.b.${'c'.repeat(43)}`],
      ['payload not JSON', `${Buffer.from('not json').toString('base64url')}.${'A'.repeat(43)}`],
      ['payload not an object', forge(42)],
      ['payload without key id', forge({ v: 1, p: 'unsubscribe', c: contactId, iat: 1 })],
    ])('rejects a malformed token: %s', (_name, value) => {
      expect(verifyToken(k1Only, value, 'unsubscribe', now)).toEqual({ ok: false, code: 'malformed' });
    });

    it('rejects an oversized token before doing any work', () => {
      expect(
        verifyToken(k1Only, `${'A'.repeat(maxTokenLength)}.${'A'.repeat(43)}`, 'unsubscribe', now),
      ).toEqual({
        ok: false,
        code: 'too_long',
      });
    });
  });

  describe('purpose and expiry', () => {
    it.each(tokenPurposes)('rejects a %s token offered for another purpose', (purpose) => {
      const token = signToken(k1Only, claimsByPurpose[purpose], now);
      for (const other of tokenPurposes.filter((p) => p !== purpose)) {
        expect(verifyToken(k1Only, token, other, now)).toEqual({ ok: false, code: 'wrong_purpose' });
      }
    });

    it('accepts a magic token within seven days and rejects it after', () => {
      const token = signToken(k1Only, { p: 'magic', c: contactId }, now);
      expect(decodePayload(token).exp).toBe(nowSeconds + magicLinkTtlSeconds);
      expect(verifyToken(k1Only, token, 'magic', now + 7 * day - 1000).ok).toBe(true);
      expect(verifyToken(k1Only, token, 'magic', now + 7 * day)).toEqual({ ok: false, code: 'expired' });
    });

    it('honours an explicit magic expiry', () => {
      const token = signToken(k1Only, { p: 'magic', c: contactId, exp: nowSeconds + 60 }, now);
      expect(verifyToken(k1Only, token, 'magic', now + 59_000).ok).toBe(true);
      expect(verifyToken(k1Only, token, 'magic', now + 61_000)).toEqual({ ok: false, code: 'expired' });
    });

    it('rejects an expired confirmation token', () => {
      const token = signToken(k1Only, { p: 'confirm', c: contactId, t: typeId, exp: nowSeconds + 3600 }, now);
      expect(verifyToken(k1Only, token, 'confirm', now + 2 * 3600 * 1000)).toEqual({
        ok: false,
        code: 'expired',
      });
    });

    it.each(['unsubscribe', 'preferences'] as const)('never expires a %s token', (purpose) => {
      const token = signToken(k1Only, claimsByPurpose[purpose], now);
      expect(verifyToken(k1Only, token, purpose, now + 20 * 365 * day).ok).toBe(true);
    });
  });

  describe('key rotation', () => {
    const oldToken = signToken(k1Only, claimsByPurpose.unsubscribe, now);

    it('signs new tokens with the current key', () => {
      expect(decodePayload(signToken(rotated, claimsByPurpose.unsubscribe, now)).kid).toBe('k2');
    });

    it('still verifies a k1 token after rotating to k2 while k1 is listed', () => {
      expect(verifyToken(rotated, oldToken, 'unsubscribe', now).ok).toBe(true);
    });

    it('rejects a k1 token once k1 is removed', () => {
      expect(verifyToken(k2Only, oldToken, 'unsubscribe', now)).toEqual({ ok: false, code: 'unknown_key' });
    });

    it.each(['__proto__', 'constructor', 'toString'])('does not find key id %s on the prototype', (kid) => {
      const token = forge({ v: 1, kid, p: 'unsubscribe', c: contactId, iat: nowSeconds });
      expect(verifyToken(k1Only, token, 'unsubscribe', now)).toEqual({ ok: false, code: 'unknown_key' });
    });
  });
});

describe('key sets', () => {
  it('parses JSON text and objects alike', () => {
    const json = JSON.stringify({ current: 'k2', keys: { k1: secret1, k2: secret2 } });
    expect(parseKeySet(json)).toEqual(rotated);
  });

  it('accepts a base64url encoding of 32 random bytes (the local stack format)', () => {
    const key = Buffer.alloc(32, 7).toString('base64url');
    expect(parseKeySet({ current: 'local1', keys: { local1: key } }).current).toBe('local1');
  });

  it.each([
    ['a current key that is not listed', { current: 'k3', keys: { k1: secret1 } }],
    ['a short secret', { current: 'k1', keys: { k1: 'short' } }],
    ['no keys', { current: 'k1', keys: {} }],
    ['a bad key id', { current: 'k 1', keys: { 'k 1': secret1 } }],
    ['extra fields', { current: 'k1', keys: { k1: secret1 }, note: 'x' }],
    ['not an object', 'k1'],
  ])('rejects %s', (_name, input) => {
    expect(() => parseKeySet(input)).toThrow(InvalidKeySetError);
  });

  it('never puts a secret in its error message', () => {
    const broken = `{"current":"k1","keys":{"k1":"${secret1}"`;
    expect(() => parseKeySet(broken)).toThrow(InvalidKeySetError);
    try {
      parseKeySet(broken);
    } catch (error) {
      expect(String(error)).not.toContain(secret1);
    }
  });
});

describe('e-mail fingerprints', () => {
  const email = 'ada@example.com';

  it('is stable', () => {
    expect(fingerprintEmail(email, secret1)).toBe(fingerprintEmail(email, secret1));
    expect(fingerprintEmail(email, secret1)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('differs per key and per address', () => {
    expect(fingerprintEmail(email, secret1)).not.toBe(fingerprintEmail(email, secret2));
    expect(fingerprintEmail(email, secret1)).not.toBe(fingerprintEmail('bob@example.com', secret1));
  });

  it('ignores case and surrounding space', () => {
    expect(fingerprintEmail(' Ada@Example.COM ', secret1)).toBe(fingerprintEmail(email, secret1));
  });

  it('does not contain the address or its parts', () => {
    const fingerprint = fingerprintEmail(email, secret1);
    for (const part of [email, 'ada', 'example']) expect(fingerprint).not.toContain(part);
  });

  it('is domain-separated from a plain HMAC of the address', () => {
    const plain = createHmac('sha256', secret1).update(email).digest('hex');
    expect(fingerprintEmail(email, secret1)).not.toBe(plain);
  });

  it('lists one fingerprint per listed key, the current key first', () => {
    expect(emailFingerprints(email, rotated)).toEqual([
      fingerprintEmail(email, secret2),
      fingerprintEmail(email, secret1),
    ]);
  });
});

describe('forged tokens', () => {
  const a = signToken(k1Only, { p: 'unsubscribe', c: contactId, m: mailingId, t: typeId }, now);
  const b = signToken(k1Only, { p: 'unsubscribe', c: otherContactId, m: mailingId, t: typeId }, now);
  const [aPayload, aSignature] = a.split('.');
  const [bPayload, bSignature] = b.split('.');

  it('refuses a payload carrying the signature of another contact’s token, both ways', () => {
    expect(verifyToken(k1Only, `${aPayload}.${bSignature}`, 'unsubscribe', now)).toEqual({
      ok: false,
      code: 'bad_signature',
    });
    expect(verifyToken(k1Only, `${bPayload}.${aSignature}`, 'unsubscribe', now)).toEqual({
      ok: false,
      code: 'bad_signature',
    });
  });

  it('refuses 1000 random tokens of the right shape (seeded)', () => {
    let state = 42;
    const next = () => {
      state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
      return alphabet[state % 64] as string;
    };
    let accepted = 0;
    for (let i = 0; i < 1000; i++) {
      const payload = Buffer.from(
        JSON.stringify({ v: 1, kid: 'k1', p: 'unsubscribe', c: contactId, iat: i }),
      ).toString('base64url');
      const signature = Array.from({ length: 43 }, next).join('');
      if (verifyToken(k1Only, `${payload}.${signature}`, 'unsubscribe', now).ok) accepted++;
    }
    expect(accepted).toBe(0);
  });

  it('compares signatures in constant time: through timingSafeEqual, on equal-length buffers', () => {
    const watched = vi.mocked(crypto.timingSafeEqual);
    watched.mockClear();
    // Wrong in the first character and wrong in the last: both reach the constant-time comparison.
    for (const forged of [
      `${aPayload}.${aSignature?.[0] === 'A' ? 'B' : 'A'}${aSignature?.slice(1)}`,
      `${aPayload}.${aSignature?.slice(0, -1)}${aSignature?.endsWith('A') ? 'B' : 'A'}`,
    ])
      expect(verifyToken(k1Only, forged, 'unsubscribe', now)).toEqual({ ok: false, code: 'bad_signature' });
    expect(verifyToken(k1Only, a, 'unsubscribe', now).ok).toBe(true);
    expect(watched).toHaveBeenCalledTimes(3);
    for (const [given, expected] of watched.mock.calls)
      expect((given as Buffer).length).toBe((expected as Buffer).length);
  });
});

describe('tracked-link actions on a GET', () => {
  // Scanners fetch every link of a mail: only what is not a matter of consent may happen on a GET.
  const cases: Array<[string, boolean, LinkAction | undefined]> = [
    ['no action (a plain redirect)', true, undefined],
    ['add an interest', true, { kind: 'add_interest', value: 'shoes' }],
    ['remove an interest', true, { kind: 'remove_interest', value: 'shoes' }],
    ['subscribe a type', false, { kind: 'subscribe', value: typeId }],
    ['unsubscribe a type', false, { kind: 'unsubscribe', value: typeId }],
  ];
  it.each(cases)('%s: applies on a GET: %s', (_name, onGet, action) => {
    expect(linkActsOnGet(action)).toBe(onGet);
  });
});
