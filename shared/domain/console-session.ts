/**
 * The console's sign-in session, as data: a random id the browser holds in an HttpOnly cookie, its
 * hash as the stored item's key (a copy of the table gives no one a usable cookie), a CSRF token
 * every form carries, and an absolute lifetime of 8 hours. The API key it was made from is kept as
 * its hash only, so every request can check that the key still exists and is not revoked. Pure.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Role } from './api-key.ts';

/** How long a session lives from sign-in, whatever happens in between. */
export const sessionLifetimeSeconds = 8 * 60 * 60;

/** The cookie that carries the session id; its path keeps it off every other route. */
export const sessionCookie = 'sc_console';
/** The cookie of a sign-in form not yet posted: half of the double-submitted token (login CSRF). */
export const signInCookie = 'sc_signin';
export const consolePath = '/console';

export interface ConsoleSession {
  /** The API key's hash (the key itself is never stored). */
  keyHash: string;
  keyId: string;
  name: string;
  role: Role;
  csrf: string;
  createdAt: string;
  /** Epoch seconds: the session ends then (and the item's TTL removes it). */
  expiresAt: number;
}

/** A new random value: 32 bytes, base64url. Used for session ids and CSRF tokens. */
export const randomToken = (): string => randomBytes(32).toString('base64url');

/** The stored key of a session id: its SHA-256 (ids are 256 random bits, so a fast hash is enough). */
export const hashSessionId = (id: string): string => createHash('sha256').update(id).digest('hex');

/** Is this what a session id or CSRF token looks like (43 base64url characters)? */
export const looksLikeToken = (value: string | undefined): value is string =>
  value !== undefined && /^[A-Za-z0-9_-]{43}$/.test(value);

/** Two secrets compared in constant time; any missing or mis-sized one is simply unequal. */
export const sameSecret = (a: string | undefined, b: string | undefined): boolean => {
  if (a === undefined || b === undefined) return false;
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

export const isLive = (session: Pick<ConsoleSession, 'expiresAt'>, nowMs: number): boolean =>
  session.expiresAt * 1000 > nowMs;

/**
 * Where to go after signing in: a console path of ours only (`/console…`), never another host,
 * a protocol-relative `//x`, a backslash trick or a control character. Anything else → the console.
 */
export const safeNext = (next: string | undefined): string => {
  if (!next || next.length > 512) return consolePath;
  if (!/^\/console(?:[/?][\x21-\x7e]*)?$/.test(next) || next.includes('\\') || next.includes('//'))
    return consolePath;
  return next;
};

export interface CookieOptions {
  /** Only over HTTPS: on in AWS, off on the local stack's http://localhost. */
  secure: boolean;
  maxAgeSeconds: number;
}

/** A `Set-Cookie` value: HttpOnly, SameSite=Strict, limited to the console's path. */
export const setCookie = (name: string, value: string, options: CookieOptions): string =>
  [
    `${name}=${value}`,
    `Path=${consolePath}`,
    `Max-Age=${options.maxAgeSeconds}`,
    'HttpOnly',
    'SameSite=Strict',
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');

/** The `Set-Cookie` value that removes a cookie. */
export const clearCookie = (name: string, secure: boolean): string =>
  setCookie(name, '', { secure, maxAgeSeconds: 0 });

/** The cookies a request carries (API Gateway v2 hands them over as `name=value` strings). */
export const parseCookies = (pairs: readonly string[] | undefined): Map<string, string> => {
  const cookies = new Map<string, string>();
  for (const pair of pairs ?? []) {
    for (const part of pair.split(';')) {
      const at = part.indexOf('=');
      if (at <= 0) continue;
      const name = part.slice(0, at).trim();
      // The first one wins, as browsers send the most specific path first.
      if (!cookies.has(name)) cookies.set(name, part.slice(at + 1).trim());
    }
  }
  return cookies;
};
