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
