/**
 * SES's mailbox simulator and event publishing, locally. For every message the local SES accepts,
 * it builds the events a configuration set publishes (Send, Delivery, Bounce, Complaint, …), in
 * SES's event-publishing JSON, wrapped in the SNS notification envelope an SNS → SQS subscription
 * delivers, so the same feedback handler parses local and AWS events alike.
 *
 * Simulator addresses (as in SES):
 *   success@simulator.amazonses.com         → Delivery
 *   bounce@simulator.amazonses.com          → Bounce (Permanent / General)
 *   ooto@simulator.amazonses.com            → Delivery (the auto-reply itself is not modelled)
 *   complaint@simulator.amazonses.com       → Delivery, Complaint (abuse)
 *   suppressionlist@simulator.amazonses.com → Bounce (Permanent / OnAccountSuppressionList)
 * Every other address gets a Delivery, as a real delivery would — unless it is on the account's
 * suppression list (./ses-suppression-list.ts): SES accepted that message without delivering it and
 * publishes a Bounce (Permanent / OnAccountSuppressionList), as for the simulator address. No Send
 * events: the configuration set does not publish them (infra/stacks/stateful-stack.ts).
 */
import { randomUUID } from 'node:crypto';
import { publishedSesEvents } from '#infra/ses-events.ts';

export const simulatorDomain = 'simulator.amazonses.com';

export interface SentMessage {
  messageId: string;
  from: string;
  to: string;
  subject?: string;
  tags: Record<string, string>;
  /** On the account's suppression list: accepted, not delivered. */
  suppressed?: boolean;
}

/** What SES writes as the diagnostic of a message it did not send because of the suppression list. */
export const accountSuppressedDiagnostic =
  'Amazon SES did not send the message to this address because it is on the suppression list for your account. For more information about removing addresses from the suppression list, see the Amazon SES Developer Guide at https://docs.aws.amazon.com/ses/latest/DeveloperGuide/sending-email-suppression-list.html';

const isAccountSuppressed = (message: SentMessage) =>
  message.suppressed === true || message.to.toLowerCase() === `suppressionlist@${simulatorDomain}`;

type EventType = 'Send' | 'Delivery' | 'Bounce' | 'Complaint';

const eventsFor = (message: SentMessage): EventType[] => {
  if (isAccountSuppressed(message)) return ['Bounce'];
  const [local, domain] = message.to.toLowerCase().split('@');
  // As the configuration set publishes them: no Send events (infra/stacks/stateful-stack.ts says why).
  if (domain !== simulatorDomain) return ['Delivery'];
  switch (local) {
    case 'bounce':
      return ['Bounce'];
    case 'complaint':
      return ['Delivery', 'Complaint'];
    default:
      return ['Delivery'];
  }
};

const sesEvent = (type: EventType, message: SentMessage, at: Date) => {
  const timestamp = at.toISOString();
  const mail = {
    timestamp,
    source: message.from,
    sourceArn: 'arn:aws:ses:us-east-1:000000000000:identity/local',
    sendingAccountId: '000000000000',
    messageId: message.messageId,
    destination: [message.to],
    headersTruncated: false,
    commonHeaders: {
      from: [message.from],
      to: [message.to],
      messageId: message.messageId,
      subject: message.subject ?? '',
    },
    tags: Object.fromEntries(Object.entries(message.tags).map(([name, value]) => [name, [value]])),
  };
  const suppressed = isAccountSuppressed(message);
  switch (type) {
    case 'Send':
      return { eventType: type, mail, send: {} };
    case 'Delivery':
      return {
        eventType: type,
        mail,
        delivery: {
          timestamp,
          processingTimeMillis: 42,
          recipients: [message.to],
          smtpResponse: '250 2.6.0 Message received',
          reportingMTA: 'local',
        },
      };
    case 'Bounce':
      return {
        eventType: type,
        mail,
        bounce: {
          bounceType: 'Permanent',
          bounceSubType: suppressed ? 'OnAccountSuppressionList' : 'General',
          bouncedRecipients: [
            {
              emailAddress: message.to,
              action: 'failed',
              status: '5.1.1',
              diagnosticCode: suppressed ? accountSuppressedDiagnostic : 'smtp; 550 5.1.1 user unknown',
            },
          ],
          timestamp,
          feedbackId: randomUUID(),
          reportingMTA: suppressed ? 'dns; amazonses.com' : 'dsn; local',
        },
      };
    case 'Complaint':
      return {
        eventType: type,
        mail,
        complaint: {
          complainedRecipients: [{ emailAddress: message.to }],
          timestamp,
          feedbackId: randomUUID(),
          complaintSubType: null,
          complaintFeedbackType: 'abuse',
          userAgent: 'local mailbox simulator',
          arrivalDate: timestamp,
        },
      };
  }
};

