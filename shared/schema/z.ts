/**
 * The schemas of requests, settings, messages and events: a small validator with the call shapes
 * of zod/mini (`z.object`, `z.string().check(z.trim(), z.maxLength(200))`, `z.optional`, …), the
 * types it infers, and what it answers for bad input (issues with `code`, `path` and `message`).
 *
 * Why not zod itself: every Lambda function validates its input, and zod/mini's runtime was 25–35 KB
 * of each bundle, more than the rest of most handlers. This is the part of it the schemas here use,
 * in 3–8 KB of a bundle (each kind of schema brings only its own code). The OpenAPI document is
 * still zod's JSON Schema: `to-zod.ts` rebuilds any schema here as the same zod/mini schema, for
 * the document generator and for the test that runs both validators over the same inputs
 * (`test/unit/schema-parity.test.ts`), so the two cannot drift.
 *
 * Semantics follow zod/mini 4: a schema's checks run in order after its type is accepted; a failed
 * type stops its checks, while a failed check lets later ones run (length checks run whenever the
 * value has a length); object fields are all checked, unknown keys are stripped (`object`), refused
 * (`strictObject`) or kept (`looseObject`); strings are measured in code points.
 */

// ---------------------------------------------------------------------------------------------
// Issues and their messages

export interface Issue {
  readonly code: string;
  readonly path: PropertyKey[];
  readonly message: string;
  readonly [detail: string]: unknown;
}

interface RawIssue {
  code: string;
  path?: PropertyKey[];
  message?: string | undefined;
  /** Later checks still run after this issue (zod's `continue`). */
  continue?: boolean;
  [detail: string]: unknown;
}

interface Payload {
  value: unknown;
  issues: RawIssue[];
}

const unit = (origin: unknown) => (origin === 'string' ? ' characters' : origin === 'number' ? '' : ' items');

/** What a 422's `details` say when a check fails, in a few plain words (the same for every schema). */
export const messageOf = (issue: { code: string; [detail: string]: unknown }): string => {
  switch (issue.code) {
    case 'invalid_type':
      return `Expected ${issue.expected}`;
    case 'too_small':
      return `Too small: at least ${issue.inclusive ? '' : 'more than '}${issue.minimum}${unit(issue.origin)}`;
    case 'too_big':
      return `Too big: at most ${issue.inclusive ? '' : 'less than '}${issue.maximum}${unit(issue.origin)}`;
    case 'invalid_format':
      return issue.format === 'regex' ? 'Not in the expected form' : `Not a valid ${issue.format}`;
    case 'unrecognized_keys':
      return `Unknown field${(issue.keys as string[]).length > 1 ? 's' : ''}: ${(issue.keys as string[]).join(', ')}`;
    case 'invalid_value':
      return `Must be one of: ${(issue.values as unknown[]).map(String).join(', ')}`;
    case 'invalid_union':
      return 'Matches none of the allowed forms';
    default:
      return 'Invalid value';
  }
};

const aborted = (payload: Payload, from = 0): boolean => {
  for (let i = from; i < payload.issues.length; i++) if (payload.issues[i]?.continue !== true) return true;
  return false;
};

const prefixed = (key: PropertyKey, issues: RawIssue[]): RawIssue[] =>
  issues.map((issue) => ({ ...issue, path: [key, ...(issue.path ?? [])] }));

// ---------------------------------------------------------------------------------------------
// Checks

/** A check, or metadata (`describe`, `meta`) that only the OpenAPI document reads. */
export interface Check<in T = never> {
  readonly check: string;
  readonly params?: unknown;
  /** For metadata: what the document shows. */
  readonly meta?: Record<string, unknown>;
  readonly run?: (payload: Payload) => void;
  /** Runs even after a failed type (length checks: whenever the value has a length). */
  readonly when?: (payload: Payload) => boolean;
  /** Never called: keeps `T` in the type, so a check fits only the schemas it can check. */
  readonly '~accepts'?: (value: T) => void;
}

