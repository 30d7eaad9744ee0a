/**
 * Settings read from environment variables with plain checks, for the adapters and use cases that
 * most functions load: the same rules `loadConfig` (env.ts) states with zod schemas, so that a
 * function whose only use of zod would be its configuration does not carry zod. A function still
 * fails at cold start, loudly: `Invalid configuration: NAME: why; …`.
 */

/** One setting: its value from the variable's text (undefined when unset), or why it is refused. */
export type Setting<T> = (raw: string | undefined) => { ok: true; value: T } | { ok: false; why: string };

type Values<S extends Record<string, Setting<unknown>>> = {
  [K in keyof S]: S[K] extends Setting<infer T> ? T : never;
};

/** Reads every setting, or throws naming each one refused. */
export const readSettings = <S extends Record<string, Setting<unknown>>>(
  settings: S,
  env: NodeJS.ProcessEnv = process.env,
): Values<S> => {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, setting] of Object.entries(settings)) {
    const read = setting(env[name]);
    if (read.ok) values[name] = read.value;
    else problems.push(`${name}: ${read.why}`);
  }
  if (problems.length) throw new Error(`Invalid configuration: ${problems.join('; ')}`);
  return values as Values<S>;
};

const ok = <T>(value: T) => ({ ok: true as const, value });
const refused = (why: string) => ({ ok: false as const, why });

/** Text of at least `min` characters (and at most `max`); required. */
export const text =
  (min = 1, max = Number.POSITIVE_INFINITY): Setting<string> =>
  (raw) => {
    if (raw === undefined) return refused('not set');
    if (raw.length < min) return refused(`shorter than ${min} characters`);
    return raw.length > max ? refused(`longer than ${max} characters`) : ok(raw);
  };

/**
 * An absolute URL, as zod's `url()` takes one: trimmed, parseable by `URL`, and with any tab or
 * line break removed (which the URL parser itself ignores).
 */
export const url = (): Setting<string> => (raw) => {
  if (raw === undefined) return refused('not set');
  const trimmed = raw.trim();
  return URL.canParse(trimmed) ? ok(trimmed.replace(/[\t\n\r]/g, '')) : refused('not a URL');
};

/** A whole number from `min` to `max`; `fallback` when unset. */
export const wholeNumber =
  (min: number, max: number, fallback: number): Setting<number> =>
  (raw) => {
    if (raw === undefined) return ok(fallback);
    const value = Number(raw);
    return Number.isSafeInteger(value) && value >= min && value <= max
      ? ok(value)
      : refused(`not a whole number from ${min} to ${max}`);
  };

/** One of `values`; `fallback` when unset. */
export const oneOf =
  <const V extends string>(values: readonly V[], fallback: V): Setting<V> =>
  (raw) => {
    if (raw === undefined) return ok(fallback);
    return (values as readonly string[]).includes(raw)
      ? ok(raw as V)
      : refused(`not one of ${values.join(', ')}`);
  };

/** A setting that may be unset (then undefined). */
export const optional =
  <T>(setting: Setting<T>): Setting<T | undefined> =>
  (raw) =>
    raw === undefined ? ok(undefined) : setting(raw);

/** A setting with a value when unset. */
export const withDefault =
  <T>(setting: Setting<T>, fallback: T): Setting<T> =>
  (raw) =>
    raw === undefined ? ok(fallback) : setting(raw);
