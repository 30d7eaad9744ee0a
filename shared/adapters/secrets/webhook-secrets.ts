/**
 * Webhook signing secrets at rest: sealed with AES-256-GCM under a key derived (HKDF-SHA256) from the
 * signing key set (./signing-keys.ts), bound to their endpoint's id, so a copy of the table alone
 * reveals no secret and a sealed secret moved to another endpoint does not open. The sealed form
 * names the key it was sealed under (`v1.<kid>.<iv>.<ciphertext+tag>`): rotating `current` seals new
 * secrets under the new key, and old ones still open while their key is listed.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { type SigningKeySet, signingKeys } from './signing-keys.ts';

const info = 'subscription-center/webhook-secret/v1';

const keyFor = (keys: SigningKeySet, kid: string): Buffer => {
  const material = keys.keys[kid];
  if (!material) throw new Error(`Webhook secret sealed under key "${kid}", which is no longer listed`);
  return Buffer.from(hkdfSync('sha256', material, Buffer.alloc(0), info, 32));
};

/** Seals `secret` for endpoint `endpointId` under the current key. */
export const sealSecret = async (secret: string, endpointId: string): Promise<string> => {
  const keys = await signingKeys();
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFor(keys, keys.current), iv);
  cipher.setAAD(Buffer.from(endpointId));
  const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `v1.${keys.current}.${iv.toString('base64url')}.${sealed.toString('base64url')}`;
};

/** Opens what {@link sealSecret} sealed for this endpoint; throws on any tampering. */
export const openSecret = async (sealed: string, endpointId: string): Promise<string> => {
  const [version, kid, iv, data] = sealed.split('.');
  if (version !== 'v1' || !kid || !iv || !data) throw new Error('Not a sealed webhook secret');
  const bytes = Buffer.from(data, 'base64url');
  const decipher = createDecipheriv(
    'aes-256-gcm',
    keyFor(await signingKeys(), kid),
    Buffer.from(iv, 'base64url'),
  );
  decipher.setAAD(Buffer.from(endpointId));
  decipher.setAuthTag(bytes.subarray(bytes.length - 16));
  return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString(
    'utf8',
  );
};
