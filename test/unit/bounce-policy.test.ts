import { describe, expect, it } from 'vitest';
import {
  afterDelivery,
  type BounceEntry,
  bouncePolicySchema,
  countBounce,
  defaultBouncePolicy,
  defaultReputationLimits,
  isStronger,
  kindOf,
  needsRecords,
  reputationBreach,
} from '#shared/domain/bounce-policy.ts';
import { parseNotification, type SesEvent } from '#shared/domain/ses-events.ts';

const day = 86_400_000;
const base = Date.parse('2026-03-01T00:00:00.000Z');
const iso = (days: number) => new Date(base + days * day).toISOString();

const event = (payload: Record<string, unknown>): SesEvent => {
  const mail = { timestamp: iso(0), messageId: 'm1', tags: {} };
  const parsed = parseNotification(
    JSON.stringify({
      Type: 'Notification',
      MessageId: 'n1',
      TopicArn: 'arn:aws:sns:eu-west-1:1:t',
      Message: JSON.stringify({ mail, ...payload }),
      Timestamp: iso(0),
    }),
  );
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.event;
};
const bounceOf = (bounceType: string) =>
  event({
    eventType: 'Bounce',
    bounce: {
      bounceType,
      bounceSubType: 'General',
      bouncedRecipients: [{ emailAddress: 'a@example.org' }],
      timestamp: iso(0),
      feedbackId: 'f1',
    },
  });
const complaintOf = (complaintFeedbackType?: string) =>
  event({
    eventType: 'Complaint',
    complaint: {
      complainedRecipients: [{ emailAddress: 'a@example.org' }],
      timestamp: iso(0),
      feedbackId: 'f2',
      ...(complaintFeedbackType ? { complaintFeedbackType } : {}),
    },
  });

describe('the bounce policy as data', () => {
  it('defaults to: hard suppresses at 1, soft at 3 within 30 days, a complaint suppresses and withdraws at 1', () => {
    expect(defaultBouncePolicy).toEqual({
      hard: { count: 1, windowDays: 30, action: 'suppress' },
      soft: { count: 3, windowDays: 30, action: 'suppress' },
      complaint: { count: 1, windowDays: 30, action: 'suppress_and_withdraw' },
    });
    expect(bouncePolicySchema().safeParse(defaultBouncePolicy).success).toBe(true);
  });

  it.each([
    ['a complaint that does nothing', { complaint: { count: 1, windowDays: 30, action: 'none' } }],
    ['a count of zero', { soft: { count: 0, windowDays: 30, action: 'suppress' } }],
    ['a fractional window', { soft: { count: 3, windowDays: 1.5, action: 'suppress' } }],
    ['an unknown action', { hard: { count: 1, windowDays: 30, action: 'delete' } }],
    ['an unknown field', { extra: 1 }],
    ['an unknown field in a rule', { hard: { count: 1, windowDays: 30, action: 'suppress', why: 'x' } }],
  ])('refuses %s', (_name, patch) => {
    expect(bouncePolicySchema().safeParse({ ...defaultBouncePolicy, ...patch }).success).toBe(false);
  });

  it('classifies permanent bounces as hard, transient and undetermined ones as soft, and real complaints', () => {
    expect(kindOf(bounceOf('Permanent'))).toBe('hard');
    expect(kindOf(bounceOf('Transient'))).toBe('soft');
    expect(kindOf(bounceOf('Undetermined'))).toBe('soft');
    expect(kindOf(complaintOf('abuse'))).toBe('complaint');
    expect(kindOf(complaintOf())).toBe('complaint');
    expect(kindOf(complaintOf('not-spam'))).toBeUndefined();
  });

  it('needs a record per address only where a rule counts more than one event', () => {
    expect(needsRecords(defaultBouncePolicy, 'hard')).toBe(false);
    expect(needsRecords(defaultBouncePolicy, 'soft')).toBe(true);
    expect(needsRecords(defaultBouncePolicy)).toBe(true);
  });
});

