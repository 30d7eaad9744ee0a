import * as z from '#shared/schema/z.ts';
import { consentStatuses, legalBases } from '#shared/domain/contact.ts';
import { Source, Timestamp } from './common.ts';

export const FieldValue = z.union([z.string().check(z.maxLength(1000)), z.number(), z.boolean(), z.null()]);
export const LegalBasis = z.enum(legalBases);

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
