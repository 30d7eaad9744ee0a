import * as z from '#shared/schema/z.ts';
import { changeKinds, legalBases } from '#shared/domain/contact.ts';
import { Source, Timestamp } from './common.ts';
import { Evidence } from './evidence.ts';

/** What a history entry shows as evidence: what the API accepts, and what the system adds itself. */
const RecordedEvidence = z
  .extend(Evidence, {
    collectedAt: z.optional(
      z.string().check(z.describe('When the person gave it, as an imported file recorded it (`consent_at`)')),
    ),
    mail: z.optional(
      z
        .object({
          messageId: z
            .string()
            .check(z.describe("SES's id of the inbound message; the raw message is kept 30 days")),
          spf: z.optional(
            z.string().check(z.describe("SES's SPF verdict: PASS, FAIL, GRAY or PROCESSING_FAILED")),
          ),
          dkim: z.optional(z.string().check(z.describe("SES's DKIM verdict"))),
          dmarc: z.optional(z.string().check(z.describe("SES's DMARC verdict"))),
        })
        .check(z.describe('A mailto unsubscribe: the message that carried it (never the sender address)')),
    ),
  })
  .check(z.meta({ id: 'RecordedEvidence' }));

export const HistoryEntry = z
  .object({
    id: z.string().check(z.describe('Sorts by time')),
    at: Timestamp,
    change: z.enum(changeKinds),
    typeId: z.optional(z.string()),
    from: z.nullable(z.string()),
    to: z.nullable(z.string()),
    legalBasis: z.optional(z.enum(legalBases)),
    source: Source,
    actor: z.string().check(z.describe('The API key id (or `system`)')),
    evidence: z.optional(RecordedEvidence),
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
