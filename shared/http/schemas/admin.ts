import * as z from 'zod/mini';
import { roles } from '#shared/domain/api-key.ts';
import { pageFields, Timestamp } from './common.ts';

export const CreateApiKey = z
  .strictObject({
    name: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
    role: z.enum(roles),
  })
  .check(z.meta({ id: 'CreateApiKeyRequest' }));

const apiKeyFields = {
  id: z.string(),
  name: z.string(),
  role: z.enum(roles),
  createdAt: Timestamp,
  createdBy: z.string().check(z.describe('The id of the key that created it (`bootstrap` for the first)')),
  revokedAt: z.optional(Timestamp),
  revokedBy: z.optional(z.string()),
};

export const ApiKey = z.object(apiKeyFields).check(z.meta({ id: 'ApiKey' }));

export const CreatedApiKey = z
  .object({
    ...apiKeyFields,
    key: z.string().check(z.describe('The secret key. Shown once, in this response only; store it now.')),
  })
  .check(z.meta({ id: 'CreatedApiKey' }));

export const Settings = z
  .object({
    privacy: z.object({
      enabled: z.boolean(),
      updatedAt: z.nullable(Timestamp),
      updatedBy: z.nullable(z.string()),
    }),
  })
  .check(z.meta({ id: 'Settings' }));

export const PutPrivacy = z.strictObject({ enabled: z.boolean() }).check(z.meta({ id: 'PutPrivacyRequest' }));

export const auditActions = [
  'api_key.created',
  'api_key.revoked',
  'settings.privacy',
  'settings.bounce_policy',
  'suppression.created',
  'suppression.deleted',
  'contact.erased',
  'mailing.override_send',
  'mailing.override_reached',
  'mailing.paused',
  'mailing.resumed',
  'mailing.deleted',
  'list.deleted',
] as const;

export const AuditQuery = z.object({
  ...pageFields,
  action: z.optional(z.enum(auditActions)),
  from: z.optional(Timestamp.check(z.describe('Entries at or after this time'))),
  to: z.optional(Timestamp.check(z.describe('Entries before this time'))),
});

export const AuditEntry = z
  .object({
    id: z.string(),
    at: Timestamp,
    action: z.string().check(z.describe(`What was done: ${auditActions.map((a) => `\`${a}\``).join(', ')}`)),
    actor: z.object({
      keyId: z.string().check(z.describe('The API key, or `system` for the product itself')),
      name: z.string().check(z.describe("The key's name, or the part of the product that acted")),
      role: z.string(),
    }),
    details: z
      .record(z.string(), z.unknown())
      .check(z.describe('Ids and non-personal facts about the action; never an address or a name')),
  })
  .check(z.meta({ id: 'AuditEntry' }));
