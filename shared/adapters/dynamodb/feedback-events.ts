/**
 * SES events that could not be matched to a recipient row (no tags, an unknown mailing, a chunk
 * that never finished, …), kept 30 days for inspection instead of being dropped. Redacted: the
 * recipients appear only as address fingerprints, never as addresses.
 *
 * | item       | table | pk                      | sk      | byKind (kind / kindSk)                      |
 * |------------|-------|-------------------------|---------|---------------------------------------------|
 * | kept event | app   | `FEEDBACK#<eventKey>`   | `EVENT` | `FEEDBACK_EVENT` / `<keptAt>#<eventKey>`     |
 *
 * Keyed by the event (shared/domain/ses-events.ts `eventKey`), so a duplicate delivery of the same
 * event overwrites its own item instead of adding one.
 */
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo, tableName } from './client.ts';

export const keptReasons = [
  'no_tags',
  'no_chunk_tag',
  'unknown_mailing',
  'unknown_chunk',
  'unknown_row',
  'chunk_not_done',
] as const;
export type KeptReason = (typeof keptReasons)[number];

export interface KeptEvent {
  key: string;
  reason: KeptReason;
  eventType: string;
  messageId: string;
  snsMessageId: string;
  /** When SES accepted the message, and when the event happened. */
  mailTimestamp: string;
  eventAt: string;
  /** The message's tags (first values), those holding an address left out. */
  tags: Record<string, string>;
  /** Fingerprints of the addresses the event is about. */
  recipients: string[];
  /** Type-specific facts: bounce type, feedback type, reject reason, … */
  detail?: Record<string, string>;
  keptAt: string;
}

const kind = 'FEEDBACK_EVENT';
const keepDays = 30;
const key = (eventKey: string) => ({ pk: `FEEDBACK#${eventKey}`, sk: 'EVENT' });

export async function keep(event: KeptEvent): Promise<void> {
  await dynamo.send(
    new PutCommand({
      TableName: tableName('app'),
      Item: {
        ...key(event.key),
        kind,
        kindSk: `${event.keptAt}#${event.key}`,
        ...event,
        expiresAt: Math.floor(Date.parse(event.keptAt) / 1000) + keepDays * 86_400,
      },
    }),
  );
}

export async function get(eventKey: string): Promise<KeptEvent | undefined> {
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: tableName('app'), Key: key(eventKey), ConsistentRead: true }),
  );
  if (!Item) return undefined;
  const { pk: _pk, sk: _sk, kind: _kind, kindSk: _kindSk, expiresAt: _expiresAt, ...event } = Item;
  return event as KeptEvent;
}

/** The newest kept events first, one page (for inspection). */
export async function recent(limit = 50): Promise<KeptEvent[]> {
  const { Items } = await dynamo.send(
    new QueryCommand({
      TableName: tableName('app'),
      IndexName: 'byKind',
      KeyConditionExpression: 'kind = :kind',
      ExpressionAttributeValues: { ':kind': kind },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return (Items ?? []).map(
    ({ pk: _pk, sk: _sk, kind: _kind, kindSk: _kindSk, expiresAt: _e, ...event }) => event as KeptEvent,
  );
}