/** The SNS notification envelope that SNS delivers to an SQS subscriber (raw delivery off). */
export const snsEnvelope = (payload: unknown, at: Date) => ({
  Type: 'Notification',
  MessageId: randomUUID(),
  TopicArn: 'arn:aws:sns:us-east-1:000000000000:ses-events',
  Message: JSON.stringify(payload),
  Timestamp: at.toISOString(),
  SignatureVersion: '1',
  Signature: 'local',
  SigningCertURL: 'https://sns.us-east-1.amazonaws.com/local.pem',
  UnsubscribeURL: 'https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe',
});

/**
 * The SNS-wrapped events SES would publish for one accepted message, in order: those of the
 * configuration set's `published` events (infra/ses-events.ts) only.
 */
export const simulateEvents = (
  message: SentMessage,
  at = new Date(),
  published: readonly string[] = publishedSesEvents(true),
): string[] =>
  eventsFor(message)
    .filter((type) => published.includes(type))
    .map((type) => JSON.stringify(snsEnvelope(sesEvent(type, message, at), at)));

interface BulkRequest {
  FromEmailAddress?: string;
  BulkEmailEntries?: Array<{
    Destination?: { ToAddresses?: string[] };
    ReplacementTags?: Array<{ Name: string; Value: string }>;
  }>;
  DefaultEmailTags?: Array<{ Name: string; Value: string }>;
}
interface SimpleRequest {
  FromEmailAddress?: string;
  Destination?: { ToAddresses?: string[] };
  EmailTags?: Array<{ Name: string; Value: string }>;
  Content?: { Simple?: { Subject?: { Data?: string } } };
}

const tagMap = (...lists: Array<Array<{ Name: string; Value: string }> | undefined>) =>
  Object.fromEntries(lists.flatMap((l) => l ?? []).map((t) => [t.Name, t.Value]));

/** The accepted messages of one SendEmail/SendBulkEmail call, from its request and answer. */
export const acceptedMessages = (
  operation: 'SendEmail' | 'SendBulkEmail',
  request: unknown,
  response: unknown,
): SentMessage[] => {
  if (operation === 'SendBulkEmail') {
    const req = request as BulkRequest;
    const results =
      (response as { BulkEmailEntryResults?: Array<{ Status?: string; MessageId?: string }> })
        .BulkEmailEntryResults ?? [];
    return (req.BulkEmailEntries ?? []).flatMap((entry, i) => {
      const result = results[i];
      const to = entry.Destination?.ToAddresses?.[0];
      if (result?.Status !== 'SUCCESS' || !to || !result.MessageId) return [];
      return [
        {
          messageId: result.MessageId,
          from: req.FromEmailAddress ?? '',
          to,
          tags: tagMap(req.DefaultEmailTags, entry.ReplacementTags),
        },
      ];
    });
  }
  const req = request as SimpleRequest;
  const messageId = (response as { MessageId?: string }).MessageId;
  const to = req.Destination?.ToAddresses?.[0];
  if (!messageId || !to) return [];
  return [
    {
      messageId,
      from: req.FromEmailAddress ?? '',
      to,
      subject: req.Content?.Simple?.Subject?.Data ?? '',
      tags: tagMap(req.EmailTags),
    },
  ];
};