type Lengthy = string | readonly unknown[];

const hasLength = (payload: Payload) => {
  const value = payload.value as { length?: unknown } | null | undefined;
  return value !== null && value !== undefined && value.length !== undefined;
};

const originOf = (value: unknown) =>
  Array.isArray(value) ? 'array' : typeof value === 'string' ? 'string' : 'unknown';

/** Code points, as zod counts them (a UTF-16 length only decides when it cannot be wrong). */
const lengthOf = (value: Lengthy, bound: number, fitsBelow: boolean): number => {
  if (typeof value !== 'string') return value.length;
  const units = value.length;
  if (fitsBelow ? units <= bound : units >= bound * 2 || units < bound) return units;
  return [...value].length;
};

const customIssue = (payload: Payload, message: string | undefined, path?: PropertyKey[]) =>
  payload.issues.push({ code: 'custom', message, continue: true, ...(path ? { path } : {}) });

export const minLength = (minimum: number): Check<Lengthy> => ({
  check: 'minLength',
  params: minimum,
  when: hasLength,
  run: (payload) => {
    if (lengthOf(payload.value as Lengthy, minimum, false) >= minimum) return;
    payload.issues.push({
      code: 'too_small',
      origin: originOf(payload.value),
      minimum,
      inclusive: true,
      continue: true,
    });
  },
});

export const maxLength = (maximum: number): Check<Lengthy> => ({
  check: 'maxLength',
  params: maximum,
  when: hasLength,
  run: (payload) => {
    if (lengthOf(payload.value as Lengthy, maximum, true) <= maximum) return;
    payload.issues.push({
      code: 'too_big',
      origin: originOf(payload.value),
      maximum,
      inclusive: true,
      continue: true,
    });
  },
});

export const minimum = (value: number): Check<number> => ({
  check: 'minimum',
  params: value,
  run: (payload) => {
    if ((payload.value as number) >= value) return;
    payload.issues.push({
      code: 'too_small',
      origin: 'number',
      minimum: value,
      inclusive: true,
      continue: true,
    });
  },
});

export const maximum = (value: number): Check<number> => ({
  check: 'maximum',
  params: value,
  run: (payload) => {
    if ((payload.value as number) <= value) return;
    payload.issues.push({
      code: 'too_big',
      origin: 'number',
      maximum: value,
      inclusive: true,
      continue: true,
    });
  },
});

export const nonnegative = (): Check<number> => ({ ...minimum(0), check: 'nonnegative', params: undefined });

/** A safe integer (zod's `z.int()` used as a check). */
export const int = (): Check<number> => ({
  check: 'int',
  run: (payload) => {
    const value = payload.value as number;
    if (!Number.isInteger(value)) {
      payload.issues.push({ code: 'invalid_type', expected: 'int', format: 'safeint', continue: false });
    } else if (!Number.isSafeInteger(value)) {
      const big = value > 0;
      payload.issues.push({
        code: big ? 'too_big' : 'too_small',
        origin: 'int',
        [big ? 'maximum' : 'minimum']: big ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER,
        inclusive: true,
        continue: true,
      });
    }
  },
});

export const trim = (): Check<string> => ({
  check: 'trim',
  run: (payload) => {
    payload.value = (payload.value as string).trim();
  },
});

export const regex = (pattern: RegExp, message?: string): Check<string> => ({
  check: 'regex',
  params: { pattern, message },
  run: (payload) => {
    pattern.lastIndex = 0;
    if (pattern.test(payload.value as string)) return;
    payload.issues.push({ code: 'invalid_format', format: 'regex', message, continue: true });
  },
});

type RefineParams = string | { message?: string; path?: PropertyKey[] };

export const refine = <T>(test: (value: T) => unknown, params?: RefineParams): Check<T> => {
  const { message, path } =
    typeof params === 'string' ? { message: params, path: undefined } : (params ?? {});
  return {
    check: 'refine',
    params: { test, params },
    run: (payload) => {
      if (!test(payload.value as T)) customIssue(payload, message, path);
    },
  };
};

