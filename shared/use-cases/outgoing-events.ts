/**
 * Outgoing events, from committed change to queued delivery: which events a stream change stands
 * for (shared/domain/events.ts), and one webhook delivery per event and endpoint that wants it — each
 * its own SQS message, so one receiver's trouble never holds up another's events — plus, when the
 * deployment has one, the EventBridge bus.
 */
import { eventBusName, publishToBus } from '#shared/adapters/eventbridge/bus.ts';
import type { StreamChange } from '#shared/adapters/dynamodb/stream-records.ts';
import { suppressions } from '#shared/adapters/dynamodb/suppressions.ts';
import * as webhookRegistry from '#shared/adapters/dynamodb/webhooks.ts';
import { sendMessages } from '#shared/adapters/sqs/client.ts';
import {
  addedEntries,
  contactEvents,
  erasedEvent,
  eventBody,
  mailingEvents,
  type OutgoingEvent,
} from '#shared/domain/events.ts';
import { wants } from '#shared/domain/webhooks.ts';
import { logger } from '#shared/observability/logger.ts';

/**
 * One delivery as its SQS message carries it (short names: it is on every hop). The event's body
 * travels with it, so an attempt reads no event store; it holds the address, and lives only as long
 * as the delivery (its DLQ keeps a failed one 14 days).
 */
export interface DeliveryMessage {
  /** The endpoint. */
  w: string;
  /** The event id, sent as `webhook-id`. */
  e: string;
  /** The event type and time (they name the delivery record). */
  t: string;
  ts: string;
  /** The body as sent and signed. */
  b: string;
  /** The attempt this message is for (1-based). */
  n: number;
  /** When the delivery began (ms): its retry window counts from here. */
  c: number;
  /** Not to be attempted before (ms); the worker re-queues it until then. */
  nb?: number;
}

export const deliveryMessage = (
  webhookId: string,
  event: OutgoingEvent,
  now = Date.now(),
): DeliveryMessage => ({
  w: webhookId,
  e: event.id,
  t: event.type,
  ts: event.timestamp,
  b: eventBody(event),
  n: 1,
  c: now,
});

/** The events one committed write stands for. */
export const eventsOfChange = async (change: StreamChange): Promise<OutgoingEvent[]> => {
  if (change.kind === 'mailing') return mailingEvents(change.before, change.after);
  if (change.after)
    return contactEvents(change.after, addedEntries(change.before?.outbox, change.after.outbox));
  // The contact item is gone: erased. The event names the person by id and fingerprint only.
  if (!change.before) return [];
  const fingerprint = await suppressions.fingerprint(change.before.emailKey);
  return [erasedEvent(change.contactId, fingerprint, change.at)];
};

/**
 * Queue the deliveries of these changes' events.
 * Input: committed writes, in stream order. Output: the number of deliveries queued.
 * 1. Derive the events of each write.
 * 2. Read the endpoints (one read) and make one delivery message per event and endpoint that is
 *    active and subscribed to its type.
 * 3. Queue them, 10 per SendMessageBatch.
 * 4. Publish the events to the EventBridge bus, when the deployment has one.
 * Idempotent: done again for the same writes (a retried stream batch), it queues the same deliveries
 * with the same event ids, which the worker and the receivers recognise.
 */
export const queueEventDeliveries = async (changes: readonly StreamChange[]): Promise<number> => {
  const events = (await Promise.all(changes.map(eventsOfChange))).flat();
  if (!events.length) return 0;
  const { endpoints } = await webhookRegistry.get();
  const now = Date.now();
  const messages = events.flatMap((event) =>
    endpoints
      .filter((endpoint) => wants(endpoint, event.type))
      .map((endpoint) => deliveryMessage(endpoint.id, event, now)),
  );
  await sendMessages(
    'webhooks',
    messages.map((m) => JSON.stringify(m)),
  );
  const bus = eventBusName();
  if (bus) await publishToBus(bus, events);
  logger.info('events queued', { events: events.length, deliveries: messages.length, bus: Boolean(bus) });
  return messages.length;
};
