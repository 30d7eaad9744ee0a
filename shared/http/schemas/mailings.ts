import * as z from 'zod';
import { eligibilityReasons } from '#shared/domain/eligibility.ts';
import {
  countNames,
  linkNamePattern,
  mailingStatuses,
  maxTrackedLinks,
  pauseCodes,
  unknownMergeFields,
} from '#shared/domain/mailing.ts';
import { isHttpUrl, linkAction, linkTokenFits, maxLinkTargetLength } from '#shared/domain/tokens.ts';
import { recipientStatuses } from '#shared/adapters/dynamodb/recipients.ts';
import { Id, PageQuery, Timestamp } from './common.ts';

const Tag = z.string().trim().min(1).max(64);
const Locale = z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'A language tag such as en or sv-SE');

export const ListCriteria = z.strictObject({
  subscribedTo: Id.optional().describe('Contacts subscribed to this subscription type'),
  interests: z
    .strictObject({
      all: z.array(Tag).min(1).max(20).optional(),
      any: z.array(Tag).min(1).max(20).optional(),
      none: z.array(Tag).min(1).max(20).optional(),
    })
    .optional(),
  locale: Locale.optional(),
});

export const CreateList = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    criteria: ListCriteria.optional(),
    contactIds: z.array(Id).max(10_000).optional().describe('A static set of contacts; repeats are ignored'),
  })
  .refine((list) => list.criteria || list.contactIds?.length, {
    message: 'A list needs criteria, contactIds, or both',
    path: ['criteria'],
  });

export const TargetList = z
  .object({
    id: z.string(),
    name: z.string(),
    criteria: ListCriteria.optional(),
    contactIds: z.array(z.string()),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'List' });

export const ListContactsQuery = PageQuery.extend({
  total: z.enum(['true', 'false']).optional().describe('Also count every member (reads the whole list)'),
});

export const ListMember = z.object({
  id: z.string(),
  email: z.string().optional(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  locale: z.string().optional(),
});

const mergeChecked = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .superRefine((text, ctx) => {
      const unknown = unknownMergeFields(text);
      if (unknown.length)
        ctx.addIssue({ code: 'custom', message: `Unknown merge fields: ${unknown.join(', ')}` });
    });

const TrackedLinkSchema = z
  .strictObject({
    url: z
      .string()
      .max(maxLinkTargetLength)
      .refine(isHttpUrl, 'An absolute http(s) URL without user name or password')
      .describe('Where the click goes, after the action'),
    action: linkAction
      .optional()
      .describe(
        'Applied once for the person who clicks: add_interest / remove_interest (value: a tag), subscribe / unsubscribe (value: a subscription type id)',
      ),
  })
  .refine((link) => linkTokenFits(link.url, link.action), {
    message: 'URL and action too long for a link token; shorten the URL',
    path: ['url'],
  })
  .describe('A tracked link: `{{links.NAME}}` in the body becomes a signed /l/ URL per recipient');

const Links = z
  .record(z.string().regex(linkNamePattern, 'Link names: 1–40 of A–Z a–z 0–9 _ -'), TrackedLinkSchema)
  .refine((links) => Object.keys(links).length <= maxTrackedLinks, `At most ${maxTrackedLinks} links`);

const mailingFields = {
  name: z.string().trim().min(1).max(200),
  subscriptionTypeId: Id,
  listId: Id,
  from: z
    .string()
    .trim()
    .min(3)
    .max(320)
    .regex(
      /^([^<>\r\n]*<[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+>|[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+)$/,
      'An address, or Name <address>',
    ),
  subject: mergeChecked(998).refine((s) => !/[\r\n]/.test(s), 'A subject is one line'),
  text: mergeChecked(500_000),
  html: mergeChecked(500_000).optional(),
  links: Links.optional().describe('Tracked links by name, for `{{links.NAME}}` in subject, text and html'),
  overrideConsent: z
    .boolean()
    .optional()
    .describe('Send regardless of consent and subscriptions (admin key needed to send)'),
  overrideReason: z
    .string()
    .trim()
    .min(1)
    .max(500)
    .optional()
    .describe('Required when overrideConsent is true; audited'),
};

const overrideNeedsReason = (m: {
  overrideConsent?: boolean | undefined;
  overrideReason?: string | undefined;
}) => !m.overrideConsent || Boolean(m.overrideReason);

export const CreateMailing = z.strictObject(mailingFields).refine(overrideNeedsReason, {
  message: 'overrideReason is required with overrideConsent',
  path: ['overrideReason'],
});

export const UpdateMailing = z
  .strictObject({ ...mailingFields, html: mailingFields.html.nullable() })
  .partial()
  .refine((m) => Object.keys(m).length > 0, { message: 'Nothing to change' });

export const Counts = z.object(
  Object.fromEntries(countNames.map((n) => [n, z.number().int()])) as Record<
    (typeof countNames)[number],
    z.ZodNumber
  >,
);

export const Mailing = z
  .object({
    id: z.string(),
    name: z.string(),
    subscriptionTypeId: z.string(),
    listId: z.string(),
    from: z.string(),
    subject: z.string(),
    text: z.string(),
    html: z.string().optional(),
    links: z.record(z.string(), TrackedLinkSchema).optional(),
    overrideConsent: z.boolean(),
    overrideReason: z.string().optional(),
    status: z.enum(mailingStatuses),
    counts: Counts,
    reasons: z.record(z.string(), z.number()).describe('Recipients per eligibility reason'),
    countsComplete: z
      .boolean()
      .describe('False when a draft preview stopped counting at its limit (the recipient report reads all)'),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    sendRequestedAt: Timestamp.optional(),
    sendRequestedBy: z.string().optional(),
    privacyEnabled: z.boolean().optional(),
    plannedAt: Timestamp.optional(),
    completedAt: Timestamp.optional(),
    cancelledAt: Timestamp.optional(),
    pausedAt: Timestamp.optional(),
    pausedReason: z
      .object({
        code: z.enum(pauseCodes),
        rate: z.number().optional(),
        limit: z.number().optional(),
        sent: z.number().int().optional(),
        count: z.number().int().optional(),
        sesError: z.string().optional().describe("SES's error, when SES stopped taking mail"),
      })
      .optional()
      .describe(
        'Why the mailing is paused: its hard-bounce or complaint rate passed the limit (bounce_rate, complaint_rate: rate, limit, sent, count), or SES stopped taking mail from the account (daily_quota, sending_paused, account_suspended, configuration: sesError). Rows stay queued; POST /mailings/{id}/resume continues',
      ),
    resumedAt: Timestamp.optional(),
    deadLetters: z
      .object({
        chunks: z.number().int().describe('Chunks whose message went to the dead-letter queue, not done'),
        recipients: z.number().int().describe('Their recipients not handed to SES yet'),
      })
      .optional()
      .describe(
        'Work waiting in the send queue’s dead-letter queue; POST /mailings/{id}/resume brings it back',
      ),
  })
  .meta({ id: 'Mailing' });

export const RecipientsQuery = PageQuery.extend({
  status: z.enum(recipientStatuses).optional(),
  reason: z.enum(eligibilityReasons).optional(),
  verdict: z.enum(['included', 'excluded']).optional(),
});

export const RecipientRow = z.object({
  contactId: z.string(),
  email: z.string().nullable().describe('null once the contact has been erased'),
  verdict: z.enum(['included', 'excluded']),
  reason: z.enum(eligibilityReasons),
  status: z.enum(recipientStatuses),
  detail: z.string().optional().describe('Suppression reason, or why sending failed'),
});
