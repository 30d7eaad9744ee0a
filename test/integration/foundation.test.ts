import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { useLocalStack } from '#test/helpers/local-stack.ts';

const { request, createKey, stack } = useLocalStack();

describe('health and OpenAPI', () => {
  it('answers /health without a key', async () => {
    const res = await request('GET', '/health', { key: null });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
  });

  it('serves an OpenAPI 3.1 document without a key', async () => {
    const res = await request<{ openapi: string; paths: Record<string, unknown> }>('GET', '/openapi.json', {
      key: null,
    });
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(Object.keys(res.body.paths)).toContain('/settings/privacy');
  });

  it('answers an unknown route with the documented error body', async () => {
    const res = await request('GET', '/no-such-thing', { key: null });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'not_found', message: expect.any(String), details: [] } });
  });
});

describe('API keys', () => {
  it('shows a created key once and lists keys without secrets', async () => {
    const created = await request<{ id: string; key: string; role: string }>('POST', '/api-keys', {
      body: { name: 'campaign tool', role: 'marketer' },
    });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^sck_/);
    expect(created.body.role).toBe('marketer');
    const list = await request<{ items: Array<Record<string, unknown>>; nextCursor: string | null }>(
      'GET',
      '/api-keys',
    );
    expect(list.status).toBe(200);
    const listed = list.body.items.find((k) => k.id === created.body.id);
    expect(listed).toMatchObject({ name: 'campaign tool', role: 'marketer' });
    expect(JSON.stringify(list.body)).not.toContain(created.body.key);
  });

  it('pages the key list with a cursor', async () => {
    for (let i = 0; i < 3; i++) await createKey('marketer', `paged ${i}`);
    const first = await request<{ items: unknown[]; nextCursor: string | null }>('GET', '/api-keys?limit=2');
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await request<{ items: Array<{ id: string }> }>(
      'GET',
      `/api-keys?limit=2&cursor=${first.body.nextCursor}`,
    );
    expect(second.status).toBe(200);
    expect(second.body.items.length).toBeGreaterThan(0);
  });

  it('rejects a forged cursor with 422', async () => {
    const forged = Buffer.from(
      JSON.stringify({ pk: 'SETTINGS', sk: 'privacy', kind: 'OTHER', kindSk: 'x' }),
    ).toString('base64url');
    const res = await request('GET', `/api-keys?cursor=${forged}`);
    expect(res.status).toBe(422);
  });

  it('stops a revoked key at once (401)', async () => {
    const created = await request<{ id: string; key: string }>('POST', '/api-keys', {
      body: { name: 'old', role: 'marketer' },
    });
    expect((await request('GET', '/settings', { key: created.body.key })).status).toBe(200);
    const revoked = await request<{ revokedAt: string }>('DELETE', `/api-keys/${created.body.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toEqual(expect.any(String));
    expect((await request('GET', '/settings', { key: created.body.key })).status).toBe(401);
  });

  it('answers 404 for an unknown key id and for an id that cannot exist', async () => {
    expect((await request('DELETE', '/api-keys/01h00000000000000000000000')).status).toBe(404);
    expect((await request('DELETE', '/api-keys/not-an-id')).status).toBe(404);
  });
});

describe('authentication', () => {
  it('answers 401 without a key and with an unknown key, 403 with too small a role', async () => {
    const marketer = await createKey('marketer');
    expect((await request('PUT', '/settings/privacy', { key: null, body: { enabled: false } })).status).toBe(
      401,
    );
    expect(
      (await request('PUT', '/settings/privacy', { key: 'sck_unknown', body: { enabled: false } })).status,
    ).toBe(401);
    const denied = await request('PUT', '/settings/privacy', { key: marketer, body: { enabled: false } });
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ error: { code: 'forbidden' } });
  });

  it('checks the key before looking anything up: unknown id without a key is 401', async () => {
    expect((await request('DELETE', '/api-keys/01h00000000000000000000000', { key: null })).status).toBe(401);
  });

  it('stores only hashes of keys', async () => {
    const key = await createKey('marketer');
    const { ScanCommand } = await import('@aws-sdk/client-dynamodb');
    const scan = await stack().dynamo.send(new ScanCommand({ TableName: stack().tableNames.app }));
    expect(JSON.stringify(scan.Items)).not.toContain(key);
    expect(JSON.stringify(scan.Items)).not.toContain(stack().adminKey);
  });
});

describe('settings', () => {
  it('has the privacy filter on until an admin switches it, recording who and when', async () => {
    const marketer = await createKey('marketer');
    const before = await request<{ privacy: { enabled: boolean } }>('GET', '/settings', { key: marketer });
    expect(before.status).toBe(200);
    expect(before.body.privacy.enabled).toBe(true);
    const put = await request<{ privacy: { enabled: boolean; updatedBy: string; updatedAt: string } }>(
      'PUT',
      '/settings/privacy',
      {
        body: { enabled: false },
      },
    );
    expect(put.status).toBe(200);
    expect(put.body.privacy).toMatchObject({
      enabled: false,
      updatedBy: expect.any(String),
      updatedAt: expect.any(String),
    });
    const after = await request<{ privacy: { enabled: boolean } }>('GET', '/settings', { key: marketer });
    expect(after.body.privacy.enabled).toBe(false);
    await request('PUT', '/settings/privacy', { body: { enabled: true } });
  });
});

describe('request checks before any handler logic', () => {
  it('answers 400 to malformed JSON', async () => {
    const res = await request('PUT', '/settings/privacy', {
      raw: '{"enabled": tru',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'malformed_json', message: expect.any(String), details: [] } });
  });

  it('answers 415 to a body that is not JSON', async () => {
    const res = await request('PUT', '/settings/privacy', {
      raw: 'enabled=true',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(415);
    expect(res.body).toMatchObject({ error: { code: 'unsupported_media_type' } });
  });

  it('answers 413 to a body over 1 MB', async () => {
    const res = await request('POST', '/api-keys', {
      raw: JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10), role: 'admin' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ error: { code: 'payload_too_large' } });
  });

  it('answers 422 naming the field for unknown fields and wrong types', async () => {
    const res = await request<{ error: { code: string; details: Array<{ path: string }> } }>(
      'POST',
      '/api-keys',
      {
        body: { name: 'x', role: 'owner', extra: 1 },
      },
    );
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('validation_failed');
    const paths = res.body.error.details.map((d) => d.path);
    expect(paths).toContain('body.role');
    expect(paths.join()).toContain('body');
  });

  it('answers 422 to a bad query value', async () => {
    expect((await request('GET', '/api-keys?limit=0')).status).toBe(422);
    expect((await request('GET', '/api-keys?limit=abc')).status).toBe(422);
  });
});

describe('Idempotency-Key', () => {
  it('replays the first response for the same key and body, refuses another body', async () => {
    const headers = { 'idempotency-key': 'create-ci-key-1' };
    const first = await request<{ id: string }>('POST', '/api-keys', {
      body: { name: 'ci', role: 'marketer' },
      headers,
    });
    const again = await request<{ id: string }>('POST', '/api-keys', {
      body: { name: 'ci', role: 'marketer' },
      headers,
    });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const other = await request('POST', '/api-keys', { body: { name: 'other', role: 'marketer' }, headers });
    expect(other.status).toBe(422);
  });

  /** Every idempotency record as stored. */
  const idempotencyRecords = async () =>
    ((await stack().dynamo.send(new ScanCommand({ TableName: stack().tableNames.app }))).Items ?? [])
      .map((item) => unmarshall(item))
      .filter((item) => String(item.pk).startsWith('IDEM#'));

  it('never keeps the key POST /api-keys shows once in clear, yet replays it', async () => {
    const headers = { 'idempotency-key': 'sealed-key-1' };
    const first = await request<{ id: string; key: string }>('POST', '/api-keys', {
      body: { name: 'sealed', role: 'marketer' },
      headers,
    });
    expect(first.status).toBe(201);
    const stored = JSON.stringify(await idempotencyRecords());
    expect(stored).not.toContain(first.body.key);
    expect(stored).not.toContain(first.body.key.slice(4, 30));
    const again = await request<{ id: string; key: string }>('POST', '/api-keys', {
      body: { name: 'sealed', role: 'marketer' },
      headers,
    });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    // The replayed key is the real one: it works.
    expect((await request('GET', '/subscription-types', { key: again.body.key })).status).toBe(200);
  });

  it('keeps one record per route: the same key on two routes creates on both', async () => {
    const headers = { 'idempotency-key': 'shared-key' };
    const type = await request<{ id: string }>('POST', '/subscription-types', {
      body: { name: 'Same key' },
      headers,
    });
    const list = await request<{ id: string }>('POST', '/lists', {
      body: { name: 'Same key', criteria: { subscribedTo: type.body.id } },
      headers,
    });
    expect(type.status).toBe(201);
    expect(list.status).toBe(201);
    expect(list.headers.get('idempotent-replayed')).toBeNull();
    expect(list.body.id).not.toBe(type.body.id);
  });

  it('lets a retry take over a key whose request died while `started`, once its lease is over', async () => {
    const headers = { 'idempotency-key': 'died-while-started' };
    const body = { name: 'after a crash', role: 'marketer' };
    // The first request dies after claiming the key: nothing it does after reaches the table, so
    // its record stays `started`, as a dead process leaves it.
    const { dynamo } = await import('#shared/adapters/dynamodb/client.ts');
    let died = false;
    dynamo.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as { Item?: { pk?: string }; Key?: { pk?: string } };
        if (!died && String(input.Item?.pk ?? '').startsWith('APIKEY#')) died = true;
        if (died && String(input.Key?.pk ?? input.Item?.pk ?? '').match(/^(APIKEY|IDEM|AUDIT)#/))
          throw Object.assign(new Error('the process died'), { name: 'SimulatedCrash' });
        return next(args);
      },
      { step: 'initialize', name: 'die-after-claim' },
    );
    try {
      // Not through `request`: a request that dies answers a 500, which no route documents.
      const died500 = await fetch(`${stack().apiUrl}/api-keys`, {
        method: 'POST',
        headers: {
          ...headers,
          authorization: `Bearer ${stack().adminKey}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
      });
      expect(died500.status).toBe(500);
    } finally {
      dynamo.middlewareStack.remove('die-after-claim');
    }
    expect((await request('POST', '/api-keys', { body, headers })).status).toBe(409);
    // Its lease ends (as if 35 s had passed): the retry runs.
    const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    const records = (await idempotencyRecords()).filter((r) => r.state === 'started');
    expect(records).toHaveLength(1);
    await dynamo.send(
      new UpdateCommand({
        TableName: stack().tableNames.app,
        Key: { pk: records[0]?.pk, sk: 'IDEM' },
        UpdateExpression: 'SET leaseUntil = :past',
        ExpressionAttributeValues: { ':past': Date.now() - 1 },
      }),
    );
    const retried = await request<{ id: string }>('POST', '/api-keys', { body, headers });
    expect(retried.status).toBe(201);
    const replay = await request<{ id: string }>('POST', '/api-keys', { body, headers });
    expect(replay.body.id).toBe(retried.body.id);
  });

  it('never frees the key of a create that succeeded, even if storing its response failed', async () => {
    const headers = { 'idempotency-key': 'created-then-lost' };
    const body = { name: 'Stored once' };
    const { dynamo } = await import('#shared/adapters/dynamodb/client.ts');
    dynamo.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as { Key?: { pk?: string }; UpdateExpression?: string };
        if (String(input.Key?.pk ?? '').startsWith('IDEM#') && input.UpdateExpression?.includes(':done'))
          throw Object.assign(new Error('throughput exceeded'), { name: 'InternalServerError' });
        return next(args);
      },
      { step: 'initialize', name: 'lose-complete' },
    );
    let created: { status: number; body: { id: string } };
    try {
      created = await request<{ id: string }>('POST', '/subscription-types', { body, headers });
    } finally {
      dynamo.middlewareStack.remove('lose-complete');
    }
    expect(created.status).toBe(201);
    // The retry finds the key still held (not freed): it does not create a second type.
    expect((await request('POST', '/subscription-types', { body, headers })).status).toBe(409);
    const types = await request<{ items: Array<{ name: string }> }>('GET', '/subscription-types?limit=100');
    expect(types.body.items.filter((t) => t.name === 'Stored once')).toHaveLength(1);
  });

  it('frees the key when the request failed, so a corrected retry works', async () => {
    const headers = { 'idempotency-key': 'retry-after-422' };
    expect(
      (await request('POST', '/api-keys', { body: { name: '', role: 'marketer' }, headers })).status,
    ).toBe(422);
    expect(
      (await request('POST', '/api-keys', { body: { name: 'ok', role: 'marketer' }, headers })).status,
    ).toBe(201);
  });
});
