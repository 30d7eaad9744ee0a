/**
 * What SES tells us about the mail we sent, and what it means for a recipient row. Pure.
 *
 * The configuration set publishes events (Send, Delivery, Bounce, Complaint, Reject, DeliveryDelay,
 * Rendering Failure) to an SNS topic; the topic delivers each one to the feedback queue wrapped in
 * SNS's notification envelope (raw message delivery off), so an SQS body is
 * `{"Type": "Notification", "MessageId", "Message": "<the SES event as a JSON string>", …}`.
 * The schemas below validate the parts we act on and let SES add fields without breaking us.
 *
 * Nothing here ever puts an e-mail address into a reason or a log field: events carry addresses,
 * and parse failures are described by path and expectation only.
 */
import * as z from '#shared/schema/z.ts';
import { isoDateTime } from '#shared/schema/z.ts';
// Beside the bounce policy, so what reads the policy needs none of the event schemas here.
import { isComplaint } from './bounce-policy.ts';

export const bounceTypes = ['Undetermined', 'Permanent', 'Transient'] as const;
export type BounceType = (typeof bounceTypes)[number];

/**
 * The event schemas, built on first use rather than at module load: what only reads a row's
 * transitions here (sending, planning) neither builds them at cold start nor carries them.
 */
const buildSchemas = () => {
  const Timestamp = isoDateTime({ offset: true });

  /** SES writes every tag as a list of values: `{"mailingId": ["01h…"]}`. */
  const Tags = z.record(z.string(), z.array(z.string()));

  const SesMail = z.object({
    timestamp: Timestamp,
    messageId: z.string().check(z.minLength(1), z.maxLength(256)),
    source: z.optional(z.string()),
    destination: z.optional(z.array(z.string())),
    tags: z._default(Tags, {}),
  });

  const addressFields = { emailAddress: z.string().check(z.minLength(1), z.maxLength(320)) };
  const Address = z.object(addressFields);

  const SendEvent = z.object({ eventType: z.literal('Send'), mail: SesMail, send: z.optional(z.object({})) });

  const DeliveryEvent = z.object({
    eventType: z.literal('Delivery'),
    mail: SesMail,
    delivery: z.object({
      timestamp: Timestamp,
      recipients: z.array(z.string().check(z.minLength(1), z.maxLength(320))).check(z.minLength(1)),
      processingTimeMillis: z.optional(z.number()),
      smtpResponse: z.optional(z.string()),
      reportingMTA: z.optional(z.string()),
    }),
  });

  const BounceEvent = z.object({
    eventType: z.literal('Bounce'),
    mail: SesMail,
    bounce: z.object({
      bounceType: z.enum(bounceTypes),
      // General, NoEmail, Suppressed, OnAccountSuppressionList, MailboxFull, … (SES adds new ones).
      bounceSubType: z.string().check(z.minLength(1), z.maxLength(100)),
      bouncedRecipients: z
        .array(
          z.object({
            ...addressFields,
            action: z.optional(z.string()),
            status: z.optional(z.string()),
            diagnosticCode: z.optional(z.string()),
          }),
        )
        .check(z.minLength(1)),
      timestamp: Timestamp,
      feedbackId: z.string().check(z.minLength(1), z.maxLength(256)),
      reportingMTA: z.optional(z.string()),
    }),
  });

  const ComplaintEvent = z.object({
    eventType: z.literal('Complaint'),
    mail: SesMail,
    complaint: z.object({
      complainedRecipients: z.array(Address).check(z.minLength(1)),
      timestamp: Timestamp,
      feedbackId: z.string().check(z.minLength(1), z.maxLength(256)),
      complaintSubType: z.optional(z.nullable(z.string())),
      // abuse, auth-failure, fraud, not-spam, other, virus; absent when the provider sent no ARF report.
      complaintFeedbackType: z.optional(z.string().check(z.maxLength(100))),
      userAgent: z.optional(z.string()),
      arrivalDate: z.optional(z.string()),
    }),
  });

  const RejectEvent = z.object({
    eventType: z.literal('Reject'),
    mail: SesMail,
    reject: z.object({ reason: z.string().check(z.maxLength(500)) }),
  });

  const DeliveryDelayEvent = z.object({
    eventType: z.literal('DeliveryDelay'),
    mail: SesMail,
    deliveryDelay: z.object({
      timestamp: Timestamp,
      delayType: z.string().check(z.maxLength(100)),
      delayedRecipients: z.array(
        z.object({
          ...addressFields,
          status: z.optional(z.string()),
          diagnosticCode: z.optional(z.string()),
        }),
      ),
      expirationTime: z.optional(z.string()),
      reportingMTA: z.optional(z.string()),
    }),
  });

  const RenderingFailureEvent = z.object({
    eventType: z.literal('Rendering Failure'),
    mail: SesMail,
    failure: z.object({
      errorMessage: z.string().check(z.maxLength(2000)),
      templateName: z.optional(z.string()),
    }),
  });

  const SesEvent = z.discriminatedUnion('eventType', [
    SendEvent,
    DeliveryEvent,
    BounceEvent,
    ComplaintEvent,
    RejectEvent,
    DeliveryDelayEvent,
    RenderingFailureEvent,
  ]);
  /** SNS's envelope as an SNS → SQS subscription without raw delivery writes it. */
  const SnsEnvelope = z.object({
    Type: z.literal('Notification'),
    MessageId: z.string().check(z.minLength(1), z.maxLength(100)),
    TopicArn: z.string().check(z.minLength(1), z.maxLength(300)),
    Message: z.string().check(z.minLength(2)),
    Timestamp: Timestamp,
  });

  return { SesEvent, SnsEnvelope };
};
type Schemas = ReturnType<typeof buildSchemas>;
let built: Schemas | undefined;
const schemas = (): Schemas => {
  built ??= buildSchemas();
  return built;
};