describe('counting soft bounces', () => {
  const count = (entries: BounceEntry[], days: number, key: string) =>
    countBounce(entries, 'soft', iso(days), key, defaultBouncePolicy);

  it('reaches the threshold at the third within 30 days', () => {
    const one = count([], 0, 'e1');
    expect(one).toMatchObject({ count: 1, reached: false, duplicate: false });
    const two = count(one.entries, 10, 'e2');
    expect(two).toMatchObject({ count: 2, reached: false });
    expect(count(two.entries, 20, 'e3')).toMatchObject({ count: 3, reached: true });
  });

  it('does not count bounces older than the window', () => {
    const two = count(count([], 0, 'e1').entries, 10, 'e2');
    expect(count(two.entries, 35, 'e3')).toMatchObject({ count: 2, reached: false });
  });

  it('counts the same event once', () => {
    const one = count([], 0, 'e1');
    const again = count(one.entries, 0, 'e1');
    expect(again).toMatchObject({ duplicate: true, count: 1 });
    expect(again.entries).toEqual(one.entries);
  });

  it('starts over after a successful delivery, but keeps bounces that came after it', () => {
    const two = count(count([], 0, 'e1').entries, 10, 'e2');
    const afterDelivered = afterDelivery(two.entries, iso(5));
    expect(afterDelivered.map((e) => e.e)).toEqual(['e2']);
    expect(count(afterDelivered, 12, 'e3')).toMatchObject({ count: 2, reached: false });
    const complaint: BounceEntry = { k: 'complaint', t: iso(1), e: 'c1' };
    expect(afterDelivery([complaint], iso(5))).toEqual([complaint]);
  });

  it('keeps the record small: only what can still reach a threshold', () => {
    let entries: BounceEntry[] = [];
    for (let i = 0; i < 10; i++) entries = count(entries, i, `e${i}`).entries;
    expect(entries.map((e) => e.e)).toEqual(['e7', 'e8', 'e9']);
  });
});

describe('suppression reasons', () => {
  it('let a complaint replace a bounce, any feedback replace an erasure, and never weaken an entry', () => {
    expect(isStronger('complaint', 'hard_bounce')).toBe(true);
    expect(isStronger('hard_bounce', 'soft_bounce')).toBe(true);
    expect(isStronger('soft_bounce', 'erased')).toBe(true);
    expect(isStronger('hard_bounce', 'complaint')).toBe(false);
    expect(isStronger('hard_bounce', 'manual')).toBe(false);
    expect(isStronger('complaint', 'complaint')).toBe(false);
  });
});

describe('the reputation guard', () => {
  const limits = defaultReputationLimits;

  it('judges nothing before the minimum sample', () => {
    expect(reputationBreach({ sent: 99, hardBounced: 50, complained: 5 }, limits)).toBeUndefined();
  });

  it('pauses when the hard-bounce rate passes 5 % (not at 5 % exactly), and says why', () => {
    expect(reputationBreach({ sent: 200, hardBounced: 10 }, limits)).toBeUndefined();
    expect(reputationBreach({ sent: 200, hardBounced: 11, bounced: 11 }, limits)).toEqual({
      code: 'bounce_rate',
      rate: 0.055,
      limit: 0.05,
      sent: 200,
      count: 11,
    });
  });

  it('counts only hard bounces, as SES does', () => {
    expect(reputationBreach({ sent: 100, bounced: 40, hardBounced: 1 }, limits)).toBeUndefined();
  });

  it('pauses when the complaint rate passes 0.1 %, and looks at complaints first', () => {
    expect(reputationBreach({ sent: 1000, complained: 1 }, limits)).toBeUndefined();
    expect(reputationBreach({ sent: 1000, complained: 2, hardBounced: 100 }, limits)).toMatchObject({
      code: 'complaint_rate',
      rate: 0.002,
    });
  });

  it('takes its minimum sample from the limits', () => {
    expect(reputationBreach({ sent: 10, hardBounced: 1 }, { ...limits, minSent: 10 })).toMatchObject({
      code: 'bounce_rate',
    });
  });
});
