/**
 * Who may call what, generated from the route table: every route × {no key, unknown key, revoked
 * key, marketer key, admin key}, each cell checked against the route's declared auth:
 *
 * | auth     | no key | unknown | revoked | marketer | admin |
 * |----------|--------|---------|---------|----------|-------|
 * | none     | ok     | ok      | ok      | ok       | ok    |
 * | token    | the same answer in every column: a signed token decides, API keys mean nothing |
 * | session  | the same answer in every column: the console's session cookie decides, API keys mean nothing |
 * | marketer | 401    | 401     | 401     | ok       | ok    |
 * | admin    | 401    | 401     | 401     | 403      | ok    |
 *
 * "ok" is any answer but 401/403 (and never a 5xx). Denials carry the documented error body. The
 * key is checked before anything is looked up, so requests use real ids and valid bodies: a denial
 * is never a side effect of a 404 or a 422.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import * as zod from 'zod/mini';
import type * as z from '#shared/schema/z.ts';
import { toZod } from '#shared/schema/to-zod.ts';
import { type RouteDefinition, type RouteKey, routeList } from '#infra/routes.ts';
import { logger } from '#shared/observability/logger.ts';
import { isDocumentedError, type JsonSchema, sample } from '#test/helpers/fuzz.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { routeFixtures } from '#test/helpers/route-fixtures.ts';

const { request, createKey } = useLocalStack({ autoConsume: false });

type Route = RouteDefinition & { key: RouteKey };
const columns = ['no key', 'unknown key', 'revoked key', 'marketer', 'admin'] as const;
type Column = (typeof columns)[number];

const keys: Record<Column, string | null> = {
  'no key': null,
  'unknown key': `sck_${randomBytes(32).toString('base64url')}`,
  'revoked key': '',
  marketer: '',
  admin: '',
};
let fixtures: Awaited<ReturnType<typeof routeFixtures>>;
let emails = 0;

beforeAll(async () => {
  keys.admin = await createKey('admin', 'matrix admin');
  keys.marketer = await createKey('marketer', 'matrix marketer');
  // The strongest key, revoked: it must open nothing.
  const revoked = await request<{ id: string; key: string }>('POST', '/api-keys', {
    body: { name: 'revoked admin', role: 'admin' },
  });
  keys['revoked key'] = revoked.body.key;
  expect((await request('DELETE', `/api-keys/${revoked.body.id}`)).status).toBe(200);

  fixtures = await routeFixtures(request, 'matrix');
}, 60_000);

const idFor = (route: Route, param: string) => fixtures.idFor(route, param);

const jsonSchema = (schema: z.Schema) =>
  zod.toJSONSchema(toZod(schema), { io: 'input', unrepresentable: 'any', reused: 'inline' }) as JsonSchema;

const sampleContext = {
  ids: { type: '', list: '', contact: '', mailing: '' },
  email: () => `matrix-${++emails}@matrix.example`,
};

/** A request the route would accept from a caller allowed to make it. */
const requestFor = (route: Route) => {
  Object.assign(sampleContext.ids, fixtures.ids);
  let path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(idFor(route, name)));
  if (route.query) {
    const schema = jsonSchema(route.query);
    const required = (schema.required ?? []).map(
      (name) =>
        `${name}=${encodeURIComponent(String(sample(schema.properties?.[name] ?? {}, sampleContext, name)))}`,
    );
    if (required.length) path += `?${required.join('&')}`;
  }
  if (route.page?.form)
    return {
      path,
      raw: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    };
  return { path, ...(route.body ? { body: sample(jsonSchema(route.body), sampleContext) } : {}) };
};

const expected = (auth: Route['auth'], column: Column): 401 | 403 | 'ok' => {
  if (auth === 'none' || auth === 'token' || auth === 'session') return 'ok';
  if (column === 'no key' || column === 'unknown key' || column === 'revoked key') return 401;
  if (auth === 'admin' && column === 'marketer') return 403;
  return 'ok';
};

const matrix: Array<{ route: string; column: Column; status: number }> = [];

describe('access matrix', () => {
  it.each(routeList().map((route) => [route.key, route as Route] as const))(
    '%s answers each kind of caller as its auth declares',
    async (_key, route) => {
      const statuses: number[] = [];
      for (const column of columns) {
        const res = await request(route.method, requestFor(route).path, {
          ...requestFor(route),
          key: keys[column],
        });
        statuses.push(res.status);
        matrix.push({ route: route.key, column, status: res.status });
        const want = expected(route.auth, column);
        const cell = `${route.key} × ${column}: ${res.status} ${res.text.slice(0, 200)}`;
        expect(res.status, cell).toBeLessThan(500);
        if (want === 'ok') expect([401, 403], cell).not.toContain(res.status);
        else {
          expect(res.status, cell).toBe(want);
          expect(isDocumentedError(res.text), cell).toBe(true);
          expect((res.body as { error: { code: string } }).error.code, cell).toBe(
            want === 401 ? 'unauthorized' : 'forbidden',
          );
        }
      }
      // A token or console route does not even look at the key: every column gets the same answer.
      if (route.auth === 'token' || route.auth === 'session')
        expect(new Set(statuses).size, route.key).toBe(1);
    },
  );

  it('denies exactly the cells the declared auth denies', () => {
    const routes = routeList();
    const denied = matrix.filter((cell) => cell.status === 401 || cell.status === 403);
    const declared = routes.flatMap((route) =>
      columns
        .filter((column) => expected(route.auth, column) !== 'ok')
        .map((column) => `${route.key} × ${column}`),
    );
    expect(matrix).toHaveLength(routes.length * columns.length);
    expect(denied.map((cell) => `${cell.route} × ${cell.column}`).sort()).toEqual(declared.sort());
    logger.info('access matrix', {
      routes: routes.length,
      cells: matrix.length,
      denied: denied.length,
      unauthorized: denied.filter((cell) => cell.status === 401).length,
      forbidden: denied.filter((cell) => cell.status === 403).length,
      byAuth: Object.fromEntries(
        ['none', 'token', 'session', 'marketer', 'admin'].map((auth) => [
          auth,
          routes.filter((r) => r.auth === auth).length,
        ]),
      ),
    });
  });
});

describe('the Authorization header', () => {
  const variants: Array<[string, (key: string) => Record<string, string>]> = [
    ['Basic scheme', (key) => ({ authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` })],
    ['the key without a scheme', (key) => ({ authorization: key })],
    ['two keys', (key) => ({ authorization: `Bearer ${key} ${key}` })],
    ['Bearer with no key', () => ({ authorization: 'Bearer ' })],
    ['a key one character short', (key) => ({ authorization: `Bearer ${key.slice(0, -1)}` })],
    ['a key in another header', (key) => ({ 'x-api-key': key })],
    ['a key in the query string', () => ({})],
    ['an over-long key', (key) => ({ authorization: `Bearer ${key}${'x'.repeat(300)}` })],
  ];

  it.each(variants)('opens nothing with %s', async (name, headers) => {
    const key = keys.admin ?? '';
    const path = name === 'a key in the query string' ? `/api-keys?key=${key}&api_key=${key}` : '/api-keys';
    const res = await request('GET', path, { key: null, headers: headers(key) });
    expect(res.status).toBe(401);
    expect(isDocumentedError(res.text)).toBe(true);
  });

  it('accepts the scheme in any case, as RFC 7235 says', async () => {
    const res = await request('GET', '/api-keys', {
      key: null,
      headers: { authorization: `bearer ${keys.admin}` },
    });
    expect(res.status).toBe(200);
  });
});