interface RefineContext {
  addIssue(issue: { code?: 'custom'; message: string; path?: PropertyKey[]; input?: unknown }): void;
}

export const superRefine = <T>(test: (value: T, ctx: RefineContext) => void): Check<T> => ({
  check: 'superRefine',
  params: test,
  run: (payload) =>
    test(payload.value as T, {
      addIssue: ({ message, path }) => customIssue(payload, message, path),
    }),
});

export const describe = (description: string): Check<unknown> => ({
  check: 'describe',
  meta: { description },
});

export const meta = (data: Record<string, unknown>): Check<unknown> => ({ check: 'meta', meta: data });

// ---------------------------------------------------------------------------------------------
// Schemas

export type Shape = Readonly<Record<string, Schema>>;

export type Def =
  | {
      readonly type: 'string';
      readonly format?: StringFormat & { readonly test: (payload: Payload) => boolean };
    }
  | { readonly type: 'number'; readonly coerce?: boolean }
  | { readonly type: 'boolean' | 'null' | 'unknown' }
  | { readonly type: 'literal'; readonly values: readonly Primitive[] }
  | { readonly type: 'enum'; readonly values: readonly string[] }
  | {
      readonly type: 'object';
      readonly shape: Shape;
      readonly mode: 'strip' | 'strict' | 'loose';
      /** Made by `extend`: the object it extends (for the document, which names it as zod does). */
      readonly base?: Schema;
    }
  | { readonly type: 'array'; readonly element: Schema }
  | { readonly type: 'record'; readonly key: Schema; readonly value: Schema }
  | { readonly type: 'union'; readonly options: readonly Schema[]; readonly discriminator?: string }
  | { readonly type: 'optional'; readonly inner: Schema }
  | { readonly type: 'nullable'; readonly inner: Schema }
  | { readonly type: 'default'; readonly inner: Schema; readonly value: unknown };

export type StringFormat =
  | { readonly name: 'datetime'; readonly offset?: boolean }
  | { readonly name: 'date' | 'ipv4' | 'ipv6' | 'url' };

type Primitive = string | number | boolean | null;

export type SafeParseResult<T> =
  | { readonly success: true; readonly data: T; readonly error?: undefined }
  | { readonly success: false; readonly data?: undefined; readonly error: SchemaError };

export interface Schema<Out = unknown, In = Out> {
  readonly def: Def;
  readonly checks: readonly Check<never>[];
  /** Types only: never set. */
  readonly '~types'?: { readonly output: Out; readonly input: In };
  /** A copy with these checks (or metadata) added after the ones it has. */
  check(...checks: Check<Out>[]): this;
  safeParse(value: unknown): SafeParseResult<output<this>>;
  /** The value, or a thrown SchemaError. */
  parse(value: unknown): output<this>;
}

export type output<S> = S extends { readonly '~types'?: { readonly output: infer O } } ? O : never;
export type input<S> = S extends { readonly '~types'?: { readonly input: infer I } } ? I : never;
export type infer<S> = output<S>;

