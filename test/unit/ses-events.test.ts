import { describe, expect, it } from 'vitest';
import { simulateEvents } from '#infra/local/ses-simulator.ts';
import {
  addressesOf,
  addTransition,
  countsOf,
  eventKey,
  eventTime,
  isComplaint,
  parseNotification,
  priorityOf,
  type RowState,
  rowAfter,
  type SesEvent,
  tagOf,
} from '#shared/domain/ses-events.ts';

const at = '2026-03-01T10:00:00.000Z';
const mail = {
  timestamp: at,
  source: 'news@sc.example',
  sourceArn: 'arn:aws:ses:eu-west-1:123456789012:identity/sc.example',
  sendingAccountId: '123456789012',
  messageId: '0102018e-msg',
  destination: ['ada@example.com'],
  headersTruncated: false,
  commonHeaders: { from: ['news@sc.example'], to: ['ada@example.com'], subject: 'Hi' },
  tags: {
    mailingId: ['01hmailing'],
    contactId: ['01hcontact'],
    chunkId: ['t00.000000.s000'],
    'ses:configuration-set': ['subscription-center-dev'],
  },
};

/** The SES event-publishing JSON of each type, as the configuration set publishes it. */
const samples: Record<SesEvent['eventType'], Record<string, unknown>> = {
  Send: { eventType: 'Send', mail, send: {} },
  Delivery: {
    eventType: 'Delivery',
    mail,
    delivery: {
      timestamp: '2026-03-01T10:00:02.000Z',
      processingTimeMillis: 2000,
      recipients: ['ada@example.com'],
      smtpResponse: '250 2.6.0 Message received',
      reportingMTA: 'a8-70.smtp-out.amazonses.com',
    },
  },
  Bounce: {
    eventType: 'Bounce',
    mail,
    bounce: {
      bounceType: 'Permanent',
      bounceSubType: 'General',
      bouncedRecipients: [
        { emailAddress: 'ada@example.com', action: 'failed', status: '5.1.1', diagnosticCode: 'smtp; 550' },
      ],
      timestamp: '2026-03-01T10:00:03.000Z',
      feedbackId: '0102018e-bounce',
      reportingMTA: 'dsn; a8-70.smtp-out.amazonses.com',
    },
  },
  Complaint: {
    eventType: 'Complaint',
    mail,
    complaint: {
      complainedRecipients: [{ emailAddress: 'ada@example.com' }],
      timestamp: '2026-03-02T08:00:00.000Z',
      feedbackId: '0102018e-complaint',
      complaintSubType: null,
      userAgent: 'Mozilla/5.0',
      complaintFeedbackType: 'abuse',
      arrivalDate: '2026-03-02T07:59:00.000Z',
    },
  },
  Reject: { eventType: 'Reject', mail, reject: { reason: 'Bad content' } },
  DeliveryDelay: {
    eventType: 'DeliveryDelay',
    mail,
    deliveryDelay: {
      timestamp: '2026-03-01T10:30:00.000Z',
      delayType: 'MailboxFull',
      expirationTime: '2026-03-01T22:00:00.000Z',
      delayedRecipients: [{ emailAddress: 'ada@example.com', status: '4.2.2', diagnosticCode: 'smtp; 452' }],
    },
  },
  'Rendering Failure': {
    eventType: 'Rendering Failure',
    mail,
    failure: { errorMessage: "Attribute 'name' is not present in the rendering data.", templateName: 'x' },
  },
};

const wrap = (payload: unknown) =>
  JSON.stringify({
    Type: 'Notification',
    MessageId: 'sns-1',
    TopicArn: 'arn:aws:sns:eu-west-1:123456789012:ses-events',
    Message: typeof payload === 'string' ? payload : JSON.stringify(payload),
    Timestamp: at,
    SignatureVersion: '1',
    Signature: 'sig',
  });

const parse = (payload: unknown): SesEvent => {
  const parsed = parseNotification(wrap(payload));
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.event;
};

