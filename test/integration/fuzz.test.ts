/**
 * Hostile input on every route of the route table, generated from the table and its zod schemas
 * (through the JSON Schema zod emits): hostile path parameters, wrong types and hostile strings in
 * every query and body field, unknown fields, non-objects, invalid JSON, empty, huge and deeply
 * nested bodies, wrong content types, hostile forms for the hosted pages, and methods no route has.
 *
 * Invariants, checked on every answer:
 * - never a 5xx;
 * - every JSON error is exactly `{"error": {"code", "message", "details"}}`; a hosted page errs as a
 *   4xx HTML page; neither shows a stack trace or an internal path;
 * - a rejected request (4xx) writes nothing: no DynamoDB write (but idempotency and rate-limit
 *   records), no SQS message, no mail. Checked per request on the product's SDK clients, and by
 *   comparing Scans of every table before and after each run of rejected requests.
 * The cases are a fixed list (seeded), bounded per route.
 */
import { randomBytes } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as zod from 'zod/mini';
import type * as z from '#shared/schema/z.ts';
import { toZod } from '#shared/schema/to-zod.ts';
import { type RouteDefinition, type RouteKey, routeList } from '#infra/routes.ts';
import { dynamo } from '#shared/adapters/dynamodb/client.ts';
import { signingKeys } from '#shared/adapters/secrets/signing-keys.ts';
import { ses } from '#shared/adapters/ses/client.ts';
import { sqs } from '#shared/adapters/sqs/client.ts';
import { parseKeySet, signToken, type TokenClaims, tokenPurposes } from '#shared/domain/tokens.ts';
import { logger, setLogSink } from '#shared/observability/logger.ts';
import { type FaultableClient, injectOnWire, prng } from '#test/helpers/faults.ts';
import {
  deeplyNested,
  hostilePathSegments,
  hostileStrings,
  isDocumentedError,
  type JsonSchema,
  leaksInternals,
  percentEncode,
  type RawResponse,
  rawRequest,
  type SampleContext,
  sample,
  wrongTypes,
} from '#test/helpers/fuzz.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { routeFixtures } from '#test/helpers/route-fixtures.ts';

type Fixtures = Awaited<ReturnType<typeof routeFixtures>>;

const { request, stack, createKey } = useLocalStack({ autoConsume: false });

type Route = RouteDefinition & { key: RouteKey };

interface Case {
  label: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

const seed = 90_210;
const random = prng(seed);
const pick = <T>(values: readonly T[], count: number): T[] => {
  const pool = [...values];
  const out: T[] = [];
  while (out.length < count && pool.length)
    out.push(pool.splice(Math.floor(random() * pool.length), 1)[0] as T);
  return out;
};

const jsonSchema = (schema: z.Schema): JsonSchema =>
  zod.toJSONSchema(toZod(schema), {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
    reused: 'inline',
  }) as JsonSchema;

/** Records kept by design whatever the answer: idempotency keys, rate-limit counters and markers. */
const bookkeeping = /^(IDEM|RATE|ONCE)#/;

// ----- what every request writes, as the product's own SDK clients see it -----
const effects: string[] = [];
const removers: Array<() => void> = [];
const trackEffects = () => {
  removers.push(
    injectOnWire(
      dynamo as unknown as FaultableClient,
      'fuzz-writes',
      () => undefined,
      (call, status) => {
        if (
          status >= 300 ||
          !/^(PutItem|UpdateItem|DeleteItem|BatchWriteItem)Command$/.test(call.commandName)
        )
          return;
        const keys = [...call.body.matchAll(/"pk":\{"S":"([^"]*)"/g)].map((m) => m[1] ?? '');
        const real = keys.filter((key) => !bookkeeping.test(key));
        if (real.length || !keys.length) effects.push(`${call.commandName} ${real.join(',')}`);
      },
    ),
    injectOnWire(
      sqs as unknown as FaultableClient,
      'fuzz-messages',
      () => undefined,
      (call, status) => {
        if (status < 300 && call.commandName.startsWith('SendMessage')) effects.push(call.commandName);
      },
    ),
    injectOnWire(
      ses as unknown as FaultableClient,
      'fuzz-mails',
      () => undefined,
      (call, status) => {
        if (status < 300 && call.commandName.startsWith('Send')) effects.push(call.commandName);
      },
    ),
  );
};

const sorted = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(sorted);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, sorted(v)]),
    );
  return value;
};

