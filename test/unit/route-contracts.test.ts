/**
 * The route table is composed from one contract per route, beside its handler; a handler's bundle
 * holds its own contract and nothing of the table or of another route's contract (read from
 * esbuild's metafile of the real bundles, built as CDK builds them).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '#infra/local/lambda.ts';
import { api as adminApi } from '#functions/console/admin.route.ts';
import { api as contactsApi } from '#functions/console/contacts.route.ts';
import { api as mailingsApi } from '#functions/console/mailings.route.ts';
import { api as sessionApi } from '#functions/console/session.route.ts';
import { api as listsApi } from '#functions/console/lists.route.ts';
import { api as typesApi } from '#functions/console/types.route.ts';
import { api as recipientsApi } from '#functions/console/recipients.route.ts';
import { api as sendApi } from '#functions/console/send.route.ts';
import { api as draftApi } from '#functions/console/draft.route.ts';
import { api as wizardApi } from '#functions/console/wizard.route.ts';
import type { RouteContract } from '#shared/http/contract.ts';
import { routeList } from '#infra/routes.ts';

const routes = routeList();
const contractOf = (entry: string) => entry.replace(/\.ts$/, '.route.ts');

/** The API routes each page group of the console stands in for, by its handler file. */
const consoleApis: Record<string, Readonly<Record<string, RouteContract>>> = {
  'functions/console/session.ts': sessionApi,
  'functions/console/mailings.ts': mailingsApi,
  'functions/console/wizard.ts': wizardApi,
  'functions/console/draft.ts': draftApi,
  'functions/console/recipients.ts': recipientsApi,
  'functions/console/send.ts': sendApi,
  'functions/console/contacts.ts': contactsApi,
  'functions/console/types.ts': typesApi,
  'functions/console/lists.ts': listsApi,
  'functions/console/admin.ts': adminApi,
};

describe('route contracts', () => {
  it.each(routes.map((r) => [r.key, r] as const))(
    '%s: key, entry and contract module agree',
    (key, route) => {
      expect(key).toBe(`${route.method} ${route.path}`);
      expect(existsSync(join(projectRoot, route.entry))).toBe(true);
      expect(existsSync(join(projectRoot, contractOf(route.entry)))).toBe(true);
    },
  );

  it('gives every route a unique, readable operationId and a description', () => {
    const ids = routes.map((r) => r.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const route of routes) {
      expect(route.operationId, route.key).toMatch(/^[a-z][A-Za-z]+$/);
      expect(route.description.length, route.key).toBeGreaterThan(20);
    }
  });

  it('bundles each handler with its own contract only (a console page group: and those of the API routes its actions check), never the route table nor any route documentation', async () => {
    const result = await build({
      // Routes that share a handler (the console) share its bundle: each entry is built once.
      entryPoints: Object.fromEntries(
        [...new Map(routes.map((r) => [r.entry, r])).values()].map((r) => [
          r.operationId,
          join(projectRoot, r.entry),
        ]),
      ),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node24',
      mainFields: ['module', 'main'],
      write: false,
      metafile: true,
      outdir: '/tmp/route-contract-bundles',
      logLevel: 'silent',
    });
    const byEntry = new Map(
      Object.values(result.metafile.outputs)
        .filter((o) => o.entryPoint)
        .map((o) => [o.entryPoint ?? '', Object.keys(o.inputs)]),
    );
    const textOf = new Map(
      Object.entries(result.metafile.outputs)
        .filter(([, o]) => o.entryPoint)
        .map(([file, o]) => [
          o.entryPoint ?? '',
          result.outputFiles.find((f) => f.path === resolve(file))?.text ?? '',
        ]),
    );
    // A summary as the bundle would hold it: esbuild writes non-ASCII and quotes escaped.
    const plain = routes
      .map((r) => r.summary)
      .filter((s) => s.length >= 40 && /^[\x20-\x7e]+$/.test(s) && !/['"`\\]/.test(s));
    expect(plain.length).toBeGreaterThan(routes.length / 2);
    for (const route of routes) {
      const inputs = byEntry.get(route.entry) ?? [];
      const text = textOf.get(route.entry) ?? '';
      expect(text.length, route.key).toBeGreaterThan(1000);
      // The words are the route table's (`documented`): no handler carries them.
      for (const summary of plain) expect(text.includes(summary), `${route.key}: ${summary}`).toBe(false);
      expect(inputs.length, route.key).toBeGreaterThan(0);
      const contracts = inputs.filter((input) => input.endsWith('.route.ts'));
      // The console stands in for API routes: the contracts (role, schemas) its actions check may
      // be there, and no other; those that only add to its grants are not.
      const fronted = Object.values(consoleApis[route.entry] ?? {}).map((r) => contractOf(r.entry));
      if (route.tag === 'console') expect(consoleApis[route.entry], route.key).toBeDefined();
      expect(contracts, route.key).toContain(contractOf(route.entry));
      for (const contract of contracts)
        expect([contractOf(route.entry), ...fronted], `${route.key}: ${contract}`).toContain(contract);
      expect(inputs, route.key).not.toContain('infra/routes.ts');
    }
  });
});