describe('parsing SES events inside the SNS envelope', () => {
  it.each(Object.keys(samples))('parses a %s event', (type) => {
    const parsed = parseNotification(wrap(samples[type as SesEvent['eventType']]));
    expect(parsed).toMatchObject({ ok: true, snsMessageId: 'sns-1', event: { eventType: type } });
  });

  it('reads the tags, the time, the addresses and a key of the event itself', () => {
    const bounce = parse(samples.Bounce);
    expect(tagOf(bounce, 'mailingId')).toBe('01hmailing');
    expect(tagOf(bounce, 'chunkId')).toBe('t00.000000.s000');
    expect(tagOf(bounce, 'missing')).toBeUndefined();
    expect(eventTime(bounce)).toBe('2026-03-01T10:00:03.000Z');
    expect(addressesOf(bounce)).toEqual(['ada@example.com']);
    expect(eventKey(bounce)).toBe('Bounce:0102018e-bounce:0102018e-msg');
    expect(eventKey(parse(samples.Delivery))).toBe('Delivery:0102018e-msg');
    expect(eventKey(parse(samples['Rendering Failure']))).toBe('RenderingFailure:0102018e-msg');
    expect(eventTime(parse(samples.Send))).toBe(at);
  });

  it('parses what the local mailbox simulator publishes, for every simulator address', () => {
    for (const local of ['success', 'bounce', 'complaint', 'suppressionlist', 'ooto']) {
      const bodies = simulateEvents({
        messageId: 'local-1',
        from: 'news@sc.example',
        to: `${local}@simulator.amazonses.com`,
        tags: { mailingId: 'm', contactId: 'c', chunkId: 'k' },
      });
      for (const body of bodies) expect(parseNotification(body), local).toMatchObject({ ok: true });
    }
  });

  it('accepts fields SES may add, and a complaint without a feedback type', () => {
    const complaint = structuredClone(samples.Complaint) as { complaint: Record<string, unknown> };
    delete complaint.complaint.complaintFeedbackType;
    Object.assign(complaint, { futureField: { x: 1 } });
    const event = parse(complaint);
    expect(isComplaint(event)).toBe(true);
  });

  it.each([
    ['a body that is not JSON', 'not json', /not an SNS notification/],
    ['a subscription confirmation', JSON.stringify({ Type: 'SubscriptionConfirmation' }), /Type/],
    ['an SNS message that is not JSON', wrap('{oops'), /not a JSON object/],
    [
      'an event type the configuration set does not publish',
      wrap({ eventType: 'Open', mail }),
      /unknown eventType: Open/,
    ],
    ['an identity notification', wrap({ notificationType: 'Bounce', mail }), /identity notification/],
    [
      'a bounce without a feedback id',
      wrap({ ...samples.Bounce, bounce: { ...(samples.Bounce.bounce as object), feedbackId: undefined } }),
      /Bounce event: bounce\.feedbackId/,
    ],
    [
      'a bounce of an unknown type',
      wrap({ ...samples.Bounce, bounce: { ...(samples.Bounce.bounce as object), bounceType: 'Soft' } }),
      /bounceType/,
    ],
    [
      'a delivery without recipients',
      wrap({ ...samples.Delivery, delivery: { timestamp: at, recipients: [] } }),
      /recipients/,
    ],
    ['an event without its mail', wrap({ eventType: 'Send', send: {} }), /mail/],
  ])('refuses %s, saying why', (_name, body, reason) => {
    const parsed = parseNotification(body);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });

  it('never puts an address into the reason', () => {
    const bad = {
      ...samples.Bounce,
      bounce: { ...(samples.Bounce.bounce as object), timestamp: 'ada@example.com' },
    };
    const parsed = parseNotification(wrap(bad));
    expect(parsed.ok).toBe(false);
    expect(JSON.stringify(parsed)).not.toContain('ada@');
    const odd = parseNotification(wrap({ eventType: 'ada@example.com', mail }));
    expect(JSON.stringify(odd)).not.toContain('ada@');
  });

  it('handles complaints first, then bounces, then the rest', () => {
    const order = Object.values(samples)
      .map((s) => parse(s))
      .sort((a, b) => priorityOf(a) - priorityOf(b))
      .map((e) => e.eventType);
    expect(order.slice(0, 2)).toEqual(['Complaint', 'Bounce']);
    expect(order.at(-1)).toBe('DeliveryDelay');
  });
});

