import { describe, expect, it } from 'vitest';
import {
  type EligibilityContact,
  type EligibilityReason,
  type EligibilitySuppression,
  eligibilityReasons,
  evaluate,
  isValidEmail,
  reasonsExcluded,
  reasonsIncluded,
  subscriptionStatusFor,
} from '#shared/domain/eligibility.ts';

const typeId = 'type-newsletter';
const good: EligibilityContact = {
  email: 'ada@example.com',
  consent: 'granted',
  subscriptionStatus: 'subscribed',
};
const hardBounce: EligibilitySuppression = { reason: 'hard_bounce' };

interface Case {
  name: string;
  privacy?: boolean;
  override?: boolean;
  contact?: Partial<EligibilityContact>;
  suppression?: EligibilitySuppression;
  reason: EligibilityReason;
}

const run = (c: Case) =>
  evaluate(
    { typeId, overrideConsent: c.override ?? false },
    c.privacy ?? true,
    { ...good, ...c.contact },
    c.suppression,
  );

const cases: Case[] = [
  // every reason on its own
  { name: 'subscribed with consent', reason: 'eligible' },
  { name: 'missing address', contact: { email: undefined }, reason: 'invalid_email' },
  { name: 'null address', contact: { email: null }, reason: 'invalid_email' },
  { name: 'address without @', contact: { email: 'ada.example.com' }, reason: 'invalid_email' },
  { name: 'suppressed address', suppression: hardBounce, reason: 'suppressed' },
  { name: 'privacy filter off', privacy: false, reason: 'privacy_off' },
  { name: 'consent override', override: true, reason: 'override' },
  { name: 'consent withdrawn', contact: { consent: 'withdrawn' }, reason: 'no_consent' },
  { name: 'consent never given', contact: { consent: 'none' }, reason: 'no_consent' },
  {
    name: 'unsubscribed from the type',
    contact: { subscriptionStatus: 'unsubscribed' },
    reason: 'unsubscribed',
  },
  { name: 'never asked', contact: { subscriptionStatus: undefined }, reason: 'not_subscribed' },
  { name: 'double opt-in pending', contact: { subscriptionStatus: 'pending' }, reason: 'not_subscribed' },

  // invalid_email beats everything
  {
    name: 'invalid beats suppressed',
    contact: { email: 'x' },
    suppression: hardBounce,
    reason: 'invalid_email',
  },
  { name: 'invalid beats privacy_off', contact: { email: '' }, privacy: false, reason: 'invalid_email' },
  { name: 'invalid beats override', contact: { email: 'a b@c.de' }, override: true, reason: 'invalid_email' },
  {
    name: 'invalid beats no_consent',
    contact: { email: 'a@b', consent: 'withdrawn' },
    reason: 'invalid_email',
  },

  // suppressed beats every inclusion and every later exclusion
  { name: 'suppressed beats privacy_off', suppression: hardBounce, privacy: false, reason: 'suppressed' },
  {
    name: 'suppressed beats override',
    suppression: { reason: 'complaint' },
    override: true,
    reason: 'suppressed',
  },
  {
    name: 'suppressed beats privacy_off and override together',
    suppression: { reason: 'erased' },
    privacy: false,
    override: true,
    reason: 'suppressed',
  },
  {
    name: 'suppressed beats no_consent',
    suppression: { reason: 'manual' },
    contact: { consent: 'withdrawn' },
    reason: 'suppressed',
  },
  {
    name: 'suppressed beats unsubscribed',
    suppression: hardBounce,
    contact: { subscriptionStatus: 'unsubscribed' },
    reason: 'suppressed',
  },

  // privacy off beats the override and everything consent- or subscription-related
  { name: 'privacy_off beats override', privacy: false, override: true, reason: 'privacy_off' },
  {
    name: 'privacy_off beats no_consent',
    privacy: false,
    contact: { consent: 'none' },
    reason: 'privacy_off',
  },
  {
    name: 'privacy_off beats unsubscribed',
    privacy: false,
    contact: { subscriptionStatus: 'unsubscribed' },
    reason: 'privacy_off',
  },
  {
    name: 'privacy_off beats not_subscribed',
    privacy: false,
    contact: { subscriptionStatus: undefined },
    reason: 'privacy_off',
  },

  // the override beats consent and subscription, not suppression
  {
    name: 'override beats no_consent',
    override: true,
    contact: { consent: 'withdrawn' },
    reason: 'override',
  },
  {
    name: 'override beats unsubscribed',
    override: true,
    contact: { subscriptionStatus: 'unsubscribed' },
    reason: 'override',
  },
  {
    name: 'override beats not_subscribed',
    override: true,
    contact: { subscriptionStatus: undefined },
    reason: 'override',
  },
  {
    name: 'override beats pending',
    override: true,
    contact: { subscriptionStatus: 'pending' },
    reason: 'override',
  },
  {
    name: 'override is reported even for an eligible contact',
    override: true,
    reason: 'override',
  },

  // consent before subscription
  {
    name: 'no_consent beats unsubscribed',
    contact: { consent: 'withdrawn', subscriptionStatus: 'unsubscribed' },
    reason: 'no_consent',
  },
  {
    name: 'no_consent beats not_subscribed',
    contact: { consent: 'none', subscriptionStatus: undefined },
    reason: 'no_consent',
  },
  {
    name: 'no_consent beats pending',
    contact: { consent: 'none', subscriptionStatus: 'pending' },
    reason: 'no_consent',
  },
];