export type SesEvent = z.output<Schemas['SesEvent']>;
export type SesEventType = SesEvent['eventType'];
export const sesEventTypes: readonly SesEventType[] = [
  'Send',
  'Delivery',
  'Bounce',
  'Complaint',
  'Reject',
  'DeliveryDelay',
  'Rendering Failure',
];

export type ParsedNotification =
  | { ok: true; snsMessageId: string; event: SesEvent }
  | { ok: false; reason: string };

/** Issues by path and expectation, never the offending value (it may be an address). */
const describe = (error: z.SchemaError) =>
  error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** A short, safe rendering of an unexpected event type for the log (letters and spaces only). */
const safeName = (value: unknown) =>
  typeof value === 'string' ? value.replace(/[^A-Za-z ]/g, '?').slice(0, 40) : typeof value;

/**
 * Parses one SQS body: the SNS envelope, then the SES event inside it. A failure says why in words
 * fit for a log line; it can never succeed on a retry.
 */
export const parseNotification = (body: string): ParsedNotification => {
  const envelope = schemas().SnsEnvelope.safeParse(parseJson(body));
  if (!envelope.success) return { ok: false, reason: `not an SNS notification: ${describe(envelope.error)}` };
  const payload = parseJson(envelope.data.Message);
  if (typeof payload !== 'object' || payload === null) {
    return { ok: false, reason: 'the SNS message is not a JSON object' };
  }
  const type = (payload as { eventType?: unknown }).eventType;
  if (!(sesEventTypes as readonly unknown[]).includes(type)) {
    const classic = (payload as { notificationType?: unknown }).notificationType;
    return {
      ok: false,
      reason:
        classic !== undefined
          ? `an identity notification (notificationType ${safeName(classic)}), not configuration-set event publishing`
          : `unknown eventType: ${safeName(type)}`,
    };
  }
  const event = schemas().SesEvent.safeParse(payload);
  if (!event.success) return { ok: false, reason: `${String(type)} event: ${describe(event.error)}` };
  return { ok: true, snsMessageId: envelope.data.MessageId, event: event.data };
};

/** The first value of one of the message's tags. */
export const tagOf = (event: SesEvent, name: string): string | undefined => event.mail.tags[name]?.[0];

/**
 * Identifies the event itself (not its delivery): SES publishes each at least once and SNS may
 * deliver a publish twice, with different SNS ids in the first case, so SES's own ids are the key.
 */
export const eventKey = (event: SesEvent): string => {
  const id = event.mail.messageId;
  switch (event.eventType) {
    case 'Bounce':
      return `Bounce:${event.bounce.feedbackId}:${id}`;
    case 'Complaint':
      return `Complaint:${event.complaint.feedbackId}:${id}`;
    case 'DeliveryDelay':
      return `DeliveryDelay:${event.deliveryDelay.timestamp}:${id}`;
    case 'Rendering Failure':
      return `RenderingFailure:${id}`;
    default:
      return `${event.eventType}:${id}`;
  }
};

const rawEventTime = (event: SesEvent): string => {
  switch (event.eventType) {
    case 'Delivery':
      return event.delivery.timestamp;
    case 'Bounce':
      return event.bounce.timestamp;
    case 'Complaint':
      return event.complaint.timestamp;
    case 'DeliveryDelay':
      return event.deliveryDelay.timestamp;
    default:
      return event.mail.timestamp;
  }
};

/**
 * When the event happened (the mail's timestamp for events that carry none of their own), as an ISO
 * string in UTC with milliseconds, so times compare as strings whatever offset or precision SES used.
 */
export const eventTime = (event: SesEvent): string => new Date(rawEventTime(event)).toISOString();

/** The addresses the event is about (bounced, complained, delivered to). */
export const addressesOf = (event: SesEvent): string[] => {
  switch (event.eventType) {
    case 'Delivery':
      return event.delivery.recipients;
    case 'Bounce':
      return event.bounce.bouncedRecipients.map((r) => r.emailAddress);
    case 'Complaint':
      return event.complaint.complainedRecipients.map((r) => r.emailAddress);
    case 'DeliveryDelay':
      return event.deliveryDelay.delayedRecipients.map((r) => r.emailAddress);
    default:
      return event.mail.destination ?? [];
  }
};

