/**
 * Any schema of `z.ts` rebuilt as the zod/mini schema it stands for: the same types, checks,
 * refinements, defaults and metadata, in the same order. The OpenAPI generator hands these to
 * zod's JSON Schema writer, and the parity test runs both validators over the same inputs. Never
 * imported by a Lambda function (zod is a devDependency).
 */
import * as zod from 'zod/mini';
import { _coercedNumber, _isoDate, _isoDateTime } from 'zod/v4/core';
import type { Check, Def, Schema } from './z.ts';
import { messageOf } from './z.ts';

zod.config({ localeError: (issue) => messageOf(issue as unknown as { code: string }) });

const built = new WeakMap<Schema, zod.ZodMiniType>();

type AnyCheck = zod.core.$ZodCheck<unknown>;

const checkOf = (check: Check<never>): AnyCheck => {
  const p = check.params as never;
  switch (check.check) {
    case 'minLength':
      return zod.minLength(p) as AnyCheck;
    case 'maxLength':
      return zod.maxLength(p) as AnyCheck;
    case 'minimum':
      return zod.minimum(p) as AnyCheck;
    case 'maximum':
      return zod.maximum(p) as AnyCheck;
    case 'nonnegative':
      return zod.nonnegative() as AnyCheck;
    case 'int':
      return zod.int() as unknown as AnyCheck;
    case 'trim':
      return zod.trim() as AnyCheck;
    case 'regex': {
      const { pattern, message } = check.params as { pattern: RegExp; message?: string };
      return zod.regex(pattern, message) as AnyCheck;
    }
    case 'refine': {
      const { test, params } = check.params as { test: (v: unknown) => unknown; params?: never };
      return zod.refine(test, params) as AnyCheck;
    }
    case 'superRefine':
      return zod.superRefine(check.params as never) as AnyCheck;
    case 'describe':
      return zod.describe(String(check.meta?.description)) as AnyCheck;
    case 'meta':
      return zod.meta(check.meta as never) as AnyCheck;
    default:
      throw new Error(`No zod form for the check ${check.check}`);
  }
};

const typeOf = (def: Def): zod.ZodMiniType => {
  switch (def.type) {
    case 'string':
      switch (def.format?.name) {
        case undefined:
          return zod.string();
        case 'datetime':
          return _isoDateTime(zod.ZodMiniISODateTime, def.format.offset ? { offset: true } : undefined);
        case 'date':
          return _isoDate(zod.ZodMiniISODate);
        case 'ipv4':
          return zod.ipv4();
        case 'ipv6':
          return zod.ipv6();
        case 'url':
          return zod.url();
      }
      break;
    case 'number':
      return def.coerce ? _coercedNumber(zod.ZodMiniNumber) : zod.number();
    case 'boolean':
      return zod.boolean();
    case 'null':
      return zod.null();
    case 'unknown':
      return zod.unknown();
    case 'literal':
      return zod.literal(def.values as never);
    case 'enum':
      return zod.enum(def.values as never);
    case 'optional':
      return zod.optional(toZod(def.inner));
    case 'nullable':
      return zod.nullable(toZod(def.inner));
    case 'default':
      return zod._default(toZod(def.inner), def.value as never);
    case 'array':
      return zod.array(toZod(def.element));
    case 'record':
      return zod.record(toZod(def.key) as never, toZod(def.value));
    case 'object': {
      const shape = Object.fromEntries(Object.entries(def.shape).map(([k, v]) => [k, toZod(v)]));
      if (def.base) {
        const own = (def.base.def as { shape: Record<string, unknown> }).shape;
        const added = Object.fromEntries(Object.entries(shape).filter(([k]) => own[k] !== def.shape[k]));
        return zod.extend(toZod(def.base) as zod.ZodMiniObject, added);
      }
      return def.mode === 'strict'
        ? zod.strictObject(shape)
        : def.mode === 'loose'
          ? zod.looseObject(shape)
          : zod.object(shape);
    }
    case 'union':
      return def.discriminator === undefined
        ? zod.union(def.options.map(toZod) as never)
        : zod.discriminatedUnion(def.discriminator, def.options.map(toZod) as never);
  }
};

/** The zod/mini schema `schema` stands for; the same one each time it is asked for. */
export const toZod = (schema: Schema): zod.ZodMiniType => {
  const known = built.get(schema);
  if (known) return known;
  const base = typeOf(schema.def);
  const out = schema.checks.length ? base.check(...schema.checks.map(checkOf)) : base;
  built.set(schema, out);
  return out;
};
