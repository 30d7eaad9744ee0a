import * as z from '#shared/schema/z.ts';
import { linkNamePattern, maxTrackedLinks, unknownMergeFields } from '#shared/domain/mailing.ts';
import { isHttpUrl, linkActionSchema, linkTokenFits, maxLinkTargetLength } from '#shared/domain/tokens.ts';
import { Id } from './common.ts';
import { overrideFields } from './override.ts';

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
      linkActionSchema().check(
        z.describe(
          'What the link does for the person who clicks it. add_interest / remove_interest (value: a tag) apply on the click itself, once. subscribe / unsubscribe (value: a subscription type id) are consent: link scanners fetch every link of a mail, so the click shows a page with one button, and only its POST changes the subscription, then goes on to the URL',
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
      id: 'TrackedLinkInput',
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
  ...overrideFields,
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
