/**
 * Our validator (shared/schema/z.ts) against zod/mini, on the same schemas and the same inputs:
 * every route's path parameters, query and body, and the inbound-mail event. For each, plausible
 * values from its JSON Schema and thousands of mutations of them (a field missing, of a wrong type,
 * hostile, too long, unknown, the whole value replaced). Both must agree on every one: accepted or
 * not, the value they answer, and each issue's path, code and message.
 */
import * as zod from 'zod/mini';
import { describe, expect, it } from 'vitest';
import { routeList } from '#infra/routes.ts';
import { SesReceiptEvent } from '#shared/domain/inbound-mail.ts';
import { Email } from '#shared/http/schemas/email.ts';
import { toZod } from '#shared/schema/to-zod.ts';
import * as z from '#shared/schema/z.ts';
import { prng } from '#test/helpers/faults.ts';
import { hostileStrings, type JsonSchema, sample, wrongTypes } from '#test/helpers/fuzz.ts';

const random = prng(Number(process.env.PARITY_SEED ?? 4_711));
const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;

const ctx = {
  ids: {
    type: '01h00000000000000000000000',
    list: '01h00000000000000000000001',
    contact: '01h00000000000000000000002',
    mailing: '01h00000000000000000000003',
  },
  email: () => `parity-${Math.floor(random() * 1e6)}@example.com`,
};

const jsonSchema = (schema: z.Schema): JsonSchema =>
  zod.toJSONSchema(toZod(schema), { io: 'input', unrepresentable: 'any', reused: 'inline' }) as JsonSchema;

const clone = <T>(value: T): T => structuredClone(value);

const strange: readonly unknown[] = [
  ...wrongTypes,
  ...hostileStrings,
  undefined,
  '',
  '   ',
  ' padded ',
  'x'.repeat(70),
  'x'.repeat(1_100),
  '😀'.repeat(40),
  '😀'.repeat(130),
  'News <news@example.com>',
  ' a@B.example ',
  'a@b',
  'https://example.com/path?q=1',
  'http://user:pass@example.com/',
  '2026-12-05T12:00:00.000Z',
  '2026-12-05T12:00:00+01:00',
  '2026-02-30',
  '2026-12-05',
  '192.0.2.1',
  '2001:db8::1',
  '999.1.1.1',
  'en',
  'sv-SE',
  'subscribed',
  'granted',
  '{{first_name}}',
  '{{unknown.field}}',
  0,
  100,
  101,
  -0.5,
  2 ** 53,
  Number.NaN,
  ['a', 'b'],
  Array.from({ length: 25 }, (_, i) => `tag${i}`),
  { a: 1 },
  Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`k${i}`, 'v'])),
];

/** Every object nested in a value, with the path to it. */
const objectsIn = (
  value: unknown,
  path: PropertyKey[] = [],
): Array<{ path: PropertyKey[]; object: object }> => {
  if (!value || typeof value !== 'object') return [];
  const here = [{ path, object: value }];
  return here.concat(
    Object.entries(value).flatMap(([key, inner]) =>
      objectsIn(inner, [...path, Array.isArray(value) ? Number(key) : key]),
    ),
  );
};

/** The value with one thing changed, at random. */
const mutate = (base: unknown): unknown => {
  if (random() < 0.08) return pick(strange);
  const value = clone(base);
  const targets = objectsIn(value);
  if (!targets.length) return pick(strange);
  const { object } = pick(targets);
  const record = object as Record<string, unknown>;
  const keys = Object.keys(record);
  const roll = random();
  if (roll < 0.15 && keys.length) delete record[pick(keys)];
  else if (roll < 0.25) record[pick(['unknownField', 'extra', '__proto__', 'constructor'])] = pick(strange);
  else if (keys.length) record[pick(keys)] = pick(strange);
  return value;
};

interface Verdict {
  success: boolean;
  data?: unknown;
  issues?: Array<{ path: string; code: string; message: string }>;
}

const verdictOf = (result: {
  success: boolean;
  data?: unknown;
  error?: { issues: ReadonlyArray<{ path: PropertyKey[]; code: string; message: string }> };
}): Verdict =>
  result.success
    ? { success: true, data: result.data }
    : {
        success: false,
        issues: (result.error?.issues ?? []).map((i) => ({
          path: i.path.map(String).join('.'),
          code: i.code,
          message: i.message,
        })),
      };

const schemas: Array<[string, z.Schema]> = [
  ...routeList().flatMap((route) =>
    (['params', 'query', 'body'] as const).flatMap((part): Array<[string, z.Schema]> => {
      const schema = route[part];
      return schema ? [[`${route.key} ${part}`, schema]] : [];
    }),
  ),
  ['inbound mail event', SesReceiptEvent],
  ['e-mail address', Email],
];

