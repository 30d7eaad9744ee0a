import * as z from 'zod/mini';
import { Timestamp } from './common.ts';

const strict = 'Unknown fields are rejected with 422.';

/** A BCP 47 language tag as used for contacts and translations: `en`, `sv`, `de-AT`. */
export const Locale = z
  .string()
  .check(
    z.maxLength(35),
    z.regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'A language tag such as en, sv or de-AT'),
  );

const TypeName = z.string().check(z.trim(), z.minLength(1), z.maxLength(100));
const Description = z.string().check(z.trim(), z.maxLength(2000));

const Translation = z
  .strictObject({ name: z.optional(TypeName), description: z.optional(Description) })
  .check(z.describe(`Name and description in one language; either falls back to the default. ${strict}`));

const Translations = z.record(Locale, Translation).check(
  z.refine((t) => Object.keys(t).length <= 50, 'At most 50 languages'),
  z.describe('By language tag: what the preference page shows in that language.'),
);

export const CreateSubscriptionType = z
  .strictObject({
    name: TypeName,
    description: z._default(Description, '').check(z.describe('Shown on the preference page.')),
    public: z
      ._default(z.boolean(), true)
      .check(z.describe('Shown on the preference page (unless archived).')),
    doubleOptIn: z
      ._default(z.boolean(), false)
      .check(z.describe('Subscribing needs a confirmation click: the subscription is `pending` until then.')),
    translations: z.optional(Translations),
  })
  .check(z.meta({ id: 'CreateSubscriptionTypeRequest', description: `A new subscription type. ${strict}` }));

export const UpdateSubscriptionType = z
  .strictObject({
    name: z.optional(TypeName),
    description: z.optional(Description),
    public: z.optional(z.boolean()),
    doubleOptIn: z.optional(z.boolean()),
    archived: z.optional(
      z
        .boolean()
        .check(
          z.describe('Archived types take no new subscriptions or mailings; unsubscribing still works.'),
        ),
    ),
    translations: z.optional(
      z.nullable(Translations).check(z.describe('Replaces all translations; null removes them.')),
    ),
  })
  .check(
    z.meta({ id: 'UpdateSubscriptionTypeRequest', description: `Only the fields given change. ${strict}` }),
  );

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