/** Thrown by `parse`; `safeParse` answers it. */
export class SchemaError extends Error {
  readonly issues: Issue[];
  constructor(issues: Issue[]) {
    super(issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '));
    this.name = 'SchemaError';
    this.issues = issues;
  }
}

const methods = {
  check(this: Schema, ...checks: Check<never>[]) {
    return make(this.def, (this as unknown as Built)['~parse'], [...this.checks, ...checks], this);
  },
  safeParse(this: Schema, value: unknown): SafeParseResult<unknown> {
    const payload = run(this, { value, issues: [] });
    if (!payload.issues.length) return { success: true, data: payload.value };
    return {
      success: false,
      error: new SchemaError(
        payload.issues.map(({ continue: _continue, ...issue }) => ({
          ...issue,
          path: issue.path ?? [],
          message: issue.message ?? messageOf(issue),
        })),
      ),
    };
  },
  parse(this: Schema, value: unknown) {
    const result = this.safeParse(value);
    if (!result.success) throw result.error;
    return result.data;
  },
};

/** A schema's own type and structure, before its checks; each constructor brings only its own. */
type Parser = (def: never, payload: Payload) => Payload;

interface Built {
  def: Def;
  checks: readonly Check<never>[];
  '~parse': Parser;
}

const make = <S extends Schema>(
  def: Def,
  parse: Parser,
  checks: readonly Check<never>[] = [],
  from?: Schema,
): S => {
  const schema = Object.create(methods) as Built;
  // What an object or enum offers besides parsing (`.shape`, `.options`) is kept by `check`.
  if (from) Object.assign(schema, from);
  else if (def.type === 'object') Object.assign(schema, { shape: def.shape });
  else if (def.type === 'enum') Object.assign(schema, { options: def.values });
  schema.def = def;
  schema.checks = checks;
  schema['~parse'] = parse;
  return schema as unknown as S;
};

/** Type, then checks: a failed type stops the checks; a failed check stops only the ones without `when`. */
const run = (schema: Schema, payload: Payload): Payload => {
  const result = (schema as unknown as Built)['~parse'](schema.def as never, payload);
  let stopped = aborted(result);
  for (const check of schema.checks) {
    if (!check.run) continue;
    if (check.when ? !check.when(result) : stopped) continue;
    const before = result.issues.length;
    check.run(result);
    if (!stopped && result.issues.length > before) stopped = aborted(result, before);
  }
  return result;
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const typeIssue = (payload: Payload, expected: string) => {
  payload.issues.push({ code: 'invalid_type', expected });
  return payload;
};

type DefOf<T extends Def['type']> = Extract<Def, { type: T }>;

const parseString = (def: DefOf<'string'>, payload: Payload): Payload => {
  if (typeof payload.value !== 'string') return typeIssue(payload, 'string');
  if (def.format && !def.format.test(payload))
    payload.issues.push({ code: 'invalid_format', format: def.format.name, continue: true });
  return payload;
};

const parseNumber = (def: DefOf<'number'>, payload: Payload): Payload => {
  if (def.coerce) payload.value = Number(payload.value);
  const value = payload.value;
  return typeof value === 'number' && Number.isFinite(value) ? payload : typeIssue(payload, 'number');
};

const parseAs = (expected: string, ok: (value: unknown) => boolean) => (_def: Def, payload: Payload) =>
  ok(payload.value) ? payload : typeIssue(payload, expected);

const parseValues = (def: DefOf<'literal' | 'enum'>, payload: Payload): Payload => {
  if (!(def.values as readonly unknown[]).includes(payload.value))
    payload.issues.push({ code: 'invalid_value', values: def.values });
  return payload;
};

const parseOptional = (def: DefOf<'optional'>, payload: Payload): Payload =>
  payload.value === undefined && presence(def.inner).in !== 'defaulted' ? payload : run(def.inner, payload);

const parseNullable = (def: DefOf<'nullable'>, payload: Payload): Payload =>
  payload.value === null ? payload : run(def.inner, payload);

const parseDefault = (def: DefOf<'default'>, payload: Payload): Payload => {
  if (payload.value !== undefined) run(def.inner, payload);
  if (payload.value === undefined) payload.value = def.value;
  return payload;
};

const parseArray = (def: DefOf<'array'>, payload: Payload): Payload => {
  const input = payload.value;
  if (!Array.isArray(input)) return typeIssue(payload, 'array');
  const out: unknown[] = [];
  for (let i = 0; i < input.length; i++) {
    const result = run(def.element, { value: input[i], issues: [] });
    payload.issues.push(...prefixed(i, result.issues));
    out.push(result.value);
  }
  payload.value = out;
  return payload;
};

const parseRecord = (def: DefOf<'record'>, payload: Payload): Payload => {
  const input = payload.value;
  const proto = isObject(input) && Object.getPrototypeOf(input);
  if (proto !== Object.prototype && proto !== null) return typeIssue(payload, 'record');
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(input as object)) {
    if (key === '__proto__') continue;
    const keyResult = run(def.key, { value: key, issues: [] });
    if (keyResult.issues.length) {
      payload.issues.push({ code: 'invalid_key', origin: 'record', path: [key] });
      continue;
    }
    const result = run(def.value, { value: (input as Record<string, unknown>)[key], issues: [] });
    payload.issues.push(...prefixed(key, result.issues));
    out[keyResult.value as string] = result.value;
  }
  payload.value = out;
  return payload;
};

const parseUnion = (def: DefOf<'union'>, payload: Payload): Payload => {
  const results: Payload[] = [];
  for (const option of def.options) {
    const result = run(option, { value: payload.value, issues: [] });
    if (!result.issues.length) return result;
    results.push(result);
  }
  const open = results.filter((r) => !aborted(r));
  if (open.length === 1 && open[0]) return open[0];
  payload.issues.push({ code: 'invalid_union' });
  return payload;
};

const parseDiscriminated = (def: DefOf<'union'>, payload: Payload): Payload => {
  const input = payload.value;
  const key = def.discriminator as string;
  if (!isObject(input)) return typeIssue(payload, 'object');
  const option = def.options.find((o) =>
    valuesOf((o.def as DefOf<'object'>).shape[key]).includes(input[key]),
  );
  if (option) return run(option, payload);
  payload.issues.push({ code: 'invalid_union', path: [key] });
  return payload;
};

/** The values a discriminator field accepts (a literal or an enum, maybe optional). */
const valuesOf = (schema: Schema | undefined): readonly unknown[] => {
  const def = schema?.def;
  if (!def) return [];
  if (def.type === 'literal' || def.type === 'enum') return def.values;
  if (def.type === 'optional') return [...valuesOf(def.inner), undefined];
  if (def.type === 'nullable') return [...valuesOf(def.inner), null];
  return [];
};

type Presence = { in?: 'optional' | 'defaulted'; out?: 'optional' };

/** Whether a field may be absent (zod's `optin`) and whether its output may be (`optout`). */
const presence = (schema: Schema): Presence => {
  const def = schema.def;
  if (def.type === 'optional')
    return { in: presence(def.inner).in === 'defaulted' ? 'defaulted' : 'optional', out: 'optional' };
  if (def.type === 'default') return { in: 'defaulted' };
  if (def.type === 'nullable') return presence(def.inner);
  if (def.type === 'union') {
    const each = def.options.map(presence);
    return {
      in: each.some((p) => p.in === 'defaulted')
        ? 'defaulted'
        : each.some((p) => p.in)
          ? 'optional'
          : undefined,
      out: each.some((p) => p.out) ? 'optional' : undefined,
    };
  }
  return {};
};

const parseObject = (def: DefOf<'object'>, payload: Payload): Payload => {
  const input = payload.value;
  if (!isObject(input)) return typeIssue(payload, 'object');
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(def.shape)) {
    if (key === '__proto__') continue;
    const present = key in input;
    const may = presence(field);
    if (!present && may.out && may.in === 'optional') continue;
    const result = run(field, { value: input[key], issues: [] });
    if (result.issues.length) {
      if (may.in && may.out && !present) continue;
      payload.issues.push(...prefixed(key, result.issues));
    }
    if (!present && !may.in) {
      if (!result.issues.length)
        payload.issues.push({ code: 'invalid_type', expected: 'nonoptional', path: [key] });
      continue;
    }
    if (result.value !== undefined) out[key] = result.value;
    else if (present || (may.in === 'defaulted' && !may.out)) out[key] = undefined;
  }
  if (def.mode !== 'strip') {
    const unknown: string[] = [];
    for (const key in input) {
      if (Object.hasOwn(def.shape, key)) continue;
      if (def.mode === 'strict') unknown.push(key);
      else if (key !== '__proto__') out[key] = input[key];
    }
    if (unknown.length) payload.issues.push({ code: 'unrecognized_keys', keys: unknown, continue: true });
  }
  payload.value = out;
  return payload;
};

