import * as z from 'zod/mini';
import { changeKinds, consentStatuses, legalBases, maxInterests } from '#shared/domain/contact.ts';
import { maxEmailLength, parseEmail } from '#shared/domain/email.ts';
import { ValidationError } from '#shared/domain/errors.ts';
import { ErrorDetail, Id, IdParams, pageFields, Source, Timestamp } from './common.ts';
import { Locale } from './subscription-types.ts';

const strict = 'Unknown fields are rejected with 422.';

/** Validated here (422 naming the field); stored trimmed with the domain lowercased. */
export const Email = z.string().check(
  // Generous before trimming; parseEmail enforces the 254 characters of the trimmed address.
  z.maxLength(maxEmailLength + 100),
  z.superRefine((value, ctx) => {
    const parsed = parseEmail(value);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.reason, input: value });
  }),
  z.describe(
    'An e-mail address: at most 254 characters, one @, a local part of at most 64 characters, a domain ' +
      'with a dot. Stored trimmed, with the domain lowercased and the local part as given; compared ' +
      'case-insensitively.',
  ),
);

const Name = z.string().check(z.trim(), z.minLength(1), z.maxLength(100));

const Tag = z.string().check(
  z.trim(),
  z.minLength(1),
  z.maxLength(64),
  z.refine((tag) => !/\p{Cc}/u.test(tag), 'No control characters'),
);
const Tags = z.array(Tag).check(z.maxLength(maxInterests));

const FieldValue = z.union([z.string().check(z.maxLength(1000)), z.number(), z.boolean(), z.null()]);
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

export const Evidence = z
  .strictObject({
    ip: z.optional(
      z.union([z.ipv4(), z.ipv6()]).check(z.describe("The person's IP address when they acted")),
    ),
    userAgent: z.optional(z.string().check(z.maxLength(512))),
    text: z.optional(z.string().check(z.maxLength(5000), z.describe('The wording the person agreed to'))),
    textVersion: z.optional(z.string().check(z.maxLength(100), z.describe('Or the version of that wording'))),
    formId: z.optional(z.string().check(z.maxLength(100))),
  })
  .check(z.describe(`What proves the act (GDPR Art. 7(1)), as captured by the form or app. ${strict}`));

const LegalBasis = z.enum(legalBases);
const RequestedStatus = z.enum(['subscribed', 'unsubscribed']);

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

export const PutConsent = z
  .strictObject({
    status: z
      .enum(['granted', 'withdrawn'])
      .check(z.describe('Withdrawal stops all marketing (GDPR Art. 21)')),
    legalBasis: z.optional(LegalBasis.check(z.describe('Default `consent` when granting'))),
    source: Source,
    evidence: z.optional(Evidence),
  })
  .check(z.meta({ id: 'PutConsentRequest', description: `Recorded with the API key and time. ${strict}` }));

export const PutSubscription = z
  .strictObject({ status: RequestedStatus, source: Source, evidence: z.optional(Evidence) })
  .check(z.meta({ id: 'PutSubscriptionRequest', description: `Changes this type only. ${strict}` }));

export const FindContactsQuery = z.object({ ...pageFields, email: Email });

export const ContactParams = IdParams;
export const ContactTypeParams = z.object({ id: Id, typeId: Id });