describe('eligibility rule', () => {
  it.each(cases)('$name → $reason', (c) => {
    const result = run(c);
    expect(result.reason).toBe(c.reason);
    expect(result.verdict).toBe(
      (reasonsIncluded as readonly string[]).includes(c.reason) ? 'included' : 'excluded',
    );
  });

  it('covers every reason in the table', () => {
    expect(new Set(cases.map((c) => c.reason))).toEqual(new Set(eligibilityReasons));
  });

  it('splits the reasons into included and excluded without overlap', () => {
    expect([...reasonsIncluded, ...reasonsExcluded].sort()).toEqual([...eligibilityReasons].sort());
  });

  it.each(['hard_bounce', 'soft_bounce', 'complaint', 'manual', 'erased'])(
    'carries the suppression reason %s',
    (reason) => {
      expect(run({ name: '', suppression: { reason }, reason: 'suppressed' })).toEqual({
        verdict: 'excluded',
        reason: 'suppressed',
        suppressionReason: reason,
      });
    },
  );

  it('ignores the type id: the contact carries the status for the mailing type', () => {
    const a = evaluate({ typeId: 'a', overrideConsent: false }, true, good, undefined);
    const b = evaluate({ typeId: 'b', overrideConsent: false }, true, good, undefined);
    expect(a).toBe(b);
  });
});

describe('eligibility results', () => {
  it('are frozen constants shared between calls', () => {
    for (const c of cases) {
      const first = run(c);
      expect(Object.isFrozen(first)).toBe(true);
      expect(run(c)).toBe(first);
    }
  });

  it('reuse one object per suppression reason', () => {
    const first = run({ name: '', suppression: { reason: 'complaint' }, reason: 'suppressed' });
    expect(run({ name: '', suppression: { reason: 'complaint' }, reason: 'suppressed' })).toBe(first);
  });

  it('stay correct for many distinct suppression reasons', () => {
    for (let i = 0; i < 200; i++) {
      const result = run({ name: '', suppression: { reason: `r${i}` }, reason: 'suppressed' });
      expect(result).toEqual({ verdict: 'excluded', reason: 'suppressed', suppressionReason: `r${i}` });
    }
  });
});

describe('e-mail validity check', () => {
  it.each([
    'ada@example.com',
    'a@b.co',
    'first.last+tag@sub.example.org',
    'bounce@simulator.amazonses.com',
    'üser@exämple.de',
    `${'a'.repeat(64)}@example.com`,
    `a@${'b'.repeat(240)}.com`,
  ])('accepts %s', (email) => {
    expect(isValidEmail(email)).toBe(true);
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['empty', ''],
    ['no @', 'ada.example.com'],
    ['two @', 'ada@lovelace@example.com'],
    ['empty local part', '@example.com'],
    ['local part over 64', `${'a'.repeat(65)}@example.com`],
    ['no dot in domain', 'ada@localhost'],
    ['empty domain', 'ada@'],
    ['domain starting with a dot', 'ada@.example.com'],
    ['domain ending with a dot', 'ada@example.com.'],
    ['empty domain label', 'ada@example..com'],
    ['space', 'ada @example.com'],
    ['tab', 'ada@exam\tple.com'],
    ['newline', 'ada@example.com\n'],
    ['NUL', 'ada\u0000@example.com'],
    ['DEL', 'ada\u007f@example.com'],
    ['no-break space', 'ada\u00a0@example.com'],
    ['line separator', 'ada@example.com\u2028'],
    ['over 254 characters', `a@${'b'.repeat(249)}.com`],
  ])('rejects %s', (_name, email) => {
    expect(isValidEmail(email)).toBe(false);
  });
});

describe('subscription status lookup', () => {
  const subscriptions = { t1: { status: 'subscribed' as const }, t2: { status: 'pending' as const } };

  it('reads the status of the type', () => {
    expect(subscriptionStatusFor(subscriptions, 't1')).toBe('subscribed');
    expect(subscriptionStatusFor(subscriptions, 't2')).toBe('pending');
  });

  it('treats an absent type or map as never asked', () => {
    expect(subscriptionStatusFor(subscriptions, 't3')).toBeUndefined();
    expect(subscriptionStatusFor(undefined, 't1')).toBeUndefined();
  });

  it('does not read inherited properties', () => {
    expect(subscriptionStatusFor(subscriptions, 'constructor')).toBeUndefined();
    expect(subscriptionStatusFor(subscriptions, '__proto__')).toBeUndefined();
  });
});