/** Every item of every table but the bookkeeping ones, by key. */
const snapshot = async (): Promise<Map<string, string>> => {
  const items = new Map<string, string>();
  for (const table of Object.values(stack().tableNames)) {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await stack().dynamo.send(
        new ScanCommand({ TableName: table, ExclusiveStartKey: start as never }),
      );
      for (const item of page.Items ?? []) {
        const pk = item.pk?.S ?? '';
        if (bookkeeping.test(pk)) continue;
        items.set(`${table}|${pk}|${item.sk?.S ?? ''}`, JSON.stringify(sorted(item)));
      }
      start = page.LastEvaluatedKey;
    } while (start);
  }
  return items;
};

const changes = (before: Map<string, string>, after: Map<string, string>): string[] => {
  const out: string[] = [];
  for (const [key, value] of after)
    if (before.get(key) !== value) out.push(before.has(key) ? `changed ${key}` : `added ${key}`);
  for (const key of before.keys()) if (!after.has(key)) out.push(`removed ${key}`);
  return out;
};

// ----- the world the fuzz runs in -----
let adminKey: string;
let ids: Fixtures['ids'];
let tokens: Fixtures['tokens'];
let idFor: Fixtures['idFor'];
let emails = 0;
const ctx: SampleContext = {
  ids: { type: '', list: '', contact: '', mailing: '' },
  email: () => `fuzz-${++emails}@fuzz.example`,
};

/** Signs as the key that was current before the rotation below (still listed). */
let retiredKeys: { current: string; keys: Record<string, string> };

beforeAll(async () => {
  // Rotate the signing key before anything loads the key set: the old key stays listed, so links
  // already mailed keep working (shared/adapters/secrets/signing-keys.ts); new tokens use the new key.
  const original = JSON.parse(process.env.SIGNING_KEYS ?? '{}') as {
    current: string;
    keys: Record<string, string>;
    fingerprint: string;
  };
  retiredKeys = {
    current: original.current,
    keys: { [original.current]: original.keys[original.current] ?? '' },
  };
  process.env.SIGNING_KEYS = JSON.stringify({
    ...original,
    current: 'rotated',
    keys: { ...original.keys, rotated: randomBytes(32).toString('base64url') },
  });
  adminKey = await createKey('admin', 'fuzz admin');
  ({ ids, tokens, idFor } = await routeFixtures(request, 'fuzz', adminKey));
  Object.assign(ctx.ids, { type: ids.type, list: ids.list, contact: ids.contact, mailing: ids.mailing });
  trackEffects();
}, 60_000);

const logs: string[] = [];
const figures = {
  requests: 0,
  byStatus: {} as Record<string, number>,
  rejected: 0,
  serverErrors: 0,
  replayed: 0,
  acceptedOnReplay: 0,
  acceptedThatWrote: 0,
  tokensTried: 0,
  tokensAccepted: 0,
};
beforeAll(() => setLogSink((line) => logs.push(line)));
afterAll(() => {
  for (const remove of removers) remove();
  setLogSink((line) => process.stdout.write(`${line}\n`));
  logger.info('fuzz: outcome', figures);
});

// ----- the cases, from the route table -----

const paramNames = (path: string) => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '');

const pathOf = (route: Route, override: Record<string, string> = {}) =>
  route.path.replace(
    /\{(\w+)\}/g,
    (_, name: string) => override[name] ?? encodeURIComponent(idFor(route, name)),
  );

