import * as z from '#shared/schema/z.ts';
import { Timestamp } from './common.ts';

export const Settings = z
  .object({
    privacy: z.object({
      enabled: z.boolean(),
      updatedAt: z.nullable(Timestamp),
      updatedBy: z.nullable(z.string()),
    }),
  })
  .check(z.meta({ id: 'Settings' }));
