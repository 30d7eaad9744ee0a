/**
 * A mailing's content as one contact would get it: merge fields filled, the opt-out footer in the
 * contact's language when the body has no opt-out link, rendered by the same function the sender
 * uses. Links are placeholders, never signed tokens: clicking a preview changes nobody's
 * subscriptions.
 */
import * as contacts from '#shared/adapters/dynamodb/contacts.ts';
import * as subscriptionTypes from '#shared/adapters/dynamodb/subscription-types.ts';
import { chooseLanguage } from '#shared/domain/i18n.ts';
import type { TrackedLink } from '#shared/domain/mailing.ts';
import { render } from '#shared/domain/render.ts';
import { addressOf } from './contacts.ts';

export interface PreviewContent {
  subject: string;
  text: string;
  html?: string | undefined;
  links?: Readonly<Record<string, TrackedLink>> | undefined;
  subscriptionTypeId: string;
  from: string;
}

/**
 * Preview a mailing for the contact with this address.
 * 1. Find the contact by address (none → undefined: the page says so).
 * 2. Name the type as the footer does.
 * 3. Render with placeholder links (the tracked ones show their target).
 */
export const previewMailing = async (content: PreviewContent, email: string) => {
  const contact = await contacts.findByEmail(addressOf(email, 'body.previewEmail').key);
  if (!contact) return undefined;
  const type = content.subscriptionTypeId
    ? await subscriptionTypes.get(content.subscriptionTypeId)
    : undefined;
  const tracked = Object.fromEntries(
    Object.entries(content.links ?? {}).map(([name, link]) => [name, `[${name}: ${link.url}]`]),
  );
  const domain = /@([^>\s]+)>?\s*$/.exec(content.from)?.[1]?.toLowerCase() ?? 'localhost';
  return render(
    { subject: content.subject, text: content.text, html: content.html || undefined },
    {
      email: contact.email,
      firstName: contact.firstName,
      lastName: contact.lastName,
      fields: contact.fields,
      language: chooseLanguage(contact.locale),
    },
    { unsubscribeUrl: '[unsubscribe link]', preferencesUrl: '[preferences link]', tracked },
    { id: content.subscriptionTypeId, name: type?.name ?? '', listDomain: domain },
  );
};
