import { createHash, randomBytes } from 'node:crypto';

export const roles = ['admin', 'marketer'] as const;
export type Role = (typeof roles)[number];

/** Who is calling: an API key's id, name and role. Recorded as `actor` on every change. */
export interface Actor {
  readonly keyId: string;
  readonly name: string;
  readonly role: Role;
}

const prefix = 'sck_';

/** A new secret key: 32 random bytes. Shown once; only its hash is stored. */
export const generateApiKey = (): string => prefix + randomBytes(32).toString('base64url');

/**
 * Keys are 256-bit random strings, so a fast hash is enough: no dictionary to guard against, and
 * a lookup by hash is one GetItem.
 */
export const hashApiKey = (key: string): string => createHash('sha256').update(key).digest('hex');

/** Does `role` satisfy a route's required role? admin may do everything a marketer may. */
export const roleAllows = (role: Role, required: Role): boolean => role === 'admin' || role === required;

/** Actor recorded for changes made by the system itself (feedback, recipients on hosted pages). */
export const systemActor = (name: string): Actor => ({ keyId: 'system', name, role: 'admin' });
