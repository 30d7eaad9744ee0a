import * as z from 'zod/mini';
import { eligibilityReasons } from '#shared/domain/eligibility.ts';
import {
  countNames,
  linkNamePattern,
  mailingStatuses,
  maxTrackedLinks,
  unknownMergeFields,
} from '#shared/domain/mailing.ts';
import { isHttpUrl, linkAction, linkTokenFits, maxLinkTargetLength } from '#shared/domain/tokens.ts';
import { recipientStatuses } from '#shared/adapters/dynamodb/recipients.ts';
import { Id, pageFields, Timestamp } from './common.ts';

const Tag = z.string().check(z.trim(), z.minLength(1), z.maxLength(64));
const Locale = z
  .string()
  .check(z.regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'A language tag such as en or sv-SE'));
const Tags = z.optional(z.array(Tag).check(z.minLength(1), z.maxLength(20)));

export const ListCriteria = z
  .strictObject({
    subscribedTo: z.optional(Id.check(z.describe('Contacts subscribed to this subscription type'))),
    interests: z.optional(z.strictObject({ all: Tags, any: Tags, none: Tags })),
    locale: z.optional(Locale),
  })
  .check(z.meta({ id: 'ListCriteria' }));

export const CreateList = z
  .strictObject({
    name: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
    criteria: z.optional(ListCriteria),
    contactIds: z.optional(
      z.array(Id).check(z.maxLength(10_000), z.describe('A static set of contacts; repeats are ignored')),
    ),
  })
  .check(
    z.refine((list) => Boolean(list.criteria || list.contactIds?.length), {
      message: 'A list needs criteria, contactIds, or both',
      path: ['criteria'],
    }),
    z.meta({ id: 'CreateListRequest' }),
  );

