import * as z from '#shared/schema/z.ts';
import { Timestamp } from './common.ts';
import { Contact } from './contact.ts';
import { HistoryEntry } from './history.ts';
import { Suppression } from './suppression.ts';

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
