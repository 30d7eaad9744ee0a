/**
 * The webhook endpoints of the account, all in ONE item of the app table (`WEBHOOKS` / `ENDPOINTS`):
 * an account has at most 20 (shared/domain/webhooks.ts), so one read gives the change-stream
 * consumer and the delivery worker every endpoint, and the limit holds under concurrent
 * registrations — adding or removing an endpoint is a write conditional on the item's `version`.
 * An endpoint's circuit (its `health`) and its status change by path updates of that endpoint alone,
 * which never touch the others or the version.
 *
 * Each endpoint keeps its signing secret sealed (./../secrets/webhook-secrets.ts), never in clear.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '#shared/domain/errors.ts';
import type { DisabledReason, EndpointHealth, WebhookEndpoint } from '#shared/domain/webhooks.ts';
import { dynamo, isConditionFailed, tableName } from './client.ts';

const key = { pk: 'WEBHOOKS', sk: 'ENDPOINTS' };

/** An endpoint as stored: with its sealed secret. */
export interface StoredEndpoint extends WebhookEndpoint {
  sealedSecret: string;
}

export interface Registry {
  endpoints: StoredEndpoint[];
  /** 0 before the first endpoint. */
  version: number;
}

/** Every endpoint, oldest first. `consistent` for the registration's count and the admin's reads. */
export async function get(consistent = true): Promise<Registry> {
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: tableName('app'), Key: key, ConsistentRead: consistent }),
  );
  const endpoints = Object.values((Item?.endpoints ?? {}) as Record<string, StoredEndpoint>).sort((a, b) =>
    a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  );
  return { endpoints, version: (Item?.version as number | undefined) ?? 0 };
}

/** Adds an endpoint unless the registry changed since `version` was read (ConflictError). */
export async function add(endpoint: StoredEndpoint, version: number): Promise<void> {
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName('app'),
        Key: key,
        UpdateExpression: version
          ? 'SET #endpoints.#id = :e, #version = :next'
          : 'SET #endpoints = :first, #version = :next',
        ConditionExpression: version ? '#version = :version' : 'attribute_not_exists(pk)',
        ExpressionAttributeNames: {
          '#endpoints': 'endpoints',
          '#version': 'version',
          ...(version ? { '#id': endpoint.id } : {}),
        },
        ExpressionAttributeValues: {
          ':next': version + 1,
          ...(version ? { ':e': endpoint, ':version': version } : { ':first': { [endpoint.id]: endpoint } }),
        },
      }),
    );
  } catch (error) {
    if (isConditionFailed(error)) throw new ConflictError('The webhook endpoints changed at the same time');
    throw error;
  }
}

/** Removes an endpoint; false when there was none with that id. */
export async function remove(id: string): Promise<boolean> {
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName('app'),
        Key: key,
        UpdateExpression: 'REMOVE #endpoints.#id ADD #version :one',
        ConditionExpression: 'attribute_exists(#endpoints.#id)',
        ExpressionAttributeNames: { '#endpoints': 'endpoints', '#id': id, '#version': 'version' },
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/**
 * Records a failed attempt: the first failure of a run stays (`failingSince`), the count goes up,
 * the circuit opens until `health.retryAfter`. Nothing when the endpoint is gone.
 */
export async function recordFailure(id: string, health: EndpointHealth): Promise<void> {
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName('app'),
        Key: key,
        UpdateExpression:
          'SET #e.#id.#h.#since = if_not_exists(#e.#id.#h.#since, :since), #e.#id.#h.#last = :last, #e.#id.#h.#after = :after, #e.#id.#h.#count = #e.#id.#h.#count + :one',
        ConditionExpression: 'attribute_exists(#e.#id)',
        ExpressionAttributeNames: {
          '#e': 'endpoints',
          '#id': id,
          '#h': 'health',
          '#since': 'failingSince',
          '#last': 'lastFailureAt',
          '#after': 'retryAfter',
          '#count': 'consecutiveFailures',
        },
        ExpressionAttributeValues: {
          ':since': health.failingSince,
          ':last': health.lastFailureAt,
          ':after': health.retryAfter,
          ':one': 1,
        },
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
}

/** Closes the circuit after a success. */
export async function recordSuccess(id: string): Promise<void> {
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName('app'),
        Key: key,
        UpdateExpression: 'SET #e.#id.#h = :healthy',
        ConditionExpression: 'attribute_exists(#e.#id)',
        ExpressionAttributeNames: { '#e': 'endpoints', '#id': id, '#h': 'health' },
        ExpressionAttributeValues: { ':healthy': { consecutiveFailures: 0 } },
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
}

/**
 * Takes the one probe of an open circuit: moves `retryAfter` from what the caller read to `until`.
 * False when another delivery took it first (or the circuit closed meanwhile).
 */
export async function claimProbe(id: string, seen: string, until: string): Promise<boolean> {
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName('app'),
        Key: key,
        UpdateExpression: 'SET #e.#id.#h.#after = :until',
        ConditionExpression: '#e.#id.#h.#after = :seen',
        ExpressionAttributeNames: { '#e': 'endpoints', '#id': id, '#h': 'health', '#after': 'retryAfter' },
        ExpressionAttributeValues: { ':seen': seen, ':until': until },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/** Disables an active endpoint; true for the one caller that did it (who then records it). */
export async function disable(id: string, reason: DisabledReason, at: string): Promise<boolean> {
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName('app'),
        Key: key,
        UpdateExpression: 'SET #e.#id.#status = :disabled, #e.#id.#at = :at, #e.#id.#reason = :reason',
        ConditionExpression: '#e.#id.#status = :active',
        ExpressionAttributeNames: {
          '#e': 'endpoints',
          '#id': id,
          '#status': 'status',
          '#at': 'disabledAt',
          '#reason': 'disabledReason',
        },
        ExpressionAttributeValues: {
          ':disabled': 'disabled',
          ':active': 'active',
          ':at': at,
          ':reason': reason,
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}
