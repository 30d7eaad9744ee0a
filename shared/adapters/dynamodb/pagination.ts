import { ValidationError } from '#shared/domain/errors.ts';

type Key = Record<string, string | number>;

/** Opaque cursor for a DynamoDB `LastEvaluatedKey`. */
export const encodeCursor = (key: Key | undefined): string | null =>
  key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null;

/**
 * Decodes a cursor and checks it belongs to this query (`fixed` are the key values every item of
 * the query shares), so a crafted cursor cannot start a query in someone else's partition.
 */
export const decodeCursor = (cursor: string | undefined, fixed: Key): Key | undefined => {
  if (!cursor) return undefined;
  const invalid = () =>
    new ValidationError('Invalid cursor', [{ path: 'query.cursor', message: 'Not a cursor from this list' }]);
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof key !== 'object' || key === null || Array.isArray(key)) throw invalid();
  const entries = Object.entries(key);
  if (entries.length > 6 || entries.some(([, v]) => typeof v !== 'string' && typeof v !== 'number'))
    throw invalid();
  for (const [name, value] of Object.entries(fixed)) {
    if ((key as Key)[name] !== value) throw invalid();
  }
  return key as Key;
};
