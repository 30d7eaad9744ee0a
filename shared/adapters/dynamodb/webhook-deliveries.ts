/**
 * Delivery records (`WEBHOOK#<webhookId>` / `D#<event time>#<eventId>` in the app table): the state
 * of one event's delivery to one endpoint (shared/domain/webhook-delivery.ts), what
 * `GET /webhooks/{id}/deliveries` lists newest first. Ids, statuses, times and the receivers'
 * status codes only — never the event's body, which holds the address — and expired by TTL after
 * 30 days. Every write is conditional on the version read, so two workers holding duplicates of one
 * message cannot both move a delivery.
 */
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DeliveryState, DeliveryStatus } from '#shared/domain/webhook-delivery.ts';
import { ValidationError } from '#shared/domain/errors.ts';
import { dynamo, isConditionFailed, tableName } from './client.ts';
import { decodeCursor, encodeCursor } from './pagination.ts';

/** Delivery records expire (TTL) this long after the delivery began. */
export const deliveryRetentionMs = 30 * 24 * 3600 * 1000;

const prefix = 'D#';
const partition = (webhookId: string) => `WEBHOOK#${webhookId}`;

/** The sort key of an event's delivery: by the event's time, so a listing reads newest first. */
export const deliverySortKey = (eventTimestamp: string, eventId: string) =>
  `${prefix}${eventTimestamp}#${eventId}`;

export interface DeliveryRecord extends DeliveryState {
  webhookId: string;
  eventId: string;
  eventType: string;
  eventTimestamp: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

const fromItem = (item: Record<string, unknown>): DeliveryRecord => {
  const { pk: _pk, sk: _sk, expiresAt: _expires, ...record } = item;
  return record as unknown as DeliveryRecord;
};

export async function get(webhookId: string, sortKey: string): Promise<DeliveryRecord | undefined> {
  const { Item } = await dynamo.send(
    new GetCommand({
      TableName: tableName('app'),
      Key: { pk: partition(webhookId), sk: sortKey },
      ConsistentRead: true,
    }),
  );
  return Item ? fromItem(Item) : undefined;
}

/**
 * Stores the next state of a delivery, if it is still at the version read (`record.version - 1`;
 * a first write needs no record). False when another worker moved it first.
 */
export async function put(sortKey: string, record: DeliveryRecord): Promise<boolean> {
  try {
    await dynamo.send(
      new PutCommand({
        TableName: tableName('app'),
        Item: {
          pk: partition(record.webhookId),
          sk: sortKey,
          ...record,
          expiresAt: Math.floor((Date.parse(record.createdAt) + deliveryRetentionMs) / 1000),
        },
        ConditionExpression: record.version === 1 ? 'attribute_not_exists(pk)' : '#version = :read',
        ...(record.version === 1
          ? {}
          : {
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':read': record.version - 1 },
            }),
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/** One page, newest first, optionally of one status (a filter: pages are filled read by read). */
export async function list(
  webhookId: string,
  query: { limit: number; cursor?: string | undefined; status?: DeliveryStatus | undefined },
): Promise<{ items: DeliveryRecord[]; nextCursor: string | null }> {
  const pk = partition(webhookId);
  let start = decodeCursor(query.cursor, { pk });
  if (start && (typeof start.sk !== 'string' || !start.sk.startsWith(prefix)))
    throw new ValidationError('Invalid cursor', [
      { path: 'query.cursor', message: 'Not a cursor of this list' },
    ]);
  const items: DeliveryRecord[] = [];
  for (let read = 0; read < 10 && items.length < query.limit; read++) {
    const result = await dynamo.send(
      new QueryCommand({
        TableName: tableName('app'),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :d)',
        ...(query.status
          ? { FilterExpression: '#status = :status', ExpressionAttributeNames: { '#status': 'status' } }
          : {}),
        ExpressionAttributeValues: {
          ':pk': pk,
          ':d': prefix,
          ...(query.status ? { ':status': query.status } : {}),
        },
        ScanIndexForward: false,
        Limit: query.limit - items.length,
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(result.Items ?? []).map(fromItem));
    start = result.LastEvaluatedKey as typeof start;
    if (!start) break;
  }
  return { items, nextCursor: encodeCursor(start) };
}
