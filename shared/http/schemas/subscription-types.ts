import * as z from 'zod';
import { Timestamp } from './common.ts';

const strict = 'Unknown fields are rejected with 422.';

/** A BCP 47 language tag as used for contacts and translations: `en`, `sv`, `de-AT`. */
export const Locale = z
  .string()
  .max(35)
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'A language tag such as en, sv or de-AT');

const TypeName = z.string().trim().min(1).max(100);
const Description = z.string().trim().max(2000);

const Translation = z
  .strictObject({ name: TypeName.optional(), description: Description.optional() })
  .describe(`Name and description in one language; either falls back to the default. ${strict}`);

const Translations = z
  .record(Locale, Translation)
  .refine((t) => Object.keys(t).length <= 50, 'At most 50 languages')
  .describe('By language tag: what the preference page shows in that language.');

export const CreateSubscriptionType = z
  .strictObject({
    name: TypeName,
    description: Description.default('').describe('Shown on the preference page.'),
    public: z.boolean().default(true).describe('Shown on the preference page (unless archived).'),
    doubleOptIn: z
      .boolean()
      .default(false)
      .describe('Subscribing needs a confirmation click: the subscription is `pending` until then.'),
    translations: Translations.optional(),
  })
  .describe(`A new subscription type. ${strict}`);

export const UpdateSubscriptionType = z
  .strictObject({
    name: TypeName.optional(),
    description: Description.optional(),
    public: z.boolean().optional(),
    doubleOptIn: z.boolean().optional(),
    archived: z
      .boolean()
      .optional()
      .describe('Archived types take no new subscriptions or mailings; unsubscribing still works.'),
    translations: Translations.nullable()
      .optional()
      .describe('Replaces all translations; null removes them.'),
  })
  .describe(`Only the fields given change. ${strict}`);

export const SubscriptionType = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    public: z.boolean(),
    doubleOptIn: z.boolean(),
    archived: z.boolean(),
    translations: z
      .record(z.string(), z.object({ name: z.string().optional(), description: z.string().optional() }))
      .optional(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'SubscriptionType' });
