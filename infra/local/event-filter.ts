/**
 * Lambda's event filtering, as the local stack's pollers apply it: a record reaches the function
 * when it matches any of the mapping's patterns (infra/streams.ts). The subset the definitions use:
 * nested objects, arrays of exact values, `{prefix}`, `{exists}` and `{"anything-but": [...]}`.
 */
import type { FilterPattern, FilterValue } from '#infra/streams.ts';

const matchesValue = (rule: FilterValue, present: boolean, value: unknown): boolean => {
  if (typeof rule === 'string' || typeof rule === 'number') return present && value === rule;
  if ('prefix' in rule) return present && typeof value === 'string' && value.startsWith(rule.prefix);
  if ('exists' in rule) return rule.exists === present;
  if ('anything-but' in rule) return present && !rule['anything-but'].includes(value as string | number);
  return false;
};

/** Does `record` match the pattern? Every key of the pattern must match. */
export const matchesPattern = (pattern: FilterPattern, record: unknown): boolean =>
  Object.entries(pattern).every(([key, rule]) => {
    const holder = record && typeof record === 'object' ? (record as Record<string, unknown>) : undefined;
    const present = holder !== undefined && Object.hasOwn(holder, key);
    const value = holder?.[key];
    if (Array.isArray(rule)) return (rule as FilterValue[]).some((r) => matchesValue(r, present, value));
    return present && matchesPattern(rule as FilterPattern, value);
  });

/** Any of the patterns (Lambda ORs a mapping's filters); no patterns lets everything through. */
export const matchesAny = (patterns: readonly FilterPattern[], record: unknown): boolean =>
  patterns.length === 0 || patterns.some((p) => matchesPattern(p, record));
