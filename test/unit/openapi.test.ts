/**
 * The OpenAPI document, read by tools this project did not write: an OpenAPI 3.1 schema validator
 * (@seriousme/openapi-schema-validator), Redocly's linter with its recommended rules, ajv (JSON
 * Schema 2020-12) compiling every schema, and openapi-typescript generating the client. The files
 * in shared/client/ are what `npm run client` writes now: the served document and the client
 * cannot drift from the route contracts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { clientFiles } from '#infra/scripts/client-files.ts';
import { routeList } from '#infra/routes.ts';
import { compressedDocument } from '#shared/client/served-document.ts';
import { openApiDocument } from '#shared/http/openapi.ts';

type Operation = {
  operationId: string;
  description?: string;
  tags: string[];
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, { content?: Record<string, { schema?: unknown }>; $ref?: string }>;
};
type Document = {
  info: { description?: string; license?: { name: string } };
  tags: Array<{ name: string }>;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; responses: Record<string, unknown> };
};
const doc = openApiDocument(routeList()) as unknown as Document;
const text = JSON.stringify(doc);
const operation = (method: string, path: string) => {
  const op = doc.paths[path]?.[method.toLowerCase()];
  if (!op) throw new Error(`${method} ${path} is not in the document`);
  return op;
};
const clientDir = join(import.meta.dirname, '..', '..', 'shared', 'client');

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1 to an independent schema validator', async () => {
    const result = await new Validator().validate(structuredClone(doc) as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("passes Redocly's recommended lint rules with no error", async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({ source: text, absoluteRef: 'openapi.json', config });
    const errors = problems.filter((p) => p.severity === 'error');
    expect(errors.map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`)).toEqual([]);
  });

  it('resolves every $ref to a named component, with none into an inline $defs', () => {
    const refs = [...text.matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(refs.length).toBeGreaterThan(100);
    expect(text).not.toContain('$defs');
    for (const target of new Set(refs)) {
      const [, kind, name] = /^#\/components\/(schemas|responses)\/(.+)$/.exec(target) ?? [];
      expect(kind, target).toBeDefined();
      expect(doc.components[kind as 'schemas'][name ?? ''], target).toBeDefined();
    }
  });

  it('compiles every schema with ajv (JSON Schema 2020-12)', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addSchema({ ...doc, $id: 'https://subscription-center.invalid/openapi.json' });
    for (const name of Object.keys(doc.components.schemas))
      expect(
        () =>
          ajv.compile({
            $ref: `https://subscription-center.invalid/openapi.json#/components/schemas/${name}`,
          }),
        name,
      ).not.toThrow();
  });

  it('has one operation per route, each with its operationId, a description and a declared tag', () => {
    const declared = new Set(doc.tags.map((t) => t.name));
    for (const route of routeList()) {
      const op = operation(route.method, route.path);
      expect(op.operationId).toBe(route.operationId);
      expect(op.description, route.key).toContain(route.description);
      expect(declared.has(route.tag), route.key).toBe(true);
    }
    expect(doc.info.description).toBeTruthy();
    expect(doc.info.license?.name).toBeTruthy();
  });

  it('documents a body for every JSON answer that has one: 202s, /health, /openapi.json, errors', () => {
    const json = (method: string, path: string, status: string) =>
      operation(method, path).responses[status]?.content?.['application/json']?.schema;
    expect(json('POST', '/mailings/{id}/send', '202')).toEqual({ $ref: '#/components/schemas/SendAccepted' });
    expect(json('POST', '/contacts/{id}/privacy-email', '202')).toBeDefined();
    expect(json('GET', '/health', '200')).toEqual({ $ref: '#/components/schemas/Health' });
    expect(json('GET', '/openapi.json', '200')).toBeDefined();
    expect(operation('GET', '/contacts/{id}').responses['404']).toEqual({
      $ref: '#/components/responses/NotFound',
    });
    const error = doc.components.schemas.Error as {
      properties: { error: { properties: Record<string, unknown> } };
    };
    expect(error.properties.error.properties.details).toEqual({
      type: 'array',
      items: { $ref: '#/components/schemas/ErrorDetail' },
    });
  });

  it('documents the hosted pages as HTML and form posts, not JSON', () => {
    const oneClick = operation('POST', '/u/{token}');
    expect(Object.keys(oneClick.requestBody?.content ?? {})).toEqual([
      'application/x-www-form-urlencoded',
      'multipart/form-data',
    ]);
    expect(Object.keys(operation('GET', '/p/{token}').responses['200']?.content ?? {})).toEqual([
      'text/html',
    ]);
  });

  it('shows a batch import item as the POST /contacts body', () => {
    const batch = doc.components.schemas.ImportContactsRequest as {
      properties: { contacts: { items: unknown } };
    };
    expect(batch.properties.contacts.items).toEqual({ $ref: '#/components/schemas/CreateContactRequest' });
    expect(operation('POST', '/contacts').requestBody?.content['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/CreateContactRequest',
    });
  });

  it('is what shared/client/ holds: the document, the served copy and the typed client are current', async () => {
    const files = await clientFiles();
    for (const [name, generated] of Object.entries(files))
      expect(
        readFileSync(join(clientDir, name), 'utf8'),
        `shared/client/${name} is stale: npm run client`,
      ).toBe(generated);
    expect(
      JSON.parse(brotliDecompressSync(Buffer.from(compressedDocument, 'base64')).toString('utf8')),
    ).toEqual(doc);
  });
});
