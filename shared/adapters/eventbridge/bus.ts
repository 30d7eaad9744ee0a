/**
 * Publishing outgoing events to an EventBridge bus, for AWS-native consumers (rules to Step
 * Functions, another account, an archive), when the deployment names one (`EVENT_BUS_NAME`, set by
 * CDK from the `eventBus` setting). Each event is one entry: source `subscription-center`,
 * detail-type the event type, detail the body receivers of webhooks get. The endpoint comes from the
 * SDK's `AWS_ENDPOINT_URL_EVENTBRIDGE` locally.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { eventBody, type OutgoingEvent } from '#shared/domain/events.ts';

export const eventSource = 'subscription-center';

let client: EventBridgeClient | undefined;

/** The bus events go to, or undefined when the deployment publishes none. */
export const eventBusName = (): string | undefined => process.env.EVENT_BUS_NAME || undefined;

const pause = (attempt: number) => new Promise((r) => setTimeout(r, Math.min(2000, 50 * 2 ** attempt)));

/** Puts the events on the bus, 10 per PutEvents, resending the entries it reports failed. */
export const publishToBus = async (bus: string, events: readonly OutgoingEvent[]): Promise<void> => {
  client ??= new EventBridgeClient({});
  for (let i = 0; i < events.length; i += 10) {
    let entries = events.slice(i, i + 10).map((event) => ({
      EventBusName: bus,
      Source: eventSource,
      DetailType: event.type,
      Detail: eventBody(event),
      Time: new Date(event.timestamp),
      Resources: [],
    }));
    for (let attempt = 0; entries.length; attempt++) {
      if (attempt > 6) throw new Error('PutEvents: entries still failing after 6 retries');
      if (attempt) await pause(attempt);
      const result = await client.send(new PutEventsCommand({ Entries: entries }));
      const failed = new Set((result.Entries ?? []).flatMap((entry, j) => (entry.ErrorCode ? [j] : [])));
      entries = entries.filter((_, j) => failed.has(j));
    }
  }
};
