import * as z from 'zod';
import { changeKinds, consentStatuses, legalBases, maxInterests } from '#shared/domain/contact.ts';
import { maxEmailLength, parseEmail } from '#shared/domain/email.ts';
import { ValidationError } from '#shared/domain/errors.ts';
import { Id, IdParams, PageQuery, Source, Timestamp } from './common.ts';
import { Locale } from './subscription-types.ts';

const strict = 'Unknown fields are rejected with 422.';

/** Validated here (422 naming the field); stored trimmed with the domain lowercased. */
export const Email = z
  .string()
  // Generous before trimming; parseEmail enforces the 254 characters of the trimmed address.
  .max(maxEmailLength + 100)
  .superRefine((value, ctx) => {
    const parsed = parseEmail(value);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.reason });
  })
  .describe(
    'An e-mail address: at most 254 characters, one @, a local part of at most 64 characters, a domain ' +
      'with a dot. Stored trimmed, with the domain lowercased and the local part as given; compared ' +
      'case-insensitively.',
  );

const Name = z.string().trim().min(1).max(100);

const Tag = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .refine((tag) => !/\p{Cc}/u.test(tag), 'No control characters');
const Tags = z.array(Tag).max(maxInterests);

const FieldValue = z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]);
const Fields = z
  .record(
    z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'Letters, digits and _; starting with a letter'),
    FieldValue,
  )
  .refine((fields) => Object.keys(fields).length <= 50, 'At most 50 custom fields')
  .describe('Custom fields (merge fields `{{fields.NAME}}`): string, number, boolean or null values.');

export const Evidence = z
  .strictObject({
    ip: z.union([z.ipv4(), z.ipv6()]).optional().describe("The person's IP address when they acted"),
    userAgent: z.string().max(512).optional(),
    text: z.string().max(5000).optional().describe('The wording the person agreed to'),
    textVersion: z.string().max(100).optional().describe('Or the version of that wording'),
    formId: z.string().max(100).optional(),
  })
  .describe(`What proves the act (GDPR Art. 7(1)), as captured by the form or app. ${strict}`);

/** What a history entry shows as evidence: what the API accepts, and what the system adds itself. */
const RecordedEvidence = Evidence.extend({
  mail: z
    .object({
      messageId: z.string().describe("SES's id of the inbound message; the raw message is kept 30 days"),
      spf: z.string().optional().describe("SES's SPF verdict: PASS, FAIL, GRAY or PROCESSING_FAILED"),
      dkim: z.string().optional().describe("SES's DKIM verdict"),
      dmarc: z.string().optional().describe("SES's DMARC verdict"),
    })
    .optional()
    .describe('A mailto unsubscribe: the message that carried it (never the sender address)'),
});

const LegalBasis = z.enum(legalBases);
const RequestedStatus = z.enum(['subscribed', 'unsubscribed']);

const ContactConsent = z
  .strictObject({
    status: z.enum(['granted', 'withdrawn']),
    legalBasis: LegalBasis.optional().describe('Default `consent` when granting'),
    source: Source.optional().describe("Default: the request's `source`"),
    evidence: Evidence.optional(),
  })
  .describe(`E-marketing consent as collected. ${strict}`);

const Subscriptions = z
  .record(Id, RequestedStatus)
  .refine((s) => Object.keys(s).length <= 100, 'At most 100 types')
  .describe('By subscription type id. A double opt-in type asked for `subscribed` is stored as `pending`.');

export const CreateContact = z
  .strictObject({
    email: Email,
    firstName: Name.optional(),
    lastName: Name.optional(),
    locale: Locale.optional(),
    fields: Fields.optional(),
    consent: ContactConsent.optional(),
    subscriptions: Subscriptions.optional(),
    interests: Tags.optional().describe(`Interest tags, 1–64 characters each, at most ${maxInterests}`),
    source: Source.optional().describe('How the contact arrived; default `api` (`import` in a batch)'),
  })
  .describe(`A new contact. ${strict}`);
export type CreateContactInput = z.output<typeof CreateContact>;

// Items are parsed one by one (validateImportItem), so one bad item fails alone; the document still
// shows their shape: that of the POST /contacts body, put in by shared/http/openapi.ts where it
// meets `x-shape` (so no handler converts schemas to JSON Schema when it loads).
const ImportItemDoc = z.unknown().meta({ 'x-shape': 'CreateContact' });

export const ImportContacts = z
  .strictObject({
    contacts: z
      .array(ImportItemDoc)
      .max(1000)
      .describe(
        'Up to 1000 contacts, each shaped as the body of POST /contacts. Each item is validated on its ' +
          'own: an invalid one is reported `failed` and the others proceed. More than 1000 → 422 and nothing is written.',
      ),
  })
  .describe(`Upsert by e-mail address. ${strict}`);

