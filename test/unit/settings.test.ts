/**
 * The plain setting checks (shared/config/settings.ts) take and refuse exactly what the zod schemas
 * they replace took and refused, with the same values.
 */
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { _coercedNumber } from 'zod/v4/core';
import {
  oneOf,
  optional,
  readSettings,
  type Setting,
  text,
  url,
  wholeNumber,
  withDefault,
} from '#shared/config/settings.ts';

/** zod's own coerced number: these checks replaced zod schemas, so zod is the reference. */
const coercedNumber = () => _coercedNumber(z.ZodMiniNumber);

const loadConfig = (shape: Record<string, z.ZodMiniType>, env: Record<string, string | undefined>) => {
  const parsed = z.object(shape).safeParse(env);
  if (!parsed.success) throw new Error('refused');
  return parsed.data;
};

const outcome = (read: () => Record<string, unknown>) => {
  try {
    return { value: read().X };
  } catch {
    return 'refused';
  }
};

const cases: Array<[string, Setting<unknown>, z.ZodMiniType, Array<string | undefined>]> = [
  ['text(1)', text(1), z.string().check(z.minLength(1)), [undefined, '', 'a', ' x ']],
  [
    'url()',
    url(),
    z.url(),
    [
      undefined,
      '',
      'nope',
      'https://sc.example.com',
      ' https://sc.example.com/a ',
      'https://exa\tmple.com/',
      'http:x',
    ],
  ],
  [
    'wholeNumber(1, 100000, 14)',
    wholeNumber(1, 100_000, 14),
    z._default(coercedNumber().check(z.int(), z.minimum(1), z.maximum(100_000)), 14),
    [undefined, '', '0', '1', '14', '1.5', '100000', '100001', 'x', ' 7 ', '1e3'],
  ],
  [
    "oneOf(['true', 'false'], 'false')",
    oneOf(['true', 'false'], 'false'),
    z._default(z.enum(['true', 'false']), 'false'),
    [undefined, '', 'true', 'false', 'TRUE'],
  ],
  [
    'withDefault(text(3), …)',
    withDefault(text(3), 'no-reply@localhost.localdomain'),
    z._default(z.string().check(z.minLength(3)), 'no-reply@localhost.localdomain'),
    [undefined, '', 'ab', 'abc'],
  ],
  [
    'optional(text(1))',
    optional(text(1)),
    z.optional(z.string().check(z.minLength(1))),
    [undefined, '', 'set'],
  ],
];

describe('settings', () => {
  it.each(cases)('%s takes and refuses what its zod schema did', (_name, setting, schema, inputs) => {
    for (const raw of inputs) {
      const env = raw === undefined ? {} : { X: raw };
      const plain = outcome(() => readSettings({ X: setting }, env));
      const zod = outcome(() => loadConfig({ X: schema }, env));
      expect(plain, JSON.stringify(raw)).toEqual(zod);
    }
  });

  it('names every setting refused, at once', () => {
    expect(() => readSettings({ A: text(1), B: url() }, { B: 'nope' })).toThrow(
      /^Invalid configuration: A: not set; B: not a URL$/,
    );
  });
});
