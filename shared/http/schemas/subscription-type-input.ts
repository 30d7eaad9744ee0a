import * as z from '#shared/schema/z.ts';
import { Locale } from './common.ts';

const strict = 'Unknown fields are rejected with 422.';

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
