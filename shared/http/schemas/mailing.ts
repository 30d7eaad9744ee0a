import * as z from '#shared/schema/z.ts';
import { countNames, mailingStatuses, pauseCodes } from '#shared/domain/mailing.ts';
import { linkActionKinds } from '#shared/domain/tokens.ts';
import { Timestamp } from './common.ts';

/** A declared tracked link as stored. */
const TrackedLink = z
  .object({
    url: z.string(),
    action: z.optional(z.object({ kind: z.enum(linkActionKinds), value: z.string() })),
  })
  .check(
    z.meta({
      id: 'TrackedLink',
      description: 'A tracked link: `{{links.NAME}}` in the body becomes a signed /l/ URL per recipient',
    }),
  );

export const Counts = z.object(
  Object.fromEntries(countNames.map((n) => [n, z.number().check(z.int())])) as Record<
    (typeof countNames)[number],
    z.ZodNumber
  >,
);

const MailingStatus = z.enum(mailingStatuses);

/** What every view of a mailing shows: what it says, to whom, and where it is in its lifecycle. */
const summaryFields = {
  id: z.string(),
  name: z.string(),
  subscriptionTypeId: z.string(),
  listId: z.string(),
  from: z.string(),
  subject: z.string(),
  overrideConsent: z.boolean(),
  status: MailingStatus,
  createdAt: Timestamp,
  updatedAt: Timestamp,
  sendRequestedAt: z.optional(Timestamp),
  sendRequestedBy: z.optional(z.string().check(z.describe('The API key id that asked to send'))),
  plannedAt: z.optional(Timestamp),
  completedAt: z.optional(Timestamp),
  cancelledAt: z.optional(Timestamp),
  cancelledBy: z.optional(z.string().check(z.describe('The API key id that cancelled'))),
  pausedAt: z.optional(Timestamp),
  resumedAt: z.optional(Timestamp),
  resumedBy: z.optional(z.string().check(z.describe('The admin API key id that resumed'))),
};

export const MailingSummary = z.object(summaryFields).check(
  z.meta({
    id: 'MailingSummary',
    description: 'A mailing in a list: GET /mailings/{id} adds bodies and counts',
  }),
);

export const Mailing = z
  .object({
    ...summaryFields,
    text: z.string(),
    html: z.optional(z.string()),
    links: z.optional(z.record(z.string(), TrackedLink)),
    overrideReason: z.optional(z.string()),
    counts: Counts,
    reasons: z.record(z.string(), z.number()).check(z.describe('Recipients per eligibility reason')),
    unsubscribes: z
      .object({
        oneClick: z.number().check(z.int()),
        preferencePage: z.number().check(z.int()),
        mailto: z.number().check(z.int()),
        link: z.number().check(z.int()),
      })
      .check(
        z.describe(
          "`counts.unsubscribed` by the channel of each recipient's first opt-out through this mailing: the List-Unsubscribe one-click POST (or the button of its page), the preference page reached from the mail, the List-Unsubscribe mailto, a tracked link's unsubscribe",
        ),
      ),
    rates: z
      .object({
        bounce: z.nullable(z.number()),
        complaint: z.nullable(z.number()),
        unsubscribe: z.nullable(z.number()),
      })
      .check(
        z.describe(
          '`counts.bounced`, `counts.complained` and `counts.unsubscribed` per `counts.sent` (0 to 1); null until something was sent',
        ),
      ),
    countsComplete: z
      .boolean()
      .check(
        z.describe(
          'False when a draft preview stopped counting at its limit (the recipient report reads all)',
        ),
      ),
    privacyEnabled: z.optional(
      z.boolean().check(z.describe('The privacy setting as it was when planning started')),
    ),
    pausedReason: z.optional(
      z
        .object({
          code: z.enum(pauseCodes),
          rate: z.optional(z.number()),
          limit: z.optional(z.number()),
          sent: z.optional(z.number().check(z.int())),
          count: z.optional(z.number().check(z.int())),
          sesError: z.optional(z.string().check(z.describe("SES's error, when SES stopped taking mail"))),
        })
        .check(
          z.describe(
            'Why the mailing is paused: its hard-bounce or complaint rate passed the limit (bounce_rate, complaint_rate: rate, limit, sent, count), or SES stopped taking mail from the account (daily_quota, sending_paused, account_suspended, configuration: sesError). Rows stay queued; POST /mailings/{id}/resume continues',
          ),
        ),
    ),
    deadLetters: z.optional(
      z
        .object({
          chunks: z
            .number()
            .check(z.int(), z.describe('Chunks whose message went to the dead-letter queue, not done')),
          recipients: z.number().check(z.int(), z.describe('Their recipients not handed to SES yet')),
        })
        .check(
          z.describe(
            'Work waiting in the send queue’s dead-letter queue; POST /mailings/{id}/resume brings it back',
          ),
        ),
    ),
  })
  .check(z.meta({ id: 'Mailing' }));