export const TargetList = z
  .object({
    id: z.string(),
    name: z.string(),
    criteria: z.optional(ListCriteria),
    contactIds: z.array(z.string()),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .check(z.meta({ id: 'List' }));

export const ListContactsQuery = z.object({
  ...pageFields,
  total: z.optional(
    z.enum(['true', 'false']).check(z.describe('Also count every member (reads the whole list)')),
  ),
});

export const ListMember = z
  .object({
    id: z.string(),
    email: z.optional(z.string()),
    firstName: z.optional(z.string()),
    lastName: z.optional(z.string()),
    locale: z.optional(z.string()),
  })
  .check(z.meta({ id: 'ListMember' }));

const mergeChecked = (max: number) =>
  z.string().check(
    z.minLength(1),
    z.maxLength(max),
    z.superRefine((text, ctx) => {
      const unknown = unknownMergeFields(text);
      if (unknown.length)
        ctx.addIssue({ code: 'custom', message: `Unknown merge fields: ${unknown.join(', ')}`, input: text });
    }),
  );

const TrackedLinkSchema = z
  .strictObject({
    url: z
      .string()
      .check(
        z.maxLength(maxLinkTargetLength),
        z.refine(isHttpUrl, 'An absolute http(s) URL without user name or password'),
        z.describe('Where the click goes, after the action'),
      ),
    action: z.optional(
      linkAction.check(
        z.describe(
          'Applied once for the person who clicks: add_interest / remove_interest (value: a tag), subscribe / unsubscribe (value: a subscription type id)',
        ),
      ),
    ),
  })
  .check(
    z.refine((link) => linkTokenFits(link.url, link.action), {
      message: 'URL and action too long for a link token; shorten the URL',
      path: ['url'],
    }),
    z.meta({
      id: 'TrackedLink',
      description: 'A tracked link: `{{links.NAME}}` in the body becomes a signed /l/ URL per recipient',
    }),
  );

const Links = z
  .record(
    z.string().check(z.regex(linkNamePattern, 'Link names: 1–40 of A–Z a–z 0–9 _ -')),
    TrackedLinkSchema,
  )
  .check(
    z.refine((links) => Object.keys(links).length <= maxTrackedLinks, `At most ${maxTrackedLinks} links`),
    z.describe('Tracked links by name, for `{{links.NAME}}` in subject, text and html'),
  );

const mailingFields = {
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
  subscriptionTypeId: Id,
  listId: Id,
  from: z
    .string()
    .check(
      z.trim(),
      z.minLength(3),
      z.maxLength(320),
      z.regex(
        /^([^<>\r\n]*<[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+>|[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+)$/,
        'An address, or Name <address>',
      ),
    ),
  subject: mergeChecked(998).check(z.refine((s) => !/[\r\n]/.test(s), 'A subject is one line')),
  text: mergeChecked(500_000),
  html: z.optional(mergeChecked(500_000)),
  links: z.optional(Links),
  overrideConsent: z.optional(
    z.boolean().check(z.describe('Send regardless of consent and subscriptions (admin key needed to send)')),
  ),
  overrideReason: z.optional(
    z
      .string()
      .check(
        z.trim(),
        z.minLength(1),
        z.maxLength(500),
        z.describe('Required when overrideConsent is true; audited'),
      ),
  ),
};

const overrideNeedsReason = (m: {
  overrideConsent?: boolean | undefined;
  overrideReason?: string | undefined;
}) => !m.overrideConsent || Boolean(m.overrideReason);

export const CreateMailing = z.strictObject(mailingFields).check(
  z.refine(overrideNeedsReason, {
    message: 'overrideReason is required with overrideConsent',
    path: ['overrideReason'],
  }),
  z.meta({ id: 'CreateMailingRequest' }),
);

export const UpdateMailing = z
  .strictObject({
    name: z.optional(mailingFields.name),
    subscriptionTypeId: z.optional(mailingFields.subscriptionTypeId),
    listId: z.optional(mailingFields.listId),
    from: z.optional(mailingFields.from),
    subject: z.optional(mailingFields.subject),
    text: z.optional(mailingFields.text),
    html: z.optional(z.nullable(mergeChecked(500_000))),
    links: mailingFields.links,
    overrideConsent: mailingFields.overrideConsent,
    overrideReason: mailingFields.overrideReason,
  })
  .check(
    z.refine((m) => Object.keys(m).length > 0, { message: 'Nothing to change' }),
    z.meta({ id: 'UpdateMailingRequest' }),
  );

export const Counts = z.object(
  Object.fromEntries(countNames.map((n) => [n, z.number().check(z.int())])) as Record<
    (typeof countNames)[number],
    z.ZodMiniNumber
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
    links: z.optional(z.record(z.string(), TrackedLinkSchema)),
    overrideReason: z.optional(z.string()),
    counts: Counts,
    reasons: z.record(z.string(), z.number()).check(z.describe('Recipients per eligibility reason')),
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
          code: z.enum(['bounce_rate', 'complaint_rate']),
          rate: z.number(),
          limit: z.number(),
          sent: z.number().check(z.int()),
          count: z.number().check(z.int()),
        })
        .check(
          z.describe(
            'Why the reputation guard paused the mailing: its hard-bounce or complaint rate passed the limit',
          ),
        ),
    ),
  })
  .check(z.meta({ id: 'Mailing' }));

export const ListMailingsQuery = z.object({
  ...pageFields,
  status: z.optional(MailingStatus),
  subscriptionTypeId: z.optional(Id),
});

export const ListListsQuery = z.object(pageFields);

export const SendAccepted = z
  .object({
    id: z.string(),
    status: z.literal('planned'),
    sendRequestedAt: Timestamp,
  })
  .check(z.meta({ id: 'SendAccepted', description: 'Planning and sending go on in the background' }));

export const RecipientsQuery = z.object({
  ...pageFields,
  status: z.optional(z.enum(recipientStatuses)),
  reason: z.optional(z.enum(eligibilityReasons)),
  verdict: z.optional(z.enum(['included', 'excluded'])),
});

export const RecipientRow = z
  .object({
    contactId: z.string(),
    email: z.nullable(z.string()).check(z.describe('null once the contact has been erased')),
    verdict: z.enum(['included', 'excluded']),
    reason: z.enum(eligibilityReasons),
    status: z.enum(recipientStatuses),
    detail: z.optional(z.string().check(z.describe('Suppression reason, or why sending failed'))),
  })
  .check(z.meta({ id: 'RecipientRow' }));
