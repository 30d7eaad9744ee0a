/**
 * The token check of hosted pages whose auth is `token`: their handlers pass it to `page()`, so the
 * pages that take no token carry neither the signing keys nor the token schemas.
 */
import { signingKeys } from '#shared/adapters/secrets/signing-keys.ts';
import { type TokenFailureCode, type TokenPurpose, verifyToken } from '#shared/domain/tokens.ts';
import type { VerifiedToken } from './page.ts';

export type TokenCheck = (
  raw: string | undefined,
  purposes: readonly TokenPurpose[],
) => Promise<{ ok: true; token: VerifiedToken<TokenPurpose> } | { ok: false; code: TokenFailureCode }>;

/** Verifies the path's token as any of the route's purposes, with the current signing keys. */
export const verifyPageToken: TokenCheck = async (raw, purposes) => {
  const keys = await signingKeys();
  let code: TokenFailureCode = 'malformed';
  for (const purpose of purposes) {
    const result = verifyToken(keys, raw, purpose);
    if (result.ok) return { ok: true, token: { raw: raw as string, payload: result.payload } };
    code = result.code;
    // Only the purpose differs from one try to the next: any other failure is final.
    if (code !== 'wrong_purpose') break;
  }
  return { ok: false, code };
};
