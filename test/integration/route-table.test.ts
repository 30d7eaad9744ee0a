/**
 * Generated from the route table: every route has a handler, an OpenAPI entry, and the declared
 * auth (401 without a key, 401 with an unknown key, 403 with too small a role).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '#infra/local/lambda.ts';
import { routeList } from '#infra/routes.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';

const { request, createKey } = useLocalStack();

/** A concrete path for a route template: ids that look real but do not exist. */
const concrete = (path: string) => path.replace(/\{[^}]+\}/g, '01h00000000000000000000000');

const routes = routeList();

describe('route table', () => {
  it.each(routes.map((r) => [r.key, r] as const))(
    '%s has a handler module exporting handler',
    async (_key, route) => {
      expect(existsSync(join(projectRoot, route.entry))).toBe(true);
      const module = (await import(join(projectRoot, route.entry))) as { handler?: unknown };
      expect(typeof module.handler).toBe('function');
    },
  );

  it('documents every route in the OpenAPI document with its declared role', async () => {
    const doc = await request<{ paths: Record<string, Record<string, { 'x-required-role': string }>> }>(
      'GET',
      '/openapi.json',
      { key: null },
    );
    for (const route of routes) {
      const operation = doc.body.paths[route.path]?.[route.method.toLowerCase()];
      expect(operation, route.key).toBeDefined();
      expect(operation?.['x-required-role'], route.key).toBe(route.auth);
    }
  });

  const keyed = routes.filter((r) => r.auth === 'marketer' || r.auth === 'admin');
  it.each(keyed.map((r) => [r.key, r] as const))(
    '%s answers 401 without a key or with an unknown one',
    async (_key, route) => {
      const path = concrete(route.path);
      const body = route.body ? {} : undefined;
      const none = await request(route.method, path, { key: null, body });
      expect(none.status).toBe(401);
      expect(none.body).toMatchObject({ error: { code: 'unauthorized' } });
      expect((await request(route.method, path, { key: 'sck_not-a-real-key', body })).status).toBe(401);
    },
  );

  const adminOnly = routes.filter((r) => r.auth === 'admin');
  it.each(adminOnly.map((r) => [r.key, r] as const))(
    '%s answers 403 to a marketer key',
    async (_key, route) => {
      const marketer = await createKey('marketer');
      const res = await request(route.method, concrete(route.path), {
        key: marketer,
        body: route.body ? {} : undefined,
      });
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ error: { code: 'forbidden' } });
    },
  );

  const marketerRoutes = routes.filter((r) => r.auth === 'marketer');
  it.each(marketerRoutes.map((r) => [r.key, r] as const))(
    '%s lets a marketer key past authorization',
    async (_key, route) => {
      const marketer = await createKey('marketer');
      const res = await request(route.method, concrete(route.path), {
        key: marketer,
        body: route.body ? {} : undefined,
      });
      expect([401, 403]).not.toContain(res.status);
      expect(res.status).toBeLessThan(500);
    },
  );
});
