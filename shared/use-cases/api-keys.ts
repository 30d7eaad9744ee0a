import * as apiKeys from '#shared/adapters/dynamodb/api-keys.ts';
import * as audit from '#shared/adapters/dynamodb/audit.ts';
import { type Actor, generateApiKey, hashApiKey, type Role } from '#shared/domain/api-key.ts';
import { newId } from '#shared/domain/ids.ts';

/**
 * Create an API key.
 * Input: name and role; the admin creating it. Output: the record plus the secret key, shown once.
 * 1. Generate 256 random bits; keep only their SHA-256.
 * 2. Store the record under the hash (create-once).
 * 3. Record the creation in the audit log (without the key).
 */
export const createApiKey = async (input: { name: string; role: Role }, actor: Actor) => {
  const key = generateApiKey();
  const createdAt = new Date().toISOString();
  const record = { id: newId(), name: input.name, role: input.role, createdAt, createdBy: actor.keyId };
  await apiKeys.put(hashApiKey(key), record);
  await audit.record(
    actor,
    { action: 'api_key.created', details: { apiKeyId: record.id, role: record.role } },
    createdAt,
  );
  return { ...record, key };
};

export const listApiKeys = (limit: number, cursor?: string) => apiKeys.list(limit, cursor);

/** Revoke a key (it stops working at once) and record who did it. */
export const revokeApiKey = async (id: string, actor: Actor) => {
  const at = new Date().toISOString();
  const record = await apiKeys.revoke(id, actor.keyId, at);
  await audit.record(actor, { action: 'api_key.revoked', details: { apiKeyId: id } }, at);
  return record;
};

/**
 * Install a key whose secret the operator chose (the local stack's LOCAL_ADMIN_API_KEY, the
 * first admin key of a deployment). Installing the same key again changes nothing.
 */
export const installApiKey = async (key: string, name: string, role: Role): Promise<boolean> => {
  const hash = hashApiKey(key);
  if (await apiKeys.findByHash(hash)) return false;
  await apiKeys.put(hash, {
    id: newId(),
    name,
    role,
    createdAt: new Date().toISOString(),
    createdBy: 'bootstrap',
  });
  return true;
};
