/**
 * DynamoDB item sizes by AWS's published rules, for values in the document client's (unmarshalled)
 * shape: whether an item fits DynamoDB's 400 KB before writing it (a mailing's bodies), and, in the
 * benchmark, figures dynalite cannot tell (the bytes a Query returned, index write units).
 *
 * Rules (AWS DynamoDB developer guide, "Item sizes and formats"): a string is its UTF-8 bytes; a
 * number about one byte per two significant digits plus one; binary its bytes; null and boolean one
 * byte; a list or map 3 bytes plus, per element, one byte (and for a map the element's name); an
 * item the sum of its attribute names and values.
 */

const numberSize = (value: number): number => {
  const digits = String(Math.abs(value))
    .replace(/e.*$/i, '')
    .replace('.', '')
    .replace(/^0+/, '')
    .replace(/0+$/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
};

export const valueSize = (value: unknown): number => {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number' || typeof value === 'bigint') return numberSize(Number(value));
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) {
    let sum = 0;
    for (const v of value) sum += valueSize(v);
    return sum;
  }
  if (Array.isArray(value)) {
    let sum = 3;
    for (const v of value) sum += 1 + valueSize(v);
    return sum;
  }
  if (typeof value === 'object') {
    let sum = 3;
    for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined) continue;
      sum += 1 + Buffer.byteLength(name) + valueSize(v);
    }
    return sum;
  }
  return 0;
};

/** The size DynamoDB bills an item by: attribute names plus values. */
export const itemSize = (item: Record<string, unknown>): number => {
  let sum = 0;
  for (const [name, v] of Object.entries(item)) {
    if (v === undefined) continue;
    sum += Buffer.byteLength(name) + valueSize(v);
  }
  return sum;
};

/** DynamoDB's largest item: 400 KB, names and values. */
export const maxItemBytes = 400 * 1024;

/** Write units of one item write: one per started KB. */
export const writeUnits = (bytes: number): number => Math.max(1, Math.ceil(bytes / 1024));
