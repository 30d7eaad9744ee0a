/**
 * The bodies of the routes that change one part of a contact (its consent, one subscription), apart
 * from contact-input.ts: a handler of these routes does not carry the schemas of whole contacts.
 */
import * as z from '#shared/schema/z.ts';
import { Id, Source } from './common.ts';
import { LegalBasis } from './contact.ts';
import { Evidence } from './evidence.ts';

const strict = 'Unknown fields are rejected with 422.';

export const RequestedStatus = z.enum(['subscribed', 'unsubscribed']);

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

export const ContactTypeParams = z.object({ id: Id, typeId: Id });