// ---------------------------------------------------------------------------------------------
// Constructors, typed as zod/mini's

type Flatten<T> = { [K in keyof T]: T[K] } & {};

interface Optionality {
  readonly '~optin'?: 'optional';
  readonly '~optout'?: 'optional';
}

export interface ZodString extends Schema<string> {}
export interface ZodNumber extends Schema<number> {}
export interface ZodEnum<T extends string> extends Schema<T> {
  readonly options: readonly T[];
}
export interface ZodOptional<T extends Schema> extends Schema<output<T> | undefined, input<T> | undefined> {
  readonly '~optin': 'optional';
  readonly '~optout': 'optional';
}
export interface ZodDefault<T extends Schema>
  extends Schema<Exclude<output<T>, undefined>, input<T> | undefined> {
  readonly '~optin': 'optional';
}
export type ZodNullable<T extends Schema> = Schema<output<T> | null, input<T> | null> &
  Pick<T & Optionality, keyof Optionality>;

type OptionalOutKeys<S extends Shape> = {
  [K in keyof S]: S[K] extends { readonly '~optout': 'optional' } ? K : never;
}[keyof S];
type OptionalInKeys<S extends Shape> = {
  [K in keyof S]: S[K] extends { readonly '~optin': 'optional' } ? K : never;
}[keyof S];