const queryString = (values: Record<string, string>) =>
  Object.entries(values)
    .map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`)
    .join('&');

const baseQuery = (route: Route): Record<string, string> => {
  if (!route.query) return {};
  const schema = jsonSchema(route.query);
  const out: Record<string, string> = {};
  for (const name of schema.required ?? [])
    out[name] = String(sample(schema.properties?.[name] ?? {}, ctx, name));
  return out;
};

const casesFor = (route: Route): Case[] => {
  const cases: Case[] = [];
  const isPage = Boolean(route.page);
  const query = baseQuery(route);
  const withQuery = (path: string, q: Record<string, string> = query) =>
    Object.keys(q).length ? `${path}?${queryString(q)}` : path;
  const auth: Record<string, string> = isPage ? {} : { authorization: `Bearer ${adminKey}` };
  const bodySchema = route.body ? jsonSchema(route.body) : undefined;
  const baseBody = () => (bodySchema ? (sample(bodySchema, ctx) as Record<string, unknown>) : undefined);
  const json = (value: unknown) => JSON.stringify(value);
  const add = (label: string, over: Partial<Case> = {}) => {
    const body = baseBody();
    cases.push({
      label,
      method: route.method,
      path: withQuery(pathOf(route)),
      headers: {
        ...auth,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(isPage && route.page?.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(body !== undefined ? { body: json(body) } : {}),
      ...(isPage && route.page?.form ? { body: 'List-Unsubscribe=One-Click' } : {}),
      ...over,
    });
  };

  // Whatever the route: parameters it does not know, a body on a GET, odd negotiation headers.
  const more = Object.keys(query).length ? '&' : '?';
  for (const value of pick(hostileStrings, 4).map((v) => v.slice(0, 2000)))
    add(`unknown query parameter "${value.slice(0, 20)}"`, {
      path: `${withQuery(pathOf(route))}${more}${percentEncode(value)}=${percentEncode(value)}`,
    });
  // Past what any gateway takes in a request line: refused before our code runs (API Gateway: 414).
  add('request line over 16 KB', { path: `${withQuery(pathOf(route))}${more}q=${'q'.repeat(17_000)}` });
  if (route.method === 'GET')
    add('a body on a GET', {
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{"isAdmin":true}',
    });
  add('odd Accept and Accept-Language', {
    headers: {
      ...auth,
      accept: 'application/xml;q=2, */*;q=-1',
      'accept-language': "xx-';DROP--, *;q=abc, zz",
    },
  });

  // Path parameters: not ids at all.
  for (const name of paramNames(route.path))
    for (const segment of hostilePathSegments)
      add(`${name}=${segment.slice(0, 40)}`, { path: withQuery(pathOf(route, { [name]: segment })) });
  // Tokens: tampered, truncated, of another purpose.
  if (paramNames(route.path).includes('token')) {
    const token = idFor(route, 'token');
    const flip = (i: number) => token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
    for (const i of [0, 5, token.indexOf('.') - 1, token.indexOf('.') + 1, token.length - 1])
      add(`token tampered at ${i}`, { path: withQuery(pathOf(route, { token: flip(i) })) });
    add('token truncated', { path: withQuery(pathOf(route, { token: token.slice(0, -1) })) });
    for (const [purpose, other] of Object.entries(tokens))
      if (!route.page?.purposes?.includes(purpose as never))
        add(`token for ${purpose}`, { path: withQuery(pathOf(route, { token: other })) });
  }

  // Query: every field wrong, hostile, huge; unknown and repeated parameters.
  if (route.query) {
    const schema = jsonSchema(route.query);
    for (const name of Object.keys(schema.properties ?? {})) {
      for (const value of [...pick(hostileStrings, 4), ...pick(wrongTypes, 2).map((v) => JSON.stringify(v))])
        add(`?${name}=${value.slice(0, 30)}`, {
          path: withQuery(pathOf(route), { ...query, [name]: value }),
        });
      add(`?${name} huge`, { path: withQuery(pathOf(route), { ...query, [name]: 'q'.repeat(8000) }) });
      add(`?${name} repeated`, { path: `${withQuery(pathOf(route))}&${name}=1&${name}=2` });
    }
    add('unknown query parameter', { path: withQuery(pathOf(route), { ...query, admin: 'true' }) });
    add('raw broken escapes in the query', { path: `${withQuery(pathOf(route))}&%=%zz&&=&a` });
    if (schema.properties?.cursor) {
      for (const cursor of [
        Buffer.from('{"pk":"APIKEY#x","sk":"APIKEY"}').toString('base64url'),
        Buffer.from('{"pk":{"S":"C#x"},"sk":{"S":"PROFILE"}}').toString('base64url'),
        Buffer.from('not json').toString('base64url'),
        '{"$gt":""}',
      ])
        add(`cursor ${cursor.slice(0, 20)}`, { path: withQuery(pathOf(route), { ...query, cursor }) });
    }
  }

  // JSON bodies: from the schema, then broken in every way.
  if (bodySchema) {
    const base = baseBody() ?? {};
    add('body as generated from the schema');
    for (const [name, property] of Object.entries(bodySchema.properties ?? {})) {
      for (const value of pick(wrongTypes, 2))
        add(`${name}: ${JSON.stringify(value).slice(0, 30)}`, { body: json({ ...base, [name]: value }) });
      const strings =
        property.type === 'string' || property.anyOf ? pick(hostileStrings, 3) : pick(hostileStrings, 1);
      for (const value of strings)
        add(`${name}: "${value.slice(0, 30)}"`, { body: json({ ...base, [name]: value }) });
      add(`${name}: nested 500 deep`, { body: `{"${name}":${deeplyNested(500)}}` });
      add(`${name}: 900 KB`, { body: json({ ...base, [name]: 'x'.repeat(900_000) }) });
    }
    add('unknown field', { body: json({ ...base, isAdmin: true }) });
    add('__proto__ field', { body: `{"__proto__":{"polluted":true},${json(base).slice(1)}` });
    add('constructor field', { body: json({ ...base, constructor: { prototype: { polluted: true } } }) });
    for (const value of ['[]', '"text"', '0', 'null', 'true', '[{}]'])
      add(`top level ${value}`, { body: value });
    for (const text of [
      '{',
      '{"a":}',
      "{'a':1}",
      '{"a":1,}',
      'NaN',
      '\ufeff{}',
      '{"a":"\\ud800"}',
      '{"a":"\\u0000"}',
    ])
      add(`invalid or odd JSON ${JSON.stringify(text)}`, { body: text });
    add('empty body', { body: '' });
    add('no body', { body: undefined });
    add('nested 100,000 deep', { body: deeplyNested(100_000) });
    add('over 1 MB', { body: json({ ...base, padding: 'p'.repeat(1_100_000) }) });
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
      'application/json; charset=utf-16',
      'application/merge-patch+json',
      '',
    ])
      add(`content type ${type || 'none'}`, { headers: { ...auth, 'content-type': type } });
    if (route.idempotent)
      add('Idempotency-Key too long', {
        headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': 'k'.repeat(300) },
      });
  } else if (!isPage && route.method !== 'GET') {
    add('a body the route does not take', {
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{"status":"sent","isAdmin":true}',
    });
    add('invalid JSON the route does not read', {
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{',
    });
  }

  // Forms of the hosted pages.
  if (isPage && route.page?.form) {
    const form = (body: string | Buffer, type = 'application/x-www-form-urlencoded') =>
      ({ headers: { 'content-type': type }, body }) satisfies Partial<Case>;
    for (const value of pick(hostileStrings, 6)) {
      const fields = ['email', 'List-Unsubscribe', 'action', 'type', 'shown', 'sig', 'reason'];
      add(
        `form fields "${value.slice(0, 20)}"`,
        form(fields.map((f) => `${f}=${percentEncode(value)}`).join('&')),
      );
    }
    add('form with 300 fields', form(Array.from({ length: 300 }, (_, i) => `f${i}=1`).join('&')));
    add('form over 64 KB', form(`reason=${'r'.repeat(70_000)}`));
    add('form not UTF-8', form(Buffer.from([0x61, 0x3d, 0xff, 0xfe, 0xfd])));
    add('form as JSON', form('{"List-Unsubscribe":"One-Click"}', 'application/json'));
    add('form as text', form('List-Unsubscribe=One-Click', 'text/plain'));
    add('multipart without boundary', form('--x\r\n\r\n', 'multipart/form-data'));
    add('multipart with a bad boundary', form('--x\r\n', 'multipart/form-data; boundary="bad boundary "'));
    add(
      'multipart unterminated',
      form('--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nvalue', 'multipart/form-data; boundary=b'),
    );
    add(
      'multipart with a file',
      form(
        '--b\r\nContent-Disposition: form-data; name="f"; filename="x.sh"\r\nContent-Type: application/octet-stream\r\n\r\n#!/bin/sh\r\n--b--\r\n',
        'multipart/form-data; boundary=b',
      ),
    );
    add(
      'multipart, the RFC 8058 way',
      form(
        '--b\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--b--\r\n',
        'multipart/form-data; boundary=b',
      ),
    );
  }
  return cases;
};

// ----- checking an answer -----
const contentType = (res: RawResponse) => String(res.headers['content-type'] ?? '');

const violationsOf = (route: Route | undefined, c: Case, res: RawResponse, written: string[]): string[] => {
  const out: string[] = [];
  const where = `${c.method} ${c.path.slice(0, 80)} [${c.label}] → ${res.status}`;
  if (res.status >= 500 || res.status < 100) out.push(`${where}: server error ${res.text.slice(0, 200)}`);
  if (res.status >= 400) {
    const type = contentType(res);
    if (res.status === 431 && !res.text && c.path.length > 16_000) {
      // Node's HTTP parser refused the request line, as API Gateway would: no handler ran.
    } else if (c.method === 'HEAD') {
      // No body to look at.
    } else if (type.includes('json')) {
      if (!isDocumentedError(res.text))
        out.push(`${where}: undocumented error body ${res.text.slice(0, 200)}`);
    } else if (type.startsWith('text/html')) {
      if (!route?.page) out.push(`${where}: an API route answered HTML`);
    } else out.push(`${where}: error with content type "${type}"`);
    if (leaksInternals(res.text)) out.push(`${where}: the body shows internals ${res.text.slice(0, 300)}`);
    if (written.length) out.push(`${where}: a rejected request wrote ${written.join('; ')}`);
  }
  return out;
};

const send = async (route: Route | undefined, c: Case, violations: string[]): Promise<RawResponse> => {
  effects.length = 0;
  const before = logs.length;
  const res = await rawRequest(stack().apiUrl, {
    method: c.method,
    path: c.path,
    headers: c.headers,
    ...(c.body !== undefined ? { body: c.body } : {}),
  });
  figures.requests++;
  if (res.status < 400 && effects.length) figures.acceptedThatWrote++;
  figures.byStatus[res.status] = (figures.byStatus[res.status] ?? 0) + 1;
  if (res.status >= 400) figures.rejected++;
  if (res.status >= 500) figures.serverErrors++;
  violations.push(...violationsOf(route, c, res, [...effects]));
  for (const line of logs.slice(before))
    if (line.includes('unhandled error') || line.includes('function failed'))
      violations.push(`${c.method} ${c.path.slice(0, 80)} [${c.label}]: logged ${line.slice(0, 300)}`);
  return res;
};

/**
 * Runs the cases, then replays the ones that were rejected as one batch between two Scans of every
 * table: the batch must leave them as it found them. (A replayed case that is accepted this time,
 * because an earlier one changed the state it depends on, starts a new batch.)
 */
const runAll = async (route: Route | undefined, cases: Case[]): Promise<string[]> => {
  const violations: string[] = [];
  const rejected: Case[] = [];
  for (const c of cases) if ((await send(route, c, violations)).status >= 400) rejected.push(c);
  let baseline = await snapshot();
  let batch = 0;
  for (const c of rejected) {
    if ((await send(route, c, violations)).status < 400) {
      figures.acceptedOnReplay++;
      baseline = await snapshot();
      batch = 0;
      continue;
    }
    batch++;
  }
  const changed = changes(baseline, await snapshot());
  if (changed.length) violations.push(`${batch} rejected requests changed ${changed.slice(0, 5).join('; ')}`);
  figures.replayed += rejected.length;
  return violations;
};

describe('hostile input', () => {
  const routes = routeList() as Route[];

  it.each(routes.map((route) => [route.key, route] as const))(
    '%s: no 5xx, documented errors, rejected writes nothing',
    async (_key, route) => {
      const cases = casesFor(route);
      expect(cases.length).toBeGreaterThan(5);
      const violations = await runAll(route, cases);
      expect(violations).toEqual([]);
    },
    120_000,
  );

  it('answers methods and paths no route has with a documented 404, and writes nothing', async () => {
    const cases: Case[] = [];
    const headers = { authorization: `Bearer ${adminKey}` };
    const paths = [...new Set(routes.map((route) => pathOf(route)))];
    for (const path of paths)
      for (const method of ['OPTIONS', 'HEAD', 'TRACE', 'PROPFIND', 'PURGE', 'DELETE', 'PUT'])
        if (!routes.some((r) => r.method === method && pathOf(r) === path))
          cases.push({ label: method, method, path, headers, body: method === 'PUT' ? '{}' : undefined });
    for (const path of [
      '/',
      '/%',
      '/contacts/',
      '/contacts//export',
      '/../etc/passwd',
      '/api-keys/x/y/z',
      `/${'a'.repeat(5000)}`,
      '/p/a/b',
      '/u/',
      '/health/..',
    ])
      cases.push({ label: 'no such path', method: 'GET', path, headers });
    const violations = await runAll(undefined, cases);
    expect(violations).toEqual([]);
  });

  it('saw accepted requests write, so the write checks above can fail', () => {
    expect(figures.acceptedThatWrote).toBeGreaterThan(10);
    expect(figures.rejected).toBeGreaterThan(1000);
  });
});

describe('tokens, end to end', () => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  // A type of its own: the fuzz above may have archived the other one.
  let typeId = '';
  beforeAll(async () => {
    const res = await request<{ id: string }>('POST', '/subscription-types', {
      key: adminKey,
      body: { name: 'Token news' },
    });
    typeId = res.body.id;
  });
  const person = async (name: string) => {
    const res = await request<{ id: string }>('POST', '/contacts', {
      key: adminKey,
      body: {
        email: `${name}@tokens.example`,
        consent: { status: 'granted', source: 'form' },
        subscriptions: { [typeId]: 'subscribed' },
        interests: ['Tea'],
      },
    });
    expect(res.status, res.text).toBe(201);
    return res.body.id;
  };
  const stateOf = async (id: string) => {
    const contact = await request<Record<string, unknown>>('GET', `/contacts/${id}`, { key: adminKey });
    const history = await request<{ items: unknown[] }>('GET', `/contacts/${id}/history?limit=100`, {
      key: adminKey,
    });
    const { updatedAt: _updatedAt, ...rest } = contact.body;
    return { contact: rest, history: history.body.items.length };
  };
  const claims = (purpose: string, c: string): TokenClaims => {
    switch (purpose) {
      case 'link':
        return {
          p: 'link',
          c,
          m: ids.mailing,
          a: { kind: 'add_interest', value: 'Hacked' },
          u: 'https://example.com/',
        };
      case 'confirm':
        return { p: 'confirm', c, t: typeId };
      case 'magic':
        return { p: 'magic', c };
      default:
        return { p: purpose as 'unsubscribe' | 'preferences', c, m: ids.mailing, t: typeId };
    }
  };
  const bodies: Record<string, string> = {
    'POST /u/{token}': 'List-Unsubscribe=One-Click',
    'POST /p/{token}': 'action=unsubscribe_all',
  };

  it('accepts a token of the retired key while it is listed, and refuses one whose key is gone', async () => {
    const c = await person('retired-key');
    // The app signs with the new key; the retired one is still listed.
    const live = await signingKeys();
    expect(live.current).toBe('rotated');
    expect(Object.keys(live.keys)).toContain(retiredKeys.current);
    const retired = signToken(parseKeySet(retiredKeys), claims('unsubscribe', c));
    const gone = signToken(
      parseKeySet({ current: 'gone', keys: { gone: randomBytes(32).toString('base64url') } }),
      claims('unsubscribe', c),
    );
    expect((await rawRequest(stack().apiUrl, { method: 'GET', path: `/u/${gone}` })).status).toBe(404);
    expect((await rawRequest(stack().apiUrl, { method: 'GET', path: `/u/${retired}` })).status).toBe(200);
    const done = await rawRequest(stack().apiUrl, {
      method: 'POST',
      path: `/u/${retired}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(done.status).toBe(200);
    const after = await request<{ subscriptions: Record<string, { status: string }> }>(
      'GET',
      `/contacts/${c}`,
      {
        key: adminKey,
      },
    );
    expect(after.body.subscriptions[typeId]?.status).toBe('unsubscribed');
  });

  it('refuses tampered, truncated, swapped, foreign-key and wrong-purpose tokens on /u, /p and /l: 404, nothing changes', async () => {
    const a = await person('token-owner');
    const b = await person('token-neighbour');
    const before = await stateOf(a);
    const keys = await signingKeys();
    const impostor = parseKeySet({
      current: keys.current,
      keys: { [keys.current]: randomBytes(32).toString('base64url') },
    });
    let tried = 0;
    let accepted = 0;
    const violations: string[] = [];
    for (const route of (routeList() as Route[]).filter((r) => r.auth === 'token')) {
      const purpose = route.page?.purposes?.[0] ?? 'preferences';
      const good = signToken(keys, claims(purpose, a));
      const neighbour = signToken(keys, claims(purpose, b));
      const [payload, signature] = good.split('.');
      const [otherPayload, otherSignature] = neighbour.split('.');
      const bad: string[] = [
        `${payload}.${otherSignature}`,
        `${otherPayload}.${signature}`,
        signToken(impostor, claims(purpose, a)),
        good.slice(0, 1),
        good.slice(0, good.length / 2),
        good.slice(0, -1),
        `${payload}.`,
        `.${signature}`,
        `${good}A`,
        ...tokenPurposes
          .filter((p) => !route.page?.purposes?.includes(p))
          .map((p) => signToken(keys, claims(p, a))),
      ];
      // Every position of the token, each changed to another character (seeded).
      for (let i = 0; i < good.length; i++) {
        if (good[i] === '.') continue;
        const others = alphabet.replace(good[i] ?? '', '');
        bad.push(good.slice(0, i) + others[Math.floor(random() * others.length)] + good.slice(i + 1));
      }
      for (const token of bad) {
        effects.length = 0;
        const res = await rawRequest(stack().apiUrl, {
          method: route.method,
          path: route.path.replace('{token}', percentEncode(token)),
          ...(bodies[route.key]
            ? { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: bodies[route.key] }
            : {}),
        });
        tried++;
        if (res.status < 400) accepted++;
        if (res.status !== 404 || !contentType(res).startsWith('text/html') || effects.length)
          violations.push(
            `${route.key} ${token.slice(0, 30)}…: ${res.status} ${contentType(res)} ${effects.join(', ')}`,
          );
      }
    }
    figures.tokensTried += tried;
    figures.tokensAccepted += accepted;
    expect(violations).toEqual([]);
    expect(accepted).toBe(0);
    expect(tried).toBeGreaterThan(500);
    expect(await stateOf(a)).toEqual(before);
  });
});
