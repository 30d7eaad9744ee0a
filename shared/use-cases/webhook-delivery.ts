/**
 * Attempting one webhook delivery (one SQS message of the `webhooks` queue): the state machine of
 * shared/domain/webhook-delivery.ts, the endpoint's circuit of shared/domain/webhooks.ts, and the
 * guarded HTTP client. Every step can be repeated: a message delivered twice, or a worker that dies
 * half way, at worst sends the same event again — with the same `webhook-id`, which receivers
 * de-duplicate by.
 */
import * as audit from '#shared/adapters/dynamodb/audit.ts';
import * as webhookDeliveries from '#shared/adapters/dynamodb/webhook-deliveries.ts';
import { type DeliveryRecord, deliverySortKey } from '#shared/adapters/dynamodb/webhook-deliveries.ts';
import * as webhookRegistry from '#shared/adapters/dynamodb/webhooks.ts';
import type { StoredEndpoint } from '#shared/adapters/dynamodb/webhooks.ts';
import { postWebhook, receiverPolicy } from '#shared/adapters/http/webhook-client.ts';
import { openSecret } from '#shared/adapters/secrets/webhook-secrets.ts';
import { sendMessage, sendToDeadLetter } from '#shared/adapters/sqs/client.ts';
import { systemActor } from '#shared/domain/api-key.ts';
import {
  afterAttempt,
  afterEndpointLost,
  afterWaiting,
  attemptTimeoutMs,
  hopDelaySeconds,
  initialDelivery,
  isFinal,
  maxResponseBytes,
  type Next,
} from '#shared/domain/webhook-delivery.ts';
import {
  gate,
  healthAfterFailure,
  isHealthy,
  probeLeaseMs,
  signedHeaders,
  type DisabledReason,
} from '#shared/domain/webhooks.ts';
import { logger } from '#shared/observability/logger.ts';
import type { DeliveryMessage } from './outgoing-events.ts';

const deliveryActor = systemActor('webhook-delivery');

/** What the messages of one SQS batch share: the endpoints, read once. */
export interface DeliveryBatch {
  endpoints?: Promise<Map<string, StoredEndpoint>>;
}

const endpointsOf = (batch: DeliveryBatch) => {
  batch.endpoints ??= webhookRegistry
    .get(false)
    .then(({ endpoints }) => new Map(endpoints.map((e) => [e.id, e])));
  return batch.endpoints;
};

/** The request timeout: 10 s unless the deployment says otherwise (WEBHOOK_TIMEOUT_MS). */
const timeoutMs = () => Number(process.env.WEBHOOK_TIMEOUT_MS) || attemptTimeoutMs;

const queueAgain = (message: DeliveryMessage, due: number, now: number) =>
  sendMessage(
    'webhooks',
    JSON.stringify({ ...message, nb: due } satisfies DeliveryMessage),
    hopDelaySeconds(due, now),
  );

/** Stores the next state; false when another worker moved the delivery first (a duplicate). */
const store = async (
  message: DeliveryMessage,
  record: DeliveryRecord | undefined,
  next: Next,
  now: number,
): Promise<boolean> => {
  const at = new Date(now).toISOString();
  const stored = await webhookDeliveries.put(deliverySortKey(message.ts, message.e), {
    webhookId: message.w,
    eventId: message.e,
    eventType: message.t,
    eventTimestamp: message.ts,
    createdAt: record?.createdAt ?? new Date(message.c).toISOString(),
    updatedAt: at,
    version: (record?.version ?? 0) + 1,
    ...next.state,
  });
  if (!stored)
    logger.info('webhook delivery moved by another worker', { webhookId: message.w, eventId: message.e });
  return stored;
};

const disable = async (endpoint: StoredEndpoint, reason: DisabledReason, now: number) => {
  const at = new Date(now).toISOString();
  if (!(await webhookRegistry.disable(endpoint.id, reason, at))) return;
  logger.warn('webhook endpoint disabled', { webhookId: endpoint.id, reason });
  await audit.record(
    deliveryActor,
    {
      action: 'webhook.disabled',
      details: {
        webhookId: endpoint.id,
        reason,
        ...(endpoint.health.failingSince ? { failingSince: endpoint.health.failingSince } : {}),
      },
    },
    at,
  );
};