const runsPerSchema = Number(process.env.PARITY_RUNS ?? 400);

describe('our validator and zod/mini agree', () => {
  it('covers the request schemas of the route table', () => {
    expect(schemas.length).toBeGreaterThan(60);
  });

  it.each(schemas)('%s', (_name, schema) => {
    const theirs = toZod(schema);
    const valid = sample(jsonSchema(schema), ctx);
    const inputs = [
      valid,
      undefined,
      null,
      {},
      ...Array.from({ length: runsPerSchema }, () => mutate(valid)),
    ];
    let accepted = 0;
    for (const input of inputs) {
      const ours = verdictOf(schema.safeParse(clone(input)));
      const zods = verdictOf(theirs.safeParse(clone(input)));
      expect({ input, verdict: ours }).toEqual({ input, verdict: zods });
      if (ours.success) accepted++;
    }
    // Both ways are exercised where the schema accepts anything plausible at all.
    expect(inputs.length - accepted).toBeGreaterThan(0);
  });
});

describe('checks, one by one', () => {
  const cases: Array<[string, z.Schema, unknown[]]> = [
    [
      'trim then length',
      z.string().check(z.trim(), z.minLength(1), z.maxLength(3)),
      ['  ', ' ab ', 'abcd', 5],
    ],
    ['code points', z.string().check(z.maxLength(2)), ['😀😀', '😀😀😀', 'ab', 'abc']],
    ['int range', z.number().check(z.int(), z.minimum(1), z.maximum(10)), [0, 1, 10, 11, 1.5, 2 ** 60, '3']],
    ['coerced', z.coercedNumber().check(z.int()), ['12', 'x', '', null, 3]],
    ['default', z._default(z.boolean(), true), [undefined, false, 'no']],
    ['nullable enum', z.nullable(z.enum(['a', 'b'])), [null, 'a', 'c', undefined]],
    [
      'strict object',
      z.strictObject({ a: z.string(), b: z.optional(z.number()), c: z._default(z.string(), 'x') }),
      [{ a: 'x' }, { a: 'x', d: 1 }, { b: 2 }, { a: 'x', b: undefined }, [], 'x'],
    ],
    ['loose object', z.looseObject({ a: z.string() }), [{ a: 'x', b: 1 }, { b: 1 }]],
    ['union', z.union([z.string().check(z.minLength(3)), z.number()]), ['ab', 'abc', 1, true]],
    [
      'discriminated union',
      z.discriminatedUnion('k', [
        z.object({ k: z.literal('a'), n: z.number() }),
        z.object({ k: z.literal('b'), s: z.string() }),
      ]),
      [{ k: 'a', n: 1 }, { k: 'b', n: 1 }, { k: 'c' }, {}, 1],
    ],
    [
      'record with checked keys',
      z.record(z.string().check(z.regex(/^[a-z]+$/)), z.number()),
      [{ ab: 1 }, { AB: 1 }, { ab: 'x' }, [], null],
    ],
    [
      'refine with a path',
      z
        .object({ a: z.optional(z.string()), b: z.optional(z.string()) })
        .check(z.refine((v) => !(v.a && v.b), { message: 'Not both', path: ['a'] })),
      [{ a: 'x', b: 'y' }, { a: 'x' }, { a: 1, b: 'y' }],
    ],
    [
      'iso timestamp',
      z.isoDateTime(),
      ['2026-12-05T12:00:00Z', '2026-12-05T12:00Z', '2026-02-29T00:00:00Z', 'now'],
    ],
    [
      'url',
      z.url(),
      [' https://example.com ', 'https://exa\tmple.com/', 'example.com', 'mailto:a@b.example'],
    ],
  ];

  it.each(cases)('%s', (_name, schema, inputs) => {
    const theirs = toZod(schema);
    for (const input of inputs)
      expect({ input, verdict: verdictOf(schema.safeParse(input)) }).toEqual({
        input,
        verdict: verdictOf(theirs.safeParse(input)),
      });
  });

  it('answers what it accepted, typed', () => {
    const schema = z.strictObject({ name: z.string().check(z.trim()), count: z._default(z.number(), 2) });
    const parsed: { name: string; count: number } = schema.parse({ name: ' x ' });
    expect(parsed).toEqual({ name: 'x', count: 2 });
    expect(() => schema.parse({ name: 1 })).toThrow(/name: Expected string/);
  });
});