export type ObjectOutput<S extends Shape> = Flatten<
  { -readonly [K in Exclude<keyof S, OptionalOutKeys<S>>]: output<S[K]> } & {
    -readonly [K in OptionalOutKeys<S>]?: output<S[K]>;
  }
>;
export type ObjectInput<S extends Shape> = Flatten<
  { -readonly [K in Exclude<keyof S, OptionalInKeys<S>>]: input<S[K]> } & {
    -readonly [K in OptionalInKeys<S>]?: input<S[K]>;
  }
>;

export interface ZodObject<S extends Shape, Extra = unknown>
  extends Schema<ObjectOutput<S> & Extra, ObjectInput<S> & Extra> {
  readonly shape: S;
}

export const string = (): ZodString => make({ type: 'string' }, parseString);
export const number = (): ZodNumber => make({ type: 'number' }, parseNumber);
export const boolean = (): Schema<boolean> =>
  make(
    { type: 'boolean' },
    parseAs('boolean', (v) => typeof v === 'boolean'),
  );
const nullSchema = (): Schema<null> =>
  make(
    { type: 'null' },
    parseAs('null', (v) => v === null),
  );
export { nullSchema as null };
export const unknown = (): Schema<unknown> => make({ type: 'unknown' }, (_def, payload) => payload);

export const literal = <const T extends Primitive>(value: T | readonly T[]): Schema<T> =>
  make({ type: 'literal', values: Array.isArray(value) ? value : [value as T] }, parseValues);

const enumSchema = <const T extends readonly [string, ...string[]] | readonly string[]>(
  values: T,
): ZodEnum<T[number]> => make({ type: 'enum', values }, parseValues);
export { enumSchema as enum };

export const optional = <T extends Schema>(inner: T): ZodOptional<T> =>
  make({ type: 'optional', inner }, parseOptional);
export const nullable = <T extends Schema>(inner: T): ZodNullable<T> =>
  make({ type: 'nullable', inner }, parseNullable);
export const _default = <T extends Schema>(inner: T, value: Exclude<output<T>, undefined>): ZodDefault<T> =>
  make({ type: 'default', inner, value }, parseDefault);

export const array = <T extends Schema>(element: T): Schema<output<T>[], input<T>[]> =>
  make({ type: 'array', element }, parseArray);

export const object = <S extends Shape>(shape: S): ZodObject<S> =>
  make({ type: 'object', shape, mode: 'strip' }, parseObject);
