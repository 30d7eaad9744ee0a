import * as z from '#shared/schema/z.ts';
import { maxInterests } from '#shared/domain/contact.ts';
import { ValidationError } from '#shared/domain/errors.ts';
import { Id, Locale, Source } from './common.ts';
import { FieldValue, LegalBasis } from './contact.ts';
import { Email } from './email.ts';
import { Evidence } from './evidence.ts';
import { RequestedStatus } from './contact-change-input.ts';

const strict = 'Unknown fields are rejected with 422.';

const Name = z.string().check(z.trim(), z.minLength(1), z.maxLength(100));

const Tag = z.string().check(
  z.trim(),
  z.minLength(1),
  z.maxLength(64),
  z.refine((tag) => !/\p{Cc}/u.test(tag), 'No control characters'),
);
const Tags = z.array(Tag).check(z.maxLength(maxInterests));

const Fields = z
  .record(
    z
      .string()
      .check(z.regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'Letters, digits and _; starting with a letter')),
    FieldValue,
  )
  .check(
    z.refine((fields) => Object.keys(fields).length <= 50, 'At most 50 custom fields'),
    z.describe('Custom fields (merge fields `{{fields.NAME}}`): string, number, boolean or null values.'),
  );

const ContactConsent = z
  .strictObject({
    status: z.enum(['granted', 'withdrawn']),
    legalBasis: z.optional(LegalBasis.check(z.describe('Default `consent` when granting'))),
    source: z.optional(Source.check(z.describe("Default: the request's `source`"))),
    evidence: z.optional(Evidence),
  })
  .check(z.describe(`E-marketing consent as collected. ${strict}`));

const Subscriptions = z.record(Id, RequestedStatus).check(
  z.refine((s) => Object.keys(s).length <= 100, 'At most 100 types'),
  z.describe('By subscription type id. A double opt-in type asked for `subscribed` is stored as `pending`.'),
);

export const CreateContact = z
  .strictObject({
    email: Email,
    firstName: z.optional(Name),
    lastName: z.optional(Name),
    locale: z.optional(Locale),
    fields: z.optional(Fields),
    consent: z.optional(ContactConsent),
    subscriptions: z.optional(Subscriptions),
    interests: z.optional(
      Tags.check(z.describe(`Interest tags, 1–64 characters each, at most ${maxInterests}`)),
    ),
    source: z.optional(
      Source.check(z.describe('How the contact arrived; default `api` (`import` in a batch)')),
    ),
  })
  .check(z.meta({ id: 'CreateContactRequest', description: `A new contact. ${strict}` }));
export type CreateContactInput = z.output<typeof CreateContact>;

export const ImportContacts = z
  .strictObject({
    contacts: z
      .array(
        // Items are parsed one by one (validateImportItem), so one bad item fails alone; the
        // document still shows their shape, that of the POST /contacts body.
        z.unknown().check(z.meta({ 'x-item-schema': 'CreateContactRequest' })),
      )
      .check(
        z.maxLength(1000),
        z.describe(
          'Up to 1000 contacts, each shaped as the body of POST /contacts. Each item is validated on its ' +
            'own: an invalid one is reported `failed` and the others proceed. More than 1000 → 422 and nothing is written.',
        ),
      ),
  })
  .check(z.meta({ id: 'ImportContactsRequest', description: `Upsert by e-mail address. ${strict}` }));

export const UpdateContact = z
  .strictObject({
    email: z.optional(Email),
    firstName: z.optional(z.nullable(Name).check(z.describe('null clears it'))),
    lastName: z.optional(z.nullable(Name).check(z.describe('null clears it'))),
    locale: z.optional(z.nullable(Locale).check(z.describe('null clears it'))),
    fields: z.optional(Fields.check(z.describe('Replaces all custom fields'))),
    interests: z.optional(
      Tags.check(z.describe('Replaces all interests (not together with addInterests/removeInterests)')),
    ),
    addInterests: z.optional(Tags),
    removeInterests: z.optional(Tags),
    source: z.optional(Source.check(z.describe('Recorded in the history; default `api`'))),
  })
  .check(
    z.refine((p) => !(p.interests && (p.addInterests || p.removeInterests)), {
      message: 'Give either interests or addInterests/removeInterests',
      path: ['interests'],
    }),
    z.meta({ id: 'UpdateContactRequest', description: `Only the fields given change. ${strict}` }),
  );

/**
 * Validates one batch item as POST /contacts would. A failure is a ValidationError naming fields as
 * `contacts.<index>.<field>`, reported for that item alone.
 */
export const validateImportItem = (
  item: unknown,
  index: number,
): { ok: true; value: CreateContactInput } | { ok: false; error: ValidationError } => {
  const parsed = CreateContact.safeParse(item);
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    error: new ValidationError(
      'The contact is not valid',
      parsed.error.issues.slice(0, 20).map((issue) => ({
        path: ['contacts', index, ...issue.path].map(String).join('.'),
        code: issue.code,
        message: issue.message,
      })),
    ),
  };
};
