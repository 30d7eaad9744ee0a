/**
 * "Manage your subscriptions" on request (`GET /p` → `POST /p`): the person types an address, and
 * if it belongs to a contact, a preference link valid for 7 days (a `magic` token) is mailed to it.
 *
 * No enumeration: the answer is the same whether the address is known or not, and so is the time
 * it takes: the page only counts the request and queues it (the `mail` queue); the mail worker
 * looks the address up and mails the link. Only the mailbox's owner learns the difference. Rate limits, per IP and per address, stop the form being used to
 * flood someone's inbox or to probe at volume: fixed 15-minute windows, counters in the app table
 * keyed by a keyed hash (never the address or IP itself), expiring by TTL.
 */
import { createHmac } from 'node:crypto';
import * as contacts from '#shared/adapters/dynamodb/contacts.ts';
import * as pageGuards from '#shared/adapters/dynamodb/page-guards.ts';
import { signingKeys } from '#shared/adapters/secrets/signing-keys.ts';
import { sendOne } from '#shared/adapters/ses/client.ts';
import { sendMessage } from '#shared/adapters/sqs/client.ts';
import { optional, readSettings, text, url, withDefault } from '#shared/config/settings.ts';
import { parseEmail } from '#shared/domain/email.ts';
import { fromAcceptLanguage, type Language, languageOf } from '#shared/domain/i18n.ts';
import { newId } from '#shared/domain/ids.ts';
import { signToken } from '#shared/domain/tokens.ts';
import { logger } from '#shared/observability/logger.ts';
import { magicLinkMail } from '#shared/pages/mails.ts';
import { mailOnce } from './mail-once.ts';

/** Requests allowed per IP, and per address, in one window. */
export const magicLinkLimit = 5;
export const magicLinkWindowSeconds = 15 * 60;

const config = () =>
  readSettings({
    PUBLIC_BASE_URL: url(),
    SENDER_ADDRESS: withDefault(text(3), 'no-reply@localhost.localdomain'),
    SES_CONFIGURATION_SET: optional(text(1)),
  });

export type MagicLinkOutcome = 'accepted' | 'invalid' | 'limited';

// Keyed, so a counter's key tells nothing about the address or IP it counts.
const counterKey = (secret: string, kind: string, value: string) =>
  createHmac('sha256', secret).update(`rate:v1:${kind}:${value}`).digest('base64url');

/**
 * Request a magic link.
 * Input: the address typed, the request's IP and Accept-Language. Output: `accepted` (the same for
 * known and unknown addresses), `invalid` (not an address), or `limited` (429).
 * 1. Count the request against its IP; over the limit → limited.
 * 2. Validate the address; count it against the address; over the limit → limited.
 * 3. Queue the request for the mail worker ({@link mailMagicLink}), known address or not, with the
 *    page's language (from Accept-Language) for a contact without a locale of its own.
 */
export const requestMagicLink = async (input: {
  email: string;
  ip?: string | undefined;
  acceptLanguage?: string | undefined;
}): Promise<MagicLinkOutcome> => {
  const keys = await signingKeys();
  const secret = keys.keys[keys.current] as string;
  if (input.ip) {
    const count = await pageGuards.count(
      'magic-ip',
      counterKey(secret, 'ip', input.ip),
      magicLinkWindowSeconds,
    );
    if (count > magicLinkLimit) {
      logger.info('magic link limited', { by: 'ip' });
      return 'limited';
    }
  }
  const parsed = parseEmail(input.email);
  if (!parsed.ok) return 'invalid';
  const key = parsed.address.key;
  const count = await pageGuards.count(
    'magic-address',
    counterKey(secret, 'address', key),
    magicLinkWindowSeconds,
  );
  if (count > magicLinkLimit) {
    logger.info('magic link limited', { by: 'address' });
    return 'limited';
  }
  // `i`: the request, so a copy of this message (SQS delivers at least once) never mails twice.
  await sendMessage(
    'mail',
    JSON.stringify({ k: 'magic', i: newId(), a: key, l: fromAcceptLanguage(input.acceptLanguage) ?? 'en' }),
  );
  return 'accepted';
};

/**
 * The mail worker's half of a magic-link request.
 * Input: the request's id, the normalised address asked for, the page's language, the invocation's
 * deadline. Output: none; a mail or not.
 * 1. Find the contact by address; none, or its address hard-bounces → nothing (logged without it).
 * 2. Sign a magic token (7 days) and mail the preference link in the contact's language (else the
 *    page's), at the account's SES rate, once per request (shared/use-cases/mail-once.ts).
 */
export const mailMagicLink = async (
  requestId: string,
  addressKey: string,
  pageLanguage: Language,
  deadline: number,
): Promise<void> => {
  const env = config();
  const contact = await contacts.findByEmail(addressKey);
  if (!contact || contact.suppressed === 'hard_bounce') {
    logger.info('magic link requested', { known: false });
    return;
  }
  const token = signToken(await signingKeys(), { p: 'magic', c: contact.id });
  const content = magicLinkMail(
    languageOf(contact.locale) ?? pageLanguage,
    `${env.PUBLIC_BASE_URL.replace(/\/$/, '')}/p/${token}`,
  );
  const outcome = await mailOnce(`magic:${requestId}`, deadline, () =>
    sendOne({
      from: env.SENDER_ADDRESS,
      to: contact.email,
      ...content,
      configurationSet: env.SES_CONFIGURATION_SET,
      tags: { contactId: contact.id, kind: 'magic_link' },
    }),
  );
  logger.info('magic link requested', { known: true, contactId: contact.id, outcome });
};
