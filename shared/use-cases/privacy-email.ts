import * as z from '#shared/schema/z.ts';
import * as contacts from '#shared/adapters/dynamodb/contacts.ts';
import { signingKeys } from '#shared/adapters/secrets/signing-keys.ts';
import { sendOne } from '#shared/adapters/ses/client.ts';
import { loadConfig } from '#shared/config/env.ts';
import { NotFoundError } from '#shared/domain/errors.ts';
import { chooseLanguage } from '#shared/domain/i18n.ts';
import { privacyEmail } from '#shared/domain/privacy-email.ts';
import { signToken } from '#shared/domain/tokens.ts';

let loaded: ReturnType<typeof load> | undefined;
const config = () => {
  loaded ??= load();
  return loaded;
};
const load = () =>
  loadConfig({
    PUBLIC_BASE_URL: z.url(),
    SENDER_ADDRESS: z._default(z.string().check(z.minLength(3)), 'no-reply@localhost.localdomain'),
    SES_CONFIGURATION_SET: z.optional(z.string().check(z.minLength(1))),
  });

/**
 * Send the "manage your subscriptions" e-mail.
 * Input: a contact id. Output: the SES message id.
 * 1. Find the contact (404 if unknown or erased).
 * 2. Sign a preference token (contact id only: no address in the URL).
 * 3. Send one transactional message in the contact's language.
 */
export const sendPrivacyEmail = async (contactId: string) => {
  const env = config();
  const contact = await contacts.get(contactId);
  if (!contact) throw new NotFoundError('Contact not found');
  const token = signToken(await signingKeys(), { p: 'preferences', c: contact.id });
  const content = privacyEmail(
    chooseLanguage(contact.locale),
    `${env.PUBLIC_BASE_URL.replace(/\/$/, '')}/p/${token}`,
  );
  const messageId = await sendOne({
    from: env.SENDER_ADDRESS,
    to: contact.email,
    ...content,
    configurationSet: env.SES_CONFIGURATION_SET,
    tags: { contactId: contact.id, kind: 'privacy_email' },
  });
  return { contactId: contact.id, sent: true, ...(messageId ? { messageId } : {}) };
};
