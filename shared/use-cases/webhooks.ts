/**
 * Webhook endpoints, as an admin manages them: register (the secret shown once), list, read, delete,
 * the deliveries of one, and a test event. The events themselves come from the change streams
 * (./outgoing-events.ts) and are delivered by ./webhook-delivery.ts.
 */
import * as audit from '#shared/adapters/dynamodb/audit.ts';
import * as webhookDeliveries from '#shared/adapters/dynamodb/webhook-deliveries.ts';
import type { DeliveryRecord } from '#shared/adapters/dynamodb/webhook-deliveries.ts';
import * as webhookRegistry from '#shared/adapters/dynamodb/webhooks.ts';
import type { StoredEndpoint } from '#shared/adapters/dynamodb/webhooks.ts';
import { checkReceiverHost, receiverPolicy } from '#shared/adapters/http/webhook-client.ts';
import { sealSecret } from '#shared/adapters/secrets/webhook-secrets.ts';
import { sendMessages } from '#shared/adapters/sqs/client.ts';
import type { Actor } from '#shared/domain/api-key.ts';
import { ConflictError, NotFoundError, ValidationError } from '#shared/domain/errors.ts';
import { testEventType } from '#shared/domain/events.ts';
import { idPattern, newId } from '#shared/domain/ids.ts';
import type { DeliveryStatus } from '#shared/domain/webhook-delivery.ts';
import {
  checkEndpointCount,
  checkEventTypes,
  checkReceiverUrl,
  healthy,
  newWebhookSecret,
} from '#shared/domain/webhooks.ts';
import { deliveryMessage } from './outgoing-events.ts';

/** An endpoint as the API shows it: never its secret. */
const toPublic = (e: StoredEndpoint) => ({
  id: e.id,
  url: e.url,
  events: e.events,
  description: e.description ?? null,
  status: e.status,
  createdAt: e.createdAt,
  createdBy: e.createdBy,
  disabledAt: e.disabledAt ?? null,
  disabledReason: e.disabledReason ?? null,
  failingSince: e.health.failingSince ?? null,
});

export interface NewWebhook {
  url: string;
  events: string[];
  description?: string | undefined;
}

/**
 * Register an endpoint.
 * Input: URL, event types, description; the admin. Output: the endpoint with its secret (201),
 * shown this once.
 * 1. The URL: http(s), no credentials; https only in AWS (422 otherwise). Its host must resolve, and
 *    only to public addresses (loopback too on the local stack): 422 `address_not_allowed` or
 *    `unresolvable` otherwise.
 * 2. The event types: each known (422 `unknown_event_type`).
 * 3. At most 20 endpoints (422 `too_many_endpoints`), checked and written in one conditional write
 *    of the registry, retried on a concurrent change.
 * 4. A new secret, sealed before it is stored; the audit log records the endpoint (host and types,
 *    never the secret).
 */
export const createWebhook = async (input: NewWebhook, actor: Actor) => {
  const policy = receiverPolicy();
  const url = checkReceiverUrl(input.url, policy);
  const events = checkEventTypes(input.events);
  await checkReceiverHost(url, policy);
  const id = newId();
  const secret = newWebhookSecret();
  const createdAt = new Date().toISOString();
  const endpoint: StoredEndpoint = {
    id,
    url: url.href,
    events,
    ...(input.description ? { description: input.description } : {}),
    createdAt,
    createdBy: actor.keyId,
    status: 'active',
    health: healthy(),
    sealedSecret: await sealSecret(secret, id),
  };
  for (let attempt = 0; ; attempt++) {
    const { endpoints, version } = await webhookRegistry.get();
    checkEndpointCount(endpoints.length);
    try {
      await webhookRegistry.add(endpoint, version);
      break;
    } catch (error) {
      if (!(error instanceof ConflictError) || attempt >= 7) throw error;
      await new Promise((r) => setTimeout(r, Math.random() * 25 * (attempt + 1)));
    }
  }
  await audit.record(
    actor,
    { action: 'webhook.created', details: { webhookId: id, host: url.host, events } },
    createdAt,
  );
  return { ...toPublic(endpoint), secret };
};

const findEndpoint = async (id: string): Promise<StoredEndpoint> => {
  const { endpoints } = await webhookRegistry.get();
  const endpoint = endpoints.find((e) => e.id === id);
  if (!endpoint) throw new NotFoundError('Webhook endpoint not found');
  return endpoint;
};

/** Every endpoint, newest first (at most 20: one page, whatever the limit). */
export const listWebhooks = async (limit: number, cursor?: string) => {
  if (cursor !== undefined && !idPattern.test(cursor))
    throw new ValidationError('Invalid cursor', [
      { path: 'query.cursor', message: 'Not a cursor from this list' },
    ]);
  const { endpoints } = await webhookRegistry.get();
  const newestFirst = endpoints.map(toPublic).reverse();
  const start = cursor ? newestFirst.findIndex((e) => e.id < cursor) : 0;
  const items = start < 0 ? [] : newestFirst.slice(start, start + limit);
  const last = items.at(-1);
  return {
    items,
    nextCursor: last && start + limit < newestFirst.length ? last.id : null,
  };
};

export const getWebhook = async (id: string) => toPublic(await findEndpoint(id));

/** Delete an endpoint: nothing more is sent to it (deliveries under way fail); audited. */
export const deleteWebhook = async (id: string, actor: Actor) => {
  if (!(await webhookRegistry.remove(id))) throw new NotFoundError('Webhook endpoint not found');
  const at = new Date().toISOString();
  await audit.record(actor, { action: 'webhook.deleted', details: { webhookId: id } }, at);
  return { id, deleted: true as const, at };
};

const deliveryOf = (r: DeliveryRecord) => ({
  id: r.eventId,
  eventType: r.eventType,
  eventTimestamp: r.eventTimestamp,
  status: r.status,
  attempts: r.attempts,
  attemptLog: r.attemptLog,
  nextAttemptAt: r.status === 'pending' || r.status === 'retrying' ? (r.nextAttemptAt ?? null) : null,
  deliveredAt: r.deliveredAt ?? null,
  failedReason: r.failedReason ?? null,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

/** The endpoint's deliveries, newest event first, optionally of one status. */
export const listDeliveries = async (
  id: string,
  query: { limit: number; cursor?: string | undefined; status?: DeliveryStatus | undefined },
) => {
  await findEndpoint(id);
  const page = await webhookDeliveries.list(id, query);
  return { items: page.items.map(deliveryOf), nextCursor: page.nextCursor };
};

/**
 * Send a test event (`webhook.test`, data `{webhookId}`) to one endpoint, whatever it subscribed to:
 * queued as any delivery, signed and retried alike. 409 for a disabled endpoint.
 */
export const sendTestEvent = async (id: string) => {
  const endpoint = await findEndpoint(id);
  if (endpoint.status === 'disabled')
    throw new ConflictError('The endpoint is disabled: delete it and register it again');
  const timestamp = new Date().toISOString();
  const event = {
    id: `evt_test_${newId()}`,
    type: testEventType,
    timestamp,
    data: { webhookId: id },
  } as const;
  await sendMessages('webhooks', [JSON.stringify(deliveryMessage(id, event))]);
  return { webhookId: id, eventId: event.id, type: event.type, timestamp };
};
