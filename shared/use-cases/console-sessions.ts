/**
 * Signing in to the console with an API key, and the session that follows. The key is checked
 * as the API checks a Bearer key (by its hash; unknown or revoked refuses), then forgotten: the
 * session keeps its hash, so each request checks again that the key still exists and is not
 * revoked, and revoking the key ends every session made from it at once.
 */
import { findApiKeyByHash } from '#shared/adapters/dynamodb/api-keys.ts';
import { consoleSessions } from '#shared/adapters/dynamodb/console-sessions.ts';
import { type Actor, hashApiKey } from '#shared/domain/api-key.ts';
import {
  type ConsoleSession,
  hashSessionId,
  isLive,
  looksLikeToken,
  randomToken,
  sessionLifetimeSeconds,
} from '#shared/domain/console-session.ts';

/** A live session: who is signed in, and the token their forms must carry. */
export interface LiveSession {
  actor: Actor;
  csrf: string;
  expiresAt: number;
}

/**
 * Sign in.
 * Input: the API key as typed. Output: a new session id (for the cookie) and the session, or
 * `undefined` when the key is unknown or revoked.
 * 1. Look the key up by its hash, as the API does; refuse an unknown or revoked one.
 * 2. Store a new session under the hash of a random id, with a CSRF token and an 8-hour end.
 */
export const signIn = async (
  key: string,
  nowMs = Date.now(),
): Promise<{ id: string; session: LiveSession } | undefined> => {
  const trimmed = key.trim();
  if (!trimmed || trimmed.length > 200 || /\s/.test(trimmed)) return undefined;
  const keyHash = hashApiKey(trimmed);
  const record = await findApiKeyByHash(keyHash);
  if (!record || record.revokedAt) return undefined;
  const id = randomToken();
  const session: ConsoleSession = {
    keyHash,
    keyId: record.id,
    name: record.name,
    role: record.role,
    csrf: randomToken(),
    createdAt: new Date(nowMs).toISOString(),
    expiresAt: Math.floor(nowMs / 1000) + sessionLifetimeSeconds,
  };
  await consoleSessions.create(hashSessionId(id), session);
  return {
    id,
    session: {
      actor: { keyId: record.id, name: record.name, role: record.role },
      csrf: session.csrf,
      expiresAt: session.expiresAt,
    },
  };
};

/**
 * The live session of a cookie's id, if any.
 * 1. Read the session by the id's hash; none, or past its end → none.
 * 2. Read its API key by hash: deleted or revoked → the session is ended (deleted) → none.
 * 3. The key's current role and name act, not those at sign-in.
 */
export const liveSession = async (
  id: string | undefined,
  nowMs = Date.now(),
): Promise<LiveSession | undefined> => {
  if (!looksLikeToken(id)) return undefined;
  const idHash = hashSessionId(id);
  const session = await consoleSessions.get(idHash);
  if (!session) return undefined;
  if (!isLive(session, nowMs)) {
    await consoleSessions.delete(idHash);
    return undefined;
  }
  const record = await findApiKeyByHash(session.keyHash);
  if (!record || record.revokedAt) {
    await consoleSessions.delete(idHash);
    return undefined;
  }
  return {
    actor: { keyId: record.id, name: record.name, role: record.role },
    csrf: session.csrf,
    expiresAt: session.expiresAt,
  };
};

/** Sign out: the session is deleted, so its cookie opens nothing even if kept. */
export const signOut = async (id: string | undefined): Promise<void> => {
  if (looksLikeToken(id)) await consoleSessions.delete(hashSessionId(id));
};