export const UpdateContact = z
  .strictObject({
    email: Email.optional(),
    firstName: Name.nullable().optional().describe('null clears it'),
    lastName: Name.nullable().optional().describe('null clears it'),
    locale: Locale.nullable().optional().describe('null clears it'),
    fields: Fields.optional().describe('Replaces all custom fields'),
    interests: Tags.optional().describe(
      'Replaces all interests (not together with addInterests/removeInterests)',
    ),
    addInterests: Tags.optional(),
    removeInterests: Tags.optional(),
    source: Source.optional().describe('Recorded in the history; default `api`'),
  })
  .refine((p) => !(p.interests && (p.addInterests || p.removeInterests)), {
    message: 'Give either interests or addInterests/removeInterests',
    path: ['interests'],
  })
  .describe(`Only the fields given change. ${strict}`);

export const PutConsent = z
  .strictObject({
    status: z.enum(['granted', 'withdrawn']).describe('Withdrawal stops all marketing (GDPR Art. 21)'),
    legalBasis: LegalBasis.optional().describe('Default `consent` when granting'),
    source: Source,
    evidence: Evidence.optional(),
  })
  .describe(`Recorded with the API key and time. ${strict}`);

export const PutSubscription = z
  .strictObject({ status: RequestedStatus, source: Source, evidence: Evidence.optional() })
  .describe(`Changes this type only. ${strict}`);

export const FindContactsQuery = PageQuery.extend({ email: Email });

export const ContactParams = IdParams;
export const ContactTypeParams = z.object({ id: Id, typeId: Id });

export const Contact = z
  .object({
    id: z.string(),
    email: z.string(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    locale: z.string().nullable(),
    fields: z.record(z.string(), FieldValue),
    interests: z.array(z.string()),
    consent: z.object({
      status: z.enum(consentStatuses),
      legalBasis: LegalBasis.nullable(),
      source: Source.nullable(),
      at: Timestamp.nullable(),
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
      .describe('By type id; a type never asked about is absent'),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'Contact' });

export const HistoryEntry = z
  .object({
    id: z.string().describe('Sorts by time'),
    at: Timestamp,
    change: z.enum(changeKinds),
    typeId: z.string().optional(),
    from: z.string().nullable(),
    to: z.string().nullable(),
    legalBasis: LegalBasis.optional(),
    source: Source,
    actor: z.string().describe('The API key id (or `system`)'),
    evidence: RecordedEvidence.optional(),
    fields: z
      .array(z.string())
      .optional()
      .describe('Profile changes: which attributes changed (never their values)'),
    added: z.array(z.string()).optional(),
    removed: z.array(z.string()).optional(),
    requestId: z.string().optional(),
    reason: z.string().max(500).optional().describe('"Why are you leaving?" from the preference page'),
    mailingId: z.string().optional().describe('The mailing whose link or header the change came through'),
  })
  .meta({ id: 'HistoryEntry' });

const ItemError = z.object({ code: z.string(), message: z.string(), details: z.array(z.unknown()) });

export const ImportResults = z.object({
  results: z.array(
    z.object({
      index: z.number().int(),
      status: z.enum(['created', 'updated', 'unchanged', 'failed']),
      id: z.string().optional(),
      error: ItemError.optional(),
    }),
  ),
});

export const Suppression = z.object({
  id: z.string().describe('Keyed fingerprint of the address'),
  reason: z.string(),
  at: Timestamp,
  source: z.string(),
  sourceEvent: z.string().optional(),
  actor: z.string().optional(),
});

export const ContactExport = z
  .object({
    contact: Contact,
    history: z.array(HistoryEntry).describe('Every change, newest first'),
    memberships: z
      .array(
        z.object({
          kind: z.enum(['type', 'interest']),
          typeId: z.string().optional(),
          tag: z.string().optional(),
        }),
      )
      .describe('The list-building index entries held for the contact'),
    suppression: Suppression.nullable().describe("The address's suppression entry, if any"),
    addressClaims: z
      .array(z.string())
      .describe(
        'Other addresses (lowercased) kept only to find their uniqueness claims: an address change in ' +
          'progress, or the previous address until the next change confirms its claim was given back',
      ),
    mailings: z
      .array(z.unknown())
      .describe('Mailings received (filled once sending exists; empty until then)'),
    exportedAt: Timestamp,
  })
  .meta({ id: 'ContactExport' });

export const ErasedContact = z.object({
  id: z.string(),
  erased: z.literal(true),
  at: Timestamp,
});

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
