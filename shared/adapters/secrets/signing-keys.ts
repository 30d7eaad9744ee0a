/**
 * The signing key set: HMAC keys for hosted-page tokens and the key of address fingerprints.
 *
 * Loaded once per container: locally from `SIGNING_KEYS` (JSON, set by the local stack), on AWS
 * from Secrets Manager (`SIGNING_KEYS_SECRET_ARN`, GetSecretValue), then cached for the container's
 * life. Shape: `{current, keys: {[kid]: secret}, fingerprint?}`. The secret CDK generates keeps its
 * key beside `current` (`{"current": "k1", "k1": "…"}`, since Secrets Manager can only generate a
 * top-level field), so top-level strings other than `current` and `fingerprint` are read as keys.
 *
 * The fingerprint key: `fingerprint` when present, else HMAC-SHA256(keys[current], 'fingerprint-v1').
 * Suppression entries that outlive an erasure are keyed by fingerprints, so the fingerprint key must
 * never change: rotating `current` on a set WITHOUT a `fingerprint` field changes the derived key
 * and orphans every erasure fingerprint made before (an erased person would become mailable after a
 * re-import). Before the first rotation, set `fingerprint` to the value derived from the current key
 * (or give every new set a random `fingerprint` from the start, as the local stack does).
 */
import { createHmac } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { fingerprintEmail, isSecret, keySetProblems, secretsOf } from '#shared/domain/tokens.ts';

/** The CDK-generated form keeps its keys at the top level beside `current`: read them as `keys`. */
const normalized = (value: unknown): unknown => {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || 'keys' in value) return value;
  const { current, fingerprint, ...keys } = value as Record<string, unknown>;
  return { current, keys, ...(fingerprint === undefined ? {} : { fingerprint }) };
};

export interface SigningKeySet {
  readonly current: string;
  readonly keys: Readonly<Record<string, string>>;
  /** The key of address fingerprints (see the module comment: it must never change). */
  readonly fingerprintKey: string;
}

/** Parses and validates a key set; the error names the problem, never a secret. */
export const parseSigningKeys = (text: string): SigningKeySet => {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // JSON.parse quotes its input in the message: never let a secret reach a log.
    throw new Error('Invalid signing keys: not valid JSON');
  }
  const set = normalized(value);
  if (typeof set !== 'object' || set === null || Array.isArray(set))
    throw new Error('Invalid signing keys: (root): not an object');
  const { current, keys, fingerprint } = set as Record<string, unknown>;
  const problems = [
    ...keySetProblems(current, keys),
    ...(fingerprint === undefined || isSecret(fingerprint)
      ? []
      : ['fingerprint: not a secret of 32 to 1024 characters']),
  ];
  if (problems.length) throw new Error(`Invalid signing keys: ${problems.join('; ')}`);
  const secrets = secretsOf(keys);
  const fingerprintKey =
    (fingerprint as string | undefined) ??
    createHmac('sha256', secrets[current as string] as string)
      .update('fingerprint-v1')
      .digest('base64url');
  return Object.freeze({ current: current as string, keys: Object.freeze(secrets), fingerprintKey });
};

let secrets: SecretsManagerClient | undefined;
let loaded: Promise<SigningKeySet> | undefined;

const load = async (): Promise<SigningKeySet> => {
  const local = process.env.SIGNING_KEYS;
  if (local) return parseSigningKeys(local);
  const arn = process.env.SIGNING_KEYS_SECRET_ARN;
  if (!arn) throw new Error('Invalid configuration: SIGNING_KEYS or SIGNING_KEYS_SECRET_ARN must be set');
  secrets ??= new SecretsManagerClient({});
  const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: arn }));
  if (!SecretString) throw new Error('Invalid signing keys: the secret has no string value');
  return parseSigningKeys(SecretString);
};

/** The key set, loaded on first use and kept for the container's life (a failed load is retried). */
export const signingKeys = (): Promise<SigningKeySet> => {
  loaded ??= load().catch((error: unknown) => {
    loaded = undefined;
    throw error;
  });
  return loaded;
};

/** HMAC-SHA256(fingerprint key, 'fp:v1:' + emailKey), hex: the id of the address's suppression entry. */
export const emailFingerprint = async (emailKey: string): Promise<string> =>
  fingerprintEmail(emailKey, (await signingKeys()).fingerprintKey);
