import { randomBytes } from 'node:crypto';

const alphabet = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case

/**
 * Time-sortable opaque id (ULID layout: 10 characters of milliseconds, 16 random). Sorting ids
 * sorts by creation time, which lets indexes list newest or oldest first without another attribute.
 */
export const newId = (now = Date.now()): string => {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = alphabet[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(16);
  let random = '';
  for (const b of bytes) random += alphabet[b % 32];
  return time + random;
};

export const idPattern = /^[0-9a-hjkmnp-tv-z]{26}$/;
