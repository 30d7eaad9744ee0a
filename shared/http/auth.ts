import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { findApiKeyByHash } from '#shared/adapters/dynamodb/api-keys.ts';
import { type Actor, type Role, hashApiKey, roleAllows } from '#shared/domain/api-key.ts';
import { forbidden, unauthorized } from './errors.ts';
import { header } from './request.ts';

/**
 * Checks the Bearer key before anything else is looked up: missing, unknown or revoked → 401;
 * known key with too small a role → 403.
 */
export const authenticate = async (event: APIGatewayProxyEventV2, required: Role): Promise<Actor> => {
  const match = /^Bearer\s+(\S{1,200})\s*$/i.exec(header(event, 'authorization') ?? '');
  if (!match?.[1]) throw unauthorized();
  const record = await findApiKeyByHash(hashApiKey(match[1]));
  if (!record || record.revokedAt) throw unauthorized();
  if (!roleAllows(record.role, required)) throw forbidden(`This route needs an ${required} key`);
  return { keyId: record.id, name: record.name, role: record.role };
};
