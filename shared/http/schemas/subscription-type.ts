import * as z from '#shared/schema/z.ts';
import { Timestamp } from './common.ts';

export const SubscriptionType = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    public: z.boolean(),
    doubleOptIn: z.boolean(),
    archived: z.boolean(),
    translations: z.optional(
      z.record(z.string(), z.object({ name: z.optional(z.string()), description: z.optional(z.string()) })),
    ),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .check(z.meta({ id: 'SubscriptionType' }));