describe('recipient status after an event', () => {
  const event = (type: SesEvent['eventType'], patch: Record<string, unknown> = {}) => {
    const sample = structuredClone(samples[type]);
    const key = Object.keys(sample).find((k) => k !== 'eventType' && k !== 'mail') as string;
    return parse({ ...sample, [key]: { ...(sample[key] as object), ...patch } });
  };
  const sent: RowState = { s: 'sent' };
  const unknown: RowState = { s: 'failed', d: 'outcome_unknown' };

  it.each([
    ['sent', sent, 'Delivery', { s: 'delivered' }],
    ['sent', sent, 'Bounce', { s: 'bounced', d: 'Permanent:General' }],
    ['delivered', { s: 'delivered' }, 'Bounce', { s: 'bounced', d: 'Permanent:General' }],
    ['delivered', { s: 'delivered' }, 'Complaint', { s: 'complained', d: 'abuse' }],
    ['bounced', { s: 'bounced', d: 'Permanent:General' }, 'Complaint', { s: 'complained', d: 'abuse' }],
    ['sent', sent, 'Reject', { s: 'failed', d: 'rejected' }],
    ['sent', sent, 'Rendering Failure', { s: 'failed', d: 'rendering_failure' }],
    ['outcome unknown', unknown, 'Send', { s: 'sent' }],
    ['outcome unknown', unknown, 'Delivery', { s: 'delivered' }],
    ['outcome unknown', unknown, 'Bounce', { s: 'bounced', d: 'Permanent:General' }],
  ] as const)('%s + %s', (_from, row, type, expected) => {
    expect(rowAfter(row, event(type as SesEvent['eventType']))).toEqual(expected);
  });

  it.each([
    ['a second delivery', { s: 'delivered' }, 'Delivery'],
    ['a send of a row already sent', sent, 'Send'],
    ['a delivery after a bounce', { s: 'bounced', d: 'Permanent:General' }, 'Delivery'],
    ['anything after a complaint', { s: 'complained', d: 'abuse' }, 'Bounce'],
    ['a delay', sent, 'DeliveryDelay'],
    ['an event for a row never sent', { s: 'skipped' }, 'Delivery'],
    ['an event for a row still queued', { s: 'queued' }, 'Bounce'],
    ['a reject after delivery', { s: 'delivered' }, 'Reject'],
  ] as const)('changes nothing for %s', (_name, row, type) => {
    expect(rowAfter(row as RowState, event(type as SesEvent['eventType']))).toBeUndefined();
  });

  it('does not treat "not spam" feedback as a complaint', () => {
    const notSpam = event('Complaint', { complaintFeedbackType: 'not-spam' });
    expect(isComplaint(notSpam)).toBe(false);
    expect(rowAfter({ s: 'delivered' }, notSpam)).toBeUndefined();
  });

  it('keeps counters equal to the sums over rows: sent includes delivered, bounced and complained', () => {
    expect(countsOf({ s: 'delivered' })).toEqual({ sent: 1, delivered: 1 });
    expect(countsOf({ s: 'bounced', d: 'Permanent:General' })).toEqual({
      sent: 1,
      bounced: 1,
      hardBounced: 1,
    });
    expect(countsOf({ s: 'bounced', d: 'Transient:MailboxFull' })).toEqual({ sent: 1, bounced: 1 });
    const delta: Record<string, number> = {};
    addTransition(delta, { s: 'sent' }, { s: 'delivered' });
    addTransition(delta, { s: 'delivered' }, { s: 'complained', d: 'abuse' });
    addTransition(delta, unknown, { s: 'sent' });
    addTransition(delta, { s: 'sent' }, { s: 'failed', d: 'rejected' });
    expect(delta).toEqual({ complained: 1 });
  });
});