/**
 * Deliver one event to one endpoint, once.
 * Input: the delivery message; the batch's endpoints. Output: nothing (throws only when a
 * dependency fails: the message then comes back).
 * 1. Not due yet (a long wait, hop by hop): queue it again towards its time.
 * 2. Read the delivery's record: final, or already past this attempt → a duplicate, nothing to do.
 * 3. The endpoint deleted (as a consistent read says) or disabled meanwhile → the delivery fails,
 *    unattempted.
 * 4. The endpoint's circuit is open → wait for it (queued again, `pending`/`retrying`); when it has
 *    cooled down, one delivery claims the probe and goes, the others wait for its verdict.
 * 5. Sign (Standard Webhooks) and POST, through the SSRF guard, with a timeout; no redirects.
 * 6. The next state (delivered, retrying, failed): queue the next attempt first, then store the
 *    state conditionally on the version read (a crash in between re-sends, never loses the retry);
 *    a delivery whose retries are used up goes to the dead-letter queue.
 * 7. The endpoint's circuit: a success closes it, a failure opens it; a 410, or failures for three
 *    days, disable the endpoint, in the audit log.
 */
export const deliverWebhook = async (message: DeliveryMessage, batch: DeliveryBatch = {}): Promise<void> => {
  let now = Date.now();
  if (message.nb !== undefined && message.nb > now + 1000) {
    await queueAgain(message, message.nb, now);
    return;
  }
  const sortKey = deliverySortKey(message.ts, message.e);
  const [record, endpoints] = await Promise.all([
    webhookDeliveries.get(message.w, sortKey),
    endpointsOf(batch),
  ]);
  if (record && (isFinal(record.status) || record.attempts >= message.n)) return;
  const state = record ?? initialDelivery();
  // The batch read is eventually consistent: an endpoint registered a moment ago may be missing
  // from it. Only a strongly consistent read may say it is gone.
  const endpoint =
    endpoints.get(message.w) ?? (await webhookRegistry.get(true)).endpoints.find((e) => e.id === message.w);
  if (!endpoint || endpoint.status === 'disabled') {
    await store(
      message,
      record,
      afterEndpointLost(state, endpoint ? 'endpoint_disabled' : 'endpoint_deleted'),
      now,
    );
    return;
  }

  const circuit = gate(endpoint.health, now);
  const wait = async (until: number) => {
    const next = afterWaiting(state, until + Math.floor(Math.random() * 1000), now, message.c);
    if (next.deadLetter) await sendToDeadLetter('webhooks', JSON.stringify(message));
    else await queueAgain(message, Date.parse(next.state.nextAttemptAt ?? ''), now);
    await store(message, record, next, now);
  };
  if (circuit.kind === 'wait') return wait(circuit.until);
  if (circuit.kind === 'probe') {
    const lease = now + probeLeaseMs;
    if (!(await webhookRegistry.claimProbe(endpoint.id, circuit.retryAfter, new Date(lease).toISOString())))
      return wait(lease);
  }

  const timestamp = Math.floor(now / 1000);
  const secret = await openSecret(endpoint.sealedSecret, endpoint.id);
  const result = await postWebhook(
    new URL(endpoint.url),
    signedHeaders(secret, message.e, timestamp, message.b),
    message.b,
    {
      policy: receiverPolicy(),
      timeoutMs: timeoutMs(),
      maxResponseBytes,
    },
  );
  now = Date.now();
  const next = afterAttempt(state, message.n, result, now, message.c);
  if (next.retryInMs !== undefined) {
    const due = now + next.retryInMs;
    await sendMessage(
      'webhooks',
      JSON.stringify({ ...message, n: message.n + 1, nb: due } satisfies DeliveryMessage),
      hopDelaySeconds(due, now),
    );
  }
  if (next.deadLetter) await sendToDeadLetter('webhooks', JSON.stringify(message));
  await store(message, record, next, now);
  logger.info('webhook attempt', {
    webhookId: endpoint.id,
    eventId: message.e,
    attempt: message.n,
    status: next.state.status,
    result: result.kind,
    ...(result.kind === 'response' ? { statusCode: result.statusCode } : {}),
    ...(result.kind === 'blocked' || result.kind === 'network' ? { error: result.error } : {}),
  });

  if (next.endpoint === 'succeeded') {
    if (!isHealthy(endpoint.health)) await webhookRegistry.recordSuccess(endpoint.id);
  } else if (next.endpoint === 'gone') {
    await disable(endpoint, 'gone', now);
  } else if (next.endpoint === 'failed') {
    const after = healthAfterFailure(endpoint.health, now);
    await webhookRegistry.recordFailure(endpoint.id, after.health);
    if (after.disable) await disable(endpoint, 'failing', now);
  }
};
