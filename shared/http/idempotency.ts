import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo, isConditionFailed, tableName } from '#shared/adapters/dynamodb/client.ts';
import { signingKeys } from '#shared/adapters/secrets/signing-keys.ts';
import { HttpError } from './errors.ts';

const ttlSeconds = 24 * 60 * 60;
/**
 * How long a `started` record holds its key: longer than any request can run (API Gateway gives up
 * after 30 s). A record still `started` after that belongs to a request that died; the next
 * request with the key takes it over and runs.
 */
export const startedLeaseMs = 35_000;

export interface StoredResponse {
  statusCode: number;
  body: string;
}

/**
 * `Idempotency-Key` on creating POSTs, as a record with states (Powertools' idempotency record):
 *
 *   (none) ──begin──▶ started ──complete──▶ done (replayed for 24 hours)
 *                       │ └── the request failed ──▶ (none): the client may retry
 *                       └── its lease ends (the request died) ──▶ taken over by the next request
 *
 * The record is keyed by the API key that sent it, the route, and the Idempotency-Key, so the
 * same key on two routes are two records. A retry with the same body gets the stored response; the
 * same key with another body is a 422; a retry while the first still runs is a 409. A request
 * whose work succeeded never frees its key, even if storing the response fails: a retry then waits
 * for the lease and runs again only if the record is still `started` (the work's own conditional
 * writes decide whether that creates anything twice). Response fields named secret (the key
 * `POST /api-keys` shows once) are never stored in clear: they are sealed with a key derived from
 * the signing secret, and opened only for a replay.
 */
export const idempotency = {
  async begin(scope: Scope, key: string, body: string): Promise<StoredResponse | undefined> {
    if (key.length > 200)
      throw new HttpError(422, 'validation_failed', 'Idempotency-Key is longer than 200 characters');
    const item = itemKey(scope, key);
    const bodyHash = createHash('sha256').update(body).digest('hex');
    const now = Date.now();
    const started = {
      ...item,
      state: 'started',
      bodyHash,
      leaseUntil: now + startedLeaseMs,
      expiresAt: Math.floor(now / 1000) + ttlSeconds,
    };
    try {
      await dynamo.send(
        new PutCommand({
          TableName: tableName('app'),
          Item: started,
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return undefined;
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
    const { Item } = await dynamo.send(
      new GetCommand({ TableName: tableName('app'), Key: item, ConsistentRead: true }),
    );
    if (!Item) return idempotency.begin(scope, key, body); // removed meanwhile: start again
    if (Item.bodyHash !== bodyHash) {
      throw new HttpError(
        422,
        'idempotency_key_reused',
        'This Idempotency-Key was used with a different request body',
      );
    }
    if (Item.state === 'done')
      return { statusCode: Item.statusCode as number, body: await openSealed(Item.response as string, Item) };
    if (typeof Item.leaseUntil === 'number' && Item.leaseUntil < now) {
      // The request that started it died: take the key over, on condition it is still that one's.
      try {
        await dynamo.send(
          new PutCommand({
            TableName: tableName('app'),
            Item: started,
            ConditionExpression: '#s = :started AND leaseUntil = :lease',
            ExpressionAttributeNames: { '#s': 'state' },
            ExpressionAttributeValues: { ':started': 'started', ':lease': Item.leaseUntil },
          }),
        );
        return undefined;
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
      }
    }
    throw new HttpError(
      409,
      'request_in_progress',
      'A request with this Idempotency-Key is still being processed',
    );
  },

  /** Stores the response (retried: the work is done, and a lost record would let it run again). */
  async complete(
    scope: Scope,
    key: string,
    response: StoredResponse,
    secretFields: readonly string[] = [],
  ): Promise<void> {
    const sealed = secretFields.length ? await seal(response.body, secretFields) : undefined;
    for (let attempt = 0; ; attempt++) {
      try {
        await dynamo.send(
          new UpdateCommand({
            TableName: tableName('app'),
            Key: itemKey(scope, key),
            UpdateExpression: sealed
              ? 'SET #s = :done, statusCode = :c, #r = :r, sealed = :sealed REMOVE leaseUntil'
              : 'SET #s = :done, statusCode = :c, #r = :r REMOVE leaseUntil',
            ExpressionAttributeNames: { '#s': 'state', '#r': 'response' },
            ExpressionAttributeValues: {
              ':done': 'done',
              ':c': response.statusCode,
              ':r': sealed?.body ?? response.body,
              ...(sealed ? { ':sealed': sealed.sealed } : {}),
            },
          }),
        );
        return;
      } catch (error) {
        if (attempt >= 2) throw error;
        await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
      }
    }
  },

  /** A request that failed frees its key, so the client may retry it. */
  async release(scope: Scope, key: string): Promise<void> {
    await dynamo.send(new DeleteCommand({ TableName: tableName('app'), Key: itemKey(scope, key) }));
  },
};

/** Whose record: the API key that sent the request, and the route. */
export interface Scope {
  caller: string;
  route: string;
}

const itemKey = (scope: Scope, key: string) => ({
  pk: `IDEM#${scope.caller}#${createHash('sha256').update(`${scope.route}\n${key}`).digest('hex')}`,
  sk: 'IDEM',
});

// ── Sealed response fields ──────────────────────────────────────────────────────────────────

const sealInfo = 'idempotency-seal:v1';
const sealKey = (secret: string) => Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), sealInfo, 32));

/** The body with `fields` replaced by placeholders, and the fields encrypted (AES-256-GCM). */
const seal = async (body: string, fields: readonly string[]) => {
  const value = JSON.parse(body) as Record<string, unknown>;
  const secrets: Record<string, unknown> = {};
  for (const field of fields) {
    if (!(field in value)) continue;
    secrets[field] = value[field];
    value[field] = null;
  }
  const keys = await signingKeys();
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealKey(keys.keys[keys.current] as string), iv);
  const data = Buffer.concat([cipher.update(JSON.stringify(secrets), 'utf8'), cipher.final()]);
  return {
    body: JSON.stringify(value),
    sealed: {
      kid: keys.current,
      iv: iv.toString('base64url'),
      tag: cipher.getAuthTag().toString('base64url'),
      data: data.toString('base64url'),
    },
  };
};

const openSealed = async (body: string, item: Record<string, unknown>): Promise<string> => {
  const sealed = item.sealed as { kid: string; iv: string; tag: string; data: string } | undefined;
  if (!sealed) return body;
  const keys = await signingKeys();
  const secret = keys.keys[sealed.kid];
  if (!secret) throw new HttpError(409, 'replay_unavailable', 'The stored response can no longer be opened');
  const decipher = createDecipheriv('aes-256-gcm', sealKey(secret), Buffer.from(sealed.iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64url'));
  const secrets = JSON.parse(
    Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64url')), decipher.final()]).toString(
      'utf8',
    ),
  ) as Record<string, unknown>;
  return JSON.stringify({ ...(JSON.parse(body) as Record<string, unknown>), ...secrets });
};