/**
 * Handling order inside a batch: complaints first (docs/compliance.md: "complaints are handled before
 * anything else"), then bounces, then what fails or confirms a message, then the rest.
 */
export const priorityOf = (event: SesEvent): number => {
  switch (event.eventType) {
    case 'Complaint':
      return 0;
    case 'Bounce':
      return 1;
    case 'Reject':
    case 'Rendering Failure':
      return 2;
    case 'Delivery':
      return 3;
    case 'Send':
      return 4;
    case 'DeliveryDelay':
      return 5;
  }
};

// ── Recipient rows ───────────────────────────────────────────────────────────────────────────

/** A recipient row's status, as the recipients table stores it. */
export type RowStatus =
  | 'pending'
  | 'queued'
  | 'sending'
  | 'sent'
  | 'delivered'
  | 'bounced'
  | 'complained'
  | 'failed'
  | 'skipped';

export interface RowState {
  s: RowStatus;
  d?: string;
}

/** The sender's mark for a message whose SES call may or may not have been accepted. */
export const outcomeUnknown = 'outcome_unknown';

/**
 * The row after an event, or undefined when the event changes nothing (a duplicate, an event for
 * a row that was never sent, or one that would move the row backwards). The order is
 * sent → delivered → bounced → complained: a late bounce overrides a delivery, a complaint
 * overrides both; nothing overrides a complaint. An event for a row the sender marked
 * `failed/outcome_unknown` proves SES accepted the message, so it first counts as `sent`.
 */
export const rowAfter = (row: RowState, event: SesEvent): RowState | undefined => {
  const unknown = row.s === 'failed' && row.d === outcomeUnknown;
  const status: RowStatus = unknown ? 'sent' : row.s;
  switch (event.eventType) {
    case 'Send':
      return unknown ? { s: 'sent' } : undefined;
    case 'Delivery':
      return status === 'sent' ? { s: 'delivered' } : undefined;
    case 'Bounce': {
      if (status !== 'sent' && status !== 'delivered') return undefined;
      return { s: 'bounced', d: `${event.bounce.bounceType}:${event.bounce.bounceSubType}` };
    }
    case 'Complaint': {
      if (!isComplaint(event)) return unknown ? { s: 'sent' } : undefined;
      if (status !== 'sent' && status !== 'delivered' && status !== 'bounced') return undefined;
      return { s: 'complained', d: event.complaint.complaintFeedbackType ?? 'unspecified' };
    }
    case 'Reject':
      return status === 'sent' ? { s: 'failed', d: 'rejected' } : undefined;
    case 'Rendering Failure':
      return status === 'sent' ? { s: 'failed', d: 'rendering_failure' } : undefined;
    case 'DeliveryDelay':
      return unknown ? { s: 'sent' } : undefined;
  }
};

/**
 * The bounce of a row is hard (SES's bounce rate, and the reputation guard, count only these). A
 * message SES did not send because the address is on the account's suppression list bounces as
 * `Permanent:OnAccountSuppressionList`, which SES leaves out of the account's bounce rate: so does
 * the guard.
 */
export const isHardBounce = (row: RowState): boolean =>
  row.s === 'bounced' &&
  (row.d?.startsWith('Permanent:') ?? false) &&
  row.d !== 'Permanent:OnAccountSuppressionList';

/**
 * What a row in this state contributes to the mailing's counters. `sent` counts every message SES
 * accepted (docs/api.md), so delivered, bounced and complained rows count as sent too; the counters of a
 * mailing always equal the sums over its rows, which is what makes moving a row between states a
 * matter of subtracting its old contribution and adding its new one.
 */
export const countsOf = (row: RowState): Record<string, number> => {
  switch (row.s) {
    case 'sent':
      return { sent: 1 };
    case 'delivered':
      return { sent: 1, delivered: 1 };
    case 'bounced':
      return { sent: 1, bounced: 1, ...(isHardBounce(row) ? { hardBounced: 1 } : {}) };
    case 'complained':
      return { sent: 1, complained: 1 };
    case 'failed':
      return { failed: 1 };
    default:
      return {};
  }
};

/** Adds `after`'s contribution and subtracts `before`'s, into `into`. */
export const addTransition = (
  into: Record<string, number>,
  before: RowState,
  after: RowState,
): Record<string, number> => {
  for (const [name, n] of Object.entries(countsOf(before))) into[name] = (into[name] ?? 0) - n;
  for (const [name, n] of Object.entries(countsOf(after))) into[name] = (into[name] ?? 0) + n;
  for (const name of Object.keys(into)) if (into[name] === 0) delete into[name];
  return into;
};

export { isComplaint };
