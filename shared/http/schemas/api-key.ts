import * as z from '#shared/schema/z.ts';
import { roles } from '#shared/domain/api-key.ts';
import { Timestamp } from './common.ts';

export const apiKeyFields = {
  id: z.string(),
  name: z.string(),
  role: z.enum(roles),
  createdAt: Timestamp,
  createdBy: z.string().check(z.describe('The id of the key that created it (`bootstrap` for the first)')),
  revokedAt: z.optional(Timestamp),
  revokedBy: z.optional(z.string()),
};

export const ApiKey = z.object(apiKeyFields).check(z.meta({ id: 'ApiKey' }));
