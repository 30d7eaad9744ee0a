import { describe, expect, it } from 'vitest';
import { useLocalStack } from '#test/helpers/local-stack.ts';

const { request, createKey } = useLocalStack();

interface Type {
  id: string;
  name: string;
  description: string;
  public: boolean;
  doubleOptIn: boolean;
  archived: boolean;
  translations?: Record<string, { name?: string; description?: string }>;
  createdAt: string;
  updatedAt: string;
}

describe('subscription types', () => {
  it('creates a type with defaults and reads it back', async () => {
    const marketer = await createKey('marketer');
    const created = await request<Type>('POST', '/subscription-types', {
      key: marketer,
      body: { name: '  Monthly newsletter ' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9a-z]{26}$/),
      name: 'Monthly newsletter',
      description: '',
      public: true,
      doubleOptIn: false,
      archived: false,
      createdAt: expect.any(String),
      updatedAt: created.body.createdAt,
    });
    const read = await request<Type>('GET', `/subscription-types/${created.body.id}`, { key: marketer });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
  });

  it('keeps translations per language', async () => {
    const created = await request<Type>('POST', '/subscription-types', {
      body: {
        name: 'Event invitations',
        description: 'Invitations to our events',
        public: false,
        doubleOptIn: true,
        translations: { sv: { name: 'Inbjudningar' }, 'de-AT': { description: 'Einladungen' } },
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      public: false,
      doubleOptIn: true,
      translations: { sv: { name: 'Inbjudningar' }, 'de-AT': { description: 'Einladungen' } },
    });
  });

  it('lists types page by page, oldest first', async () => {
    const names = ['List A', 'List B', 'List C'];
    const ids: string[] = [];
    for (const name of names) {
      ids.push((await request<Type>('POST', '/subscription-types', { body: { name } })).body.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: { items: Type[]; nextCursor: string | null } } = await request(
        'GET',
        `/subscription-types?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((t) => t.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    const mine = seen.filter((id) => ids.includes(id));
    expect(mine).toEqual(ids);
  });

  it('updates only the given fields and archives with archived: true', async () => {
    const created = await request<Type>('POST', '/subscription-types', {
      body: { name: 'Product news', description: 'What is new', translations: { sv: { name: 'Nyheter' } } },
    });
    const patched = await request<Type>('PATCH', `/subscription-types/${created.body.id}`, {
      body: { description: 'What is new, monthly', archived: true, translations: null },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      name: 'Product news',
      description: 'What is new, monthly',
      archived: true,
      public: true,
    });
    expect(patched.body.translations).toBeUndefined();
    expect(patched.body.updatedAt >= created.body.updatedAt).toBe(true);
    const read = await request<Type>('GET', `/subscription-types/${created.body.id}`);
    expect(read.body.archived).toBe(true);
  });

  it('answers 404 for an unknown type, on read and on update', async () => {
    const unknown = '01h00000000000000000000000';
    expect((await request('GET', `/subscription-types/${unknown}`)).status).toBe(404);
    expect((await request('PATCH', `/subscription-types/${unknown}`, { body: { name: 'x' } })).status).toBe(
      404,
    );
    expect((await request('GET', '/subscription-types/not-an-id')).status).toBe(404);
  });

  it('rejects bad input with 422 naming the field, unknown fields included', async () => {
    const cases: Array<[unknown, string]> = [
      [{ name: '' }, 'body.name'],
      [{ name: 'x'.repeat(101) }, 'body.name'],
      [{ name: 'ok', doubleOptIn: 'yes' }, 'body.doubleOptIn'],
      [{ name: 'ok', translations: { English: { name: 'x' } } }, 'body.translations'],
      [{ name: 'ok', archived: true }, 'body'],
      [{ name: 'ok', colour: 'red' }, 'body'],
    ];
    for (const [body, path] of cases) {
      const res = await request<{ error: { code: string; details: Array<{ path: string }> } }>(
        'POST',
        '/subscription-types',
        { body },
      );
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.details.map((d) => d.path).some((p) => p.startsWith(path))).toBe(true);
    }
  });

  it('honours Idempotency-Key on create', async () => {
    const headers = { 'idempotency-key': 'type-create-1' };
    const first = await request<Type>('POST', '/subscription-types', { body: { name: 'Once' }, headers });
    const again = await request<Type>('POST', '/subscription-types', { body: { name: 'Once' }, headers });
    expect(first.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  });

  it('needs a key (401)', async () => {
    expect((await request('GET', '/subscription-types', { key: null })).status).toBe(401);
    expect((await request('POST', '/subscription-types', { key: null, body: { name: 'x' } })).status).toBe(
      401,
    );
  });
});
