import { describe, expect, it } from 'vitest';
import { isStronger } from '#shared/domain/bounce-policy.ts';
import { countsOf, type SesEvent } from '#shared/domain/ses-events.ts';
import { refusedAsSuppressed, sesReasonOf } from '#shared/domain/ses-suppression.ts';

const mail = { timestamp: '2026-03-01T10:00:00.000Z', messageId: 'm1', tags: {} };
const bounce = (bounceSubType: string, bounceType: 'Permanent' | 'Transient' = 'Permanent'): SesEvent => ({
  eventType: 'Bounce',
  mail,
  bounce: {
    bounceType,
    bounceSubType,
    bouncedRecipients: [{ emailAddress: 'a@example.com' }],
    timestamp: mail.timestamp,
    feedbackId: 'f1',
  },
});
const reject = (reason: string): SesEvent => ({ eventType: 'Reject', mail, reject: { reason } });

describe('what SES’s account-level list is told', () => {
  it.each([
    ['hard_bounce', 'BOUNCE'],
    ['soft_bounce', 'BOUNCE'],
    ['complaint', 'COMPLAINT'],
    ['manual', 'COMPLAINT'],
    // Keeps no address, by design; and what came from SES is there already.
    ['erased', undefined],
    ['ses_suppressed', undefined],
  ])('%s → %s', (reason, expected) => {
    expect(sesReasonOf(reason)).toBe(expected);
  });
});

describe('an address SES itself refused as suppressed', () => {
  it.each<[string, SesEvent, boolean]>([
    ['a bounce of subtype OnAccountSuppressionList', bounce('OnAccountSuppressionList'), true],
    ['a general hard bounce', bounce('General'), false],
    ['a global suppression list bounce (a hard bounce)', bounce('Suppressed'), false],
    ['a transient bounce', bounce('MailboxFull', 'Transient'), false],
    ['a Reject naming the suppression list', reject('Address is on the suppression list'), true],
    ['a Reject for content', reject('Bad content'), false],
  ])('%s: %s', (_label, event, expected) => {
    expect(refusedAsSuppressed(event)).toBe(expected);
  });

  it('counts as sent and bounced, never as a hard bounce (SES leaves it out of the bounce rate)', () => {
    expect(countsOf({ s: 'bounced', d: 'Permanent:OnAccountSuppressionList' })).toEqual({
      sent: 1,
      bounced: 1,
    });
    expect(countsOf({ s: 'bounced', d: 'Permanent:General' })).toEqual({
      sent: 1,
      bounced: 1,
      hardBounced: 1,
    });
  });

  it('is as strong a reason as a hard bounce: stronger than erased, weaker than a complaint', () => {
    expect(isStronger('ses_suppressed', 'erased')).toBe(true);
    expect(isStronger('ses_suppressed', 'hard_bounce')).toBe(false);
    expect(isStronger('complaint', 'ses_suppressed')).toBe(true);
  });
});