export const strictObject = <S extends Shape>(shape: S): ZodObject<S> =>
  make({ type: 'object', shape, mode: 'strict' }, parseObject);
export const looseObject = <S extends Shape>(shape: S): ZodObject<S, Record<string, unknown>> =>
  make({ type: 'object', shape, mode: 'loose' }, parseObject);

/** The object with more (or replaced) fields; the checks of `base` are not carried over. */
export const extend = <S extends Shape, E extends Shape>(
  base: ZodObject<S>,
  shape: E,
): ZodObject<Flatten<Omit<S, keyof E> & E>> => {
  const def = base.def as Extract<Def, { type: 'object' }>;
  return make({ type: 'object', shape: { ...def.shape, ...shape }, mode: def.mode, base }, parseObject);
};

export const record = <K extends Schema<string>, V extends Schema>(
  key: K,
  value: V,
): Schema<Record<output<K>, output<V>>, Record<input<K>, input<V>>> =>
  make({ type: 'record', key, value }, parseRecord);

export const union = <const T extends readonly Schema[]>(
  options: T,
): Schema<output<T[number]>, input<T[number]>> => make({ type: 'union', options }, parseUnion);

export const discriminatedUnion = <const T extends readonly Schema[]>(
  discriminator: string,
  options: T,
): Schema<output<T[number]>, input<T[number]>> =>
  make({ type: 'union', options, discriminator }, parseDiscriminated);

const format = (
  name: StringFormat['name'],
  test: (payload: Payload) => boolean,
  offset?: boolean,
): ZodString =>
  make(
    {
      type: 'string',
      format: { name, test, ...(offset === undefined ? {} : { offset }) } as StringFormat & {
        test: typeof test;
      },
    },
    parseString,
  );

const matches = (pattern: RegExp) => (payload: Payload) => pattern.test(payload.value as string);

const ipv4Part = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])';
export const ipv4 = (): ZodString =>
  format('ipv4', matches(new RegExp(`^(?:${ipv4Part}\\.){3}${ipv4Part}$`)));

export const ipv6 = (): ZodString => {
  const h = '[0-9a-fA-F]{1,4}';
  return format(
    'ipv6',
    matches(
      new RegExp(
        `^((${h}:){7}${h}|(${h}:){1,7}:|(${h}:){1,6}:${h}|(${h}:){1,5}(:${h}){1,2}|(${h}:){1,4}(:${h}){1,3}|(${h}:){1,3}(:${h}){1,4}|(${h}:){1,2}(:${h}){1,5}|${h}:((:${h}){1,6})|:((:${h}){1,7}|:))$`,
      ),
    ),
  );
};

/** An absolute URL, trimmed (as zod's `z.url()` without options). */
export const url = (): ZodString =>
  format('url', (payload) => {
    const trimmed = (payload.value as string).trim();
    // As a URL parser reads it (and zod answers it): tabs and newlines inside are dropped.
    payload.value = trimmed.replace(/[\t\n\r]/g, '');
    return URL.canParse(trimmed);
  });

/** The date part of an ISO timestamp, leap days included (as zod's). */
const datePattern =
  '(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))';

/** ISO timestamps and dates, as zod's `z.iso.datetime({ offset })` and `z.iso.date()`. */
export const isoDateTime = (options: { offset?: boolean } = {}): ZodString => {
  const offset = options.offset ?? false;
  const zone = `Z${offset ? '|([+-](?:[01]\\d|2[0-3]):[0-5]\\d)' : ''}`;
  return format(
    'datetime',
    matches(new RegExp(`^${datePattern}T(?:(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d+)?(?:${zone}))$`)),
    offset,
  );
};
export const isoDate = (): ZodString => format('date', matches(new RegExp(`^${datePattern}$`)));

/** As `z.coerce.number()`: any input, read with `Number()`. */
export const coercedNumber = (): Schema<number, unknown> =>
  make({ type: 'number', coerce: true }, parseNumber);
