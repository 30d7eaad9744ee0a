import * as z from 'zod/mini';
import { changeKinds, legalBases } from '#shared/domain/contact.ts';
import { Source, Timestamp } from './common.ts';
import { Evidence } from './evidence.ts';

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
