import * as z from 'zod';
import { roles } from '#shared/domain/api-key.ts';
import { Timestamp } from './common.ts';

export const CreateApiKey = z.strictObject({
  name: z.string().trim().min(1).max(100),
  role: z.enum(roles),
});

export const ApiKey = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(roles),
    createdAt: Timestamp,
    createdBy: z.string(),
    revokedAt: Timestamp.optional(),
    revokedBy: z.string().optional(),
  })
  .meta({ id: 'ApiKey' });

export const CreatedApiKey = ApiKey.extend({
  key: z.string().describe('The secret key. Shown once, in this response only; store it now.'),
}).meta({ id: 'CreatedApiKey' });

export const PrivacySetting = z.object({
  enabled: z.boolean(),
  updatedAt: Timestamp.nullable(),
  updatedBy: z.string().nullable(),
});

export const Settings = z.object({ privacy: PrivacySetting }).meta({ id: 'Settings' });

export const PutPrivacy = z.strictObject({ enabled: z.boolean() });
