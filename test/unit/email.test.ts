import { describe, expect, it } from 'vitest';
import { emailKey, isAcceptableEmail, parseEmail } from '#shared/domain/email.ts';
import { isValidEmail } from '#shared/domain/eligibility.ts';

const normalised = (input: string) => {
  const parsed = parseEmail(input);
  if (!parsed.ok) throw new Error(`rejected ${JSON.stringify(input)}: ${parsed.reason}`);
  return parsed.address;
};

describe('e-mail normalisation', () => {
  it('trims, lowercases the domain and keeps the local part as given', () => {
    expect(normalised('  Ada.Lovelace@Example.COM \n')).toEqual({
      email: 'Ada.Lovelace@example.com',
      key: 'ada.lovelace@example.com',
    });
  });

  it('gives every spelling of one address the same key', () => {
    const keys = [
      'Grace@Navy.Example',
      'grace@navy.example',
      'GRACE@NAVY.EXAMPLE',
      ' grace@Navy.example ',
    ].map(emailKey);
    expect(new Set(keys)).toEqual(new Set(['grace@navy.example']));
  });

  it('accepts the usual shapes of real addresses', () => {
    for (const email of [
      'a@b.co',
      'first.last@example.com',
      'first+tag@sub.domain.example.org',
      "o'brien@example.ie",
      'x_y-z=1@example-host.com',
      'bounce@simulator.amazonses.com',
      'user@xn--bcher-kva.example',
      'jörg@bücher.example',
      `${'l'.repeat(64)}@example.com`,
      `a@${'d'.repeat(63)}.${'e'.repeat(63)}.${'f'.repeat(63)}.${'g'.repeat(56)}.com`,
    ]) {
      expect(isAcceptableEmail(email), email).toBe(true);
    }
  });

  it('rejects what cannot be an address, saying why', () => {
    const cases: Array<[string, RegExp]> = [
      ['', /empty/],
      ['   ', /empty/],
      ['plainaddress', /exactly one @/],
      ['a@b@example.com', /exactly one @/],
      ['@example.com', /before the @ is empty/],
      ['user@', /dot/],
      ['user@localhost', /dot/],
      [`${'l'.repeat(65)}@example.com`, /longer than 64/],
      [`a@${'d'.repeat(250)}.com`, /longer than 254/],
      ['with space@example.com', /spaces/],
      ['tab\t@example.com', /spaces/],
      ['nul\u0000@example.com', /control/],
      ['nbsp\u00a0@example.com', /spaces/],
      ['.lead@example.com', /not allowed/],
      ['trail.@example.com', /not allowed/],
      ['dou..ble@example.com', /not allowed/],
      ['"quoted"@example.com', /not allowed/],
      ['comma,in@example.com', /not allowed/],
      ['a@-dash.example', /domain/],
      ['a@dash-.example', /domain/],
      ['a@under_score.example', /domain/],
      ['a@example..com', /domain/],
      ['a@example.com.', /domain/],
      [`a@${'d'.repeat(64)}.com`, /domain/],
    ];
    for (const [input, reason] of cases) {
      const parsed = parseEmail(input);
      expect(parsed.ok, JSON.stringify(input)).toBe(false);
      if (!parsed.ok) expect(parsed.reason, JSON.stringify(input)).toMatch(reason);
      expect(emailKey(input)).toBeUndefined();
    }
  });

  it('never stores an address the eligibility rule would call invalid', () => {
    for (const email of ['a@b.co', 'Ada@Example.COM', 'jörg@bücher.example', 'first+tag@sub.example.org']) {
      expect(isValidEmail(normalised(email).email), email).toBe(true);
    }
  });
});
