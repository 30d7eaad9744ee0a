import { createHash, randomBytes } from 'node:crypto';

const alphabet = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case

/**
 * Time-sortable opaque id (ULID layout: 10 characters of milliseconds, 16 random). Sorting ids
 * sorts by creation time, which lets indexes list newest or oldest first without another attribute.
 */
const timePart = (ms: number): string => {
  let time = '';
  let t = ms;
  for (let i = 0; i < 10; i++) {
    time = alphabet[t % 32] + time;
    t = Math.floor(t / 32);
  }
  return time;
};

export const newId = (now = Date.now()): string => {
  const time = timePart(now);
  const bytes = randomBytes(16);
  let random = '';
  for (const b of bytes) random += alphabet[b % 32];
  return time + random;
};

export const idPattern = /^[0-9a-hjkmnp-tv-z]{26}$/;

/**
 * The ids made from `from` (inclusive) to `to` (exclusive), as bounds for a key condition:
 * `BETWEEN first AND last` selects exactly the ids made in that window.
 */
export const idRange = (from: number, to: number): { first: string; last: string } => ({
  first: `${timePart(Math.max(0, from))}${'0'.repeat(16)}`,
  last: `${timePart(Math.max(0, to - 1))}${'z'.repeat(16)}`,
});

/**
 * An id derived from `seed`, issued for the time `ms`: the same seed always gives the same id, so
 * work redone after a crash (an import's row) finds what the first attempt wrote.
 */
export const derivedId = (ms: number, seed: string): string => {
  const bytes = createHash('sha256').update(seed).digest();
  let random = '';
  for (let i = 0; i < 16; i++) random += alphabet[(bytes[i] as number) % 32];
  return timePart(ms) + random;
};
