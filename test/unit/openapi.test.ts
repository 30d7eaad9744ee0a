import { describe, expect, it } from 'vitest';
import { routeList } from '#infra/routes.ts';
import { openApiDocument } from '#shared/http/openapi.ts';

type Operation = {
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, { content?: Record<string, unknown> }>;
};
const doc = openApiDocument() as { paths: Record<string, Record<string, Operation>> };
const operation = (method: string, path: string) => {
  const op = doc.paths[path]?.[method.toLowerCase()];
  if (!op) throw new Error(`${method} ${path} is not in the document`);
  return op;
};

describe('the OpenAPI document', () => {
  it('has one operation for every route of the route table', () => {
    for (const route of routeList()) expect(() => operation(route.method, route.path)).not.toThrow();
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

  it('shows a batch import item with the shape of the POST /contacts body', () => {
    const batch = operation('POST', '/contacts/batch').requestBody?.content['application/json']?.schema as {
      properties: { contacts: { items: Record<string, unknown> } };
    };
    const single = operation('POST', '/contacts').requestBody?.content['application/json']?.schema;
    const { description: _d, ...item } = batch.properties.contacts.items;
    const { description: _s, $schema: _schema, ...body } = single ?? {};
    expect(item).toEqual(body);
    expect(JSON.stringify(doc)).not.toContain('x-item-schema');
  });
});
