import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseSigningKeys } from '#shared/adapters/secrets/signing-keys.ts';
import { fingerprintEmail } from '#shared/domain/tokens.ts';

const k1 = 'k1-secret-0123456789abcdefghijklmnopqrstuvwxyz';
const k2 = 'k2-secret-0123456789abcdefghijklmnopqrstuvwxyz';
const fp = 'fp-secret-0123456789abcdefghijklmnopqrstuvwxyz';

describe('signing keys', () => {
  it('uses the fingerprint key when the set has one, so rotating current keeps fingerprints', () => {
    const before = parseSigningKeys(JSON.stringify({ current: 'k1', keys: { k1 }, fingerprint: fp }));
    const after = parseSigningKeys(JSON.stringify({ current: 'k2', keys: { k1, k2 }, fingerprint: fp }));
    expect(before.fingerprintKey).toBe(fp);
    expect(after.fingerprintKey).toBe(fp);
  });

  it('derives the fingerprint key from the current key otherwise (which rotation would change)', () => {
    const set = parseSigningKeys(JSON.stringify({ current: 'k1', keys: { k1, k2 } }));
    expect(set.fingerprintKey).toBe(createHmac('sha256', k1).update('fingerprint-v1').digest('base64url'));
    const rotated = parseSigningKeys(JSON.stringify({ current: 'k2', keys: { k1, k2 } }));
    expect(rotated.fingerprintKey).not.toBe(set.fingerprintKey);
  });

  it('reads the CDK-generated form with the key beside current', () => {
    const set = parseSigningKeys(JSON.stringify({ current: 'k1', k1 }));
    expect(set.keys).toEqual({ k1 });
    expect(set.current).toBe('k1');
  });

  it('refuses broken sets without quoting a secret', () => {
    for (const text of [
      'not json',
      JSON.stringify({ current: 'k9', keys: { k1 } }),
      JSON.stringify({ current: 'k1', keys: { k1: 'short' } }),
      JSON.stringify({ current: 'k1', keys: { k1 }, fingerprint: 'short' }),
    ]) {
      expect(() => parseSigningKeys(text)).toThrow(/Invalid signing keys/);
      try {
        parseSigningKeys(text);
      } catch (error) {
        expect((error as Error).message).not.toContain(k1);
      }
    }
  });

  it('fingerprints an address as HMAC-SHA256(fingerprint key, "fp:v1:" + lowercased address), hex', () => {
    const expected = createHmac('sha256', fp).update('fp:v1:ada@example.com').digest('hex');
    expect(fingerprintEmail('ada@example.com', fp)).toBe(expected);
    expect(fingerprintEmail('Ada@Example.com', fp)).toBe(expected);
  });
});