export const Contact = z
  .object({
    id: z.string(),
    email: z.string(),
    firstName: z.nullable(z.string()),
    lastName: z.nullable(z.string()),
    locale: z.nullable(z.string()),
    fields: z.record(z.string(), FieldValue),
    interests: z.array(z.string()),
    consent: z.object({
      status: z.enum(consentStatuses),
      legalBasis: z.nullable(LegalBasis),
      source: z.nullable(Source),
      at: z.nullable(Timestamp),
    }),
    subscriptions: z
      .record(
        z.string(),
        z.object({
          status: z.enum(['subscribed', 'unsubscribed', 'pending']),
          source: Source,
          at: Timestamp,
        }),
      )
      .check(z.describe('By type id; a type never asked about is absent')),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .check(z.meta({ id: 'Contact' }));

export const HistoryEntry = z
  .object({
    id: z.string().check(z.describe('Sorts by time')),
    at: Timestamp,
    change: z.enum(changeKinds),
    typeId: z.optional(z.string()),
    from: z.nullable(z.string()),
    to: z.nullable(z.string()),
    legalBasis: z.optional(LegalBasis),
    source: Source,
    actor: z.string().check(z.describe('The API key id (or `system`)')),
    evidence: z.optional(Evidence),
    fields: z.optional(
      z.array(z.string()).check(z.describe('Profile changes: which attributes changed (never their values)')),
    ),
    added: z.optional(z.array(z.string())),
    removed: z.optional(z.array(z.string())),
    requestId: z.optional(z.string()),
    reason: z.optional(
      z.string().check(z.maxLength(500), z.describe('"Why are you leaving?" from the preference page')),
    ),
    mailingId: z.optional(
      z.string().check(z.describe('The mailing whose link or header the change came through')),
    ),
  })
  .check(z.meta({ id: 'HistoryEntry' }));

const ItemError = z.object({
  code: z.string(),
  message: z.string(),
  details: z.array(ErrorDetail),
});

export const ImportResults = z
  .object({
    results: z.array(
      z.object({
        index: z.number().check(z.int()),
        status: z.enum(['created', 'updated', 'unchanged', 'failed']),
        id: z.optional(z.string()),
        error: z.optional(ItemError),
      }),
    ),
  })
  .check(z.meta({ id: 'ImportResults' }));

const suppressionFields = {
  id: z
    .string()
    .check(z.describe('The address fingerprint (opaque hex): the id for DELETE /suppressions/{id}')),
  reason: z.string().check(z.describe('hard_bounce, soft_bounce, complaint, manual or erased')),
  at: Timestamp,
  source: z.string().check(z.describe('bounce, complaint, admin or erasure')),
  sourceEvent: z.optional(
    z
      .string()
      .check(
        z.describe('The SES event behind it: `<type>:<SES feedbackId>:<SES messageId>`; never an address'),
      ),
  ),
  actor: z.optional(z.string().check(z.describe('The API key id, for manual and erasure entries'))),
};

export const Suppression = z.object(suppressionFields).check(z.meta({ id: 'Suppression' }));

export const ContactExport = z
  .object({
    contact: Contact,
    history: z.array(HistoryEntry).check(z.describe('Every change, newest first')),
    memberships: z
      .array(
        z.object({
          kind: z.enum(['type', 'interest']),
          typeId: z.optional(z.string()),
          tag: z.optional(z.string()),
        }),
      )
      .check(z.describe('The list-building index entries held for the contact')),
    suppression: z.nullable(Suppression).check(z.describe("The address's suppression entry, if any")),
    addressClaims: z
      .array(z.string())
      .check(
        z.describe(
          'Other addresses (lowercased) kept only to find their uniqueness claims: an address change in ' +
            'progress, or the previous address until the next change confirms its claim was given back',
        ),
      ),
    mailings: z
      .array(
        z.object({
          mailingId: z.string(),
          name: z.optional(z.string().check(z.describe('Absent when the mailing was deleted since'))),
          status: z
            .string()
            .check(z.describe("The recipient row's status: queued, sent, delivered, bounced, …")),
          reason: z.string().check(z.describe('The eligibility reason that sent it (or kept it back)')),
          detail: z.optional(z.string()),
        }),
      )
      .check(z.describe('The mailings the contact was a recipient of (planned for), newest first')),
    exportedAt: Timestamp,
  })
  .check(z.meta({ id: 'ContactExport' }));

export const ErasedContact = z
  .object({ id: z.string(), erased: z.literal(true), at: Timestamp })
  .check(z.meta({ id: 'ErasedContact' }));

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
