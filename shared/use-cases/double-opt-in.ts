/**
 * Double opt-in: a subscription to a type with `doubleOptIn` is `pending` (the domain rule,
 * subscriptionOutcome) until the person clicks the link in a confirmation mail; that click activates
 * it. The history keeps both moments, each with its evidence: the `pending` entry of whoever asked
 * (API, page, link), then the `pending → subscribed` entry with source `confirmation`.
 *
 * The link is `GET /p/<confirm token>`: it shows a button that POSTs to the same URL, so a security
 * gateway opening every link confirms nothing. The token names the contact and the type, and
 * expires after {@link confirmationTtlSeconds}.
 */
import * as contacts from '#shared/adapters/dynamodb/contacts.ts';
import * as subscriptionTypes from '#shared/adapters/dynamodb/subscription-types.ts';
import { signingKeys } from '#shared/adapters/secrets/signing-keys.ts';
import { sendOne } from '#shared/adapters/ses/client.ts';
import { sendMessages } from '#shared/adapters/sqs/client.ts';
import { optional, readSettings, text, url, withDefault } from '#shared/config/settings.ts';
import { type ContactState, setConsent, setSubscription } from '#shared/domain/contact.ts';
import { NotFoundError } from '#shared/domain/errors.ts';
import { chooseLanguage } from '#shared/domain/i18n.ts';
import { newId } from '#shared/domain/ids.ts';
import type { SubscriptionType } from '#shared/domain/subscription-type.ts';
import { signToken, type TokenPayloadFor } from '#shared/domain/tokens.ts';
import { logger } from '#shared/observability/logger.ts';
import { confirmationMail } from '#shared/pages/mails.ts';
import { mailOnce } from './mail-once.ts';
import { typeText } from '#shared/pages/type-text.ts';
import { combine, type RecipientAct, recipientChange, recipientContext } from './recipient-changes.ts';

/** How long a confirmation link works. */
export const confirmationTtlSeconds = 30 * 24 * 60 * 60;

const config = () =>
  readSettings({
    PUBLIC_BASE_URL: url(),
    SENDER_ADDRESS: withDefault(text(3), 'no-reply@localhost.localdomain'),
    SES_CONFIGURATION_SET: optional(text(1)),
  });

/**
 * Send the confirmation mail of one pending subscription.
 * Input: the contact (as stored after the change that made it pending), the type, optionally the
 * browser's Accept-Language (used when the contact has no locale). Output: the SES message id.
 * 1. Sign a confirm token for (contact, type), expiring in 30 days.
 * 2. Send one transactional mail in the contact's language, with the type's translated name.
 *
 * Hook for other use cases: call this after any change that left a type `pending` (API, import).
 */
export const sendConfirmation = async (
  contact: ContactState,
  type: SubscriptionType,
  acceptLanguage?: string,
): Promise<string | undefined> => {
  const env = config();
  const now = Date.now();
  const token = signToken(
    await signingKeys(),
    { p: 'confirm', c: contact.id, t: type.id, exp: Math.floor(now / 1000) + confirmationTtlSeconds },
    now,
  );
  const language = chooseLanguage(contact.locale, acceptLanguage);
  const content = confirmationMail(
    language,
    typeText(type, language).name,
    `${env.PUBLIC_BASE_URL.replace(/\/$/, '')}/p/${token}`,
  );
  const messageId = await sendOne({
    from: env.SENDER_ADDRESS,
    to: contact.email,
    ...content,
    configurationSet: env.SES_CONFIGURATION_SET,
    tags: { contactId: contact.id, kind: 'confirmation' },
  });
  logger.info('confirmation sent', { contactId: contact.id, typeId: type.id });
  return messageId;
};

/** The types of `after` that became pending with a change (absent or not pending before). */
export const newlyPending = (before: ContactState | undefined, after: ContactState): string[] =>
  Object.entries(after.subscriptions)
    .filter(([typeId, s]) => s.status === 'pending' && before?.subscriptions[typeId]?.status !== 'pending')
    .map(([typeId]) => typeId);

/**
 * After a change by any channel: sends the confirmation of every type that went to `pending` in it.
 * Input: the contact before and after, the types by id.
 */
export const confirmNewlyPending = async (
  before: ContactState | undefined,
  after: ContactState,
  types: ReadonlyMap<string, SubscriptionType>,
  acceptLanguage?: string,
): Promise<void> => {
  for (const typeId of newlyPending(before, after)) {
    const type = types.get(typeId) ?? (await subscriptionTypes.get(typeId));
    if (type) await sendConfirmation(after, type, acceptLanguage);
  }
};

type ConfirmPayload = TokenPayloadFor<'confirm'>;

export interface ConfirmationState {
  contact: ContactState;
  type: SubscriptionType;
  /** `pending`: the button page; `subscribed`: already confirmed. */
  status: 'pending' | 'subscribed';
  /** A preference-page token for the same person, for the "manage your subscriptions" link. */
  preferencesToken: string;
}

const preferencesToken = async (contactId: string) =>
  signToken(await signingKeys(), { p: 'preferences', c: contactId });

const currentState = (
  contact: ContactState | undefined,
  type: SubscriptionType | undefined,
): Omit<ConfirmationState, 'preferencesToken'> => {
  if (!contact || !type) throw new NotFoundError('Nothing to confirm');
  const status = Object.hasOwn(contact.subscriptions, type.id)
    ? contact.subscriptions[type.id]?.status
    : undefined;
  // Unsubscribed (or never asked) since the mail was sent: the newer act wins, the link is spent.
  if (status === 'subscribed' || (status === 'pending' && !type.archived)) return { contact, type, status };
  throw new NotFoundError('Nothing to confirm');
};

/**
 * What a confirmation link shows (a GET: nothing changes).
 * Output: the contact, the type and whether it is pending or already confirmed; NotFoundError when
 * there is nothing to confirm (contact erased, type archived, subscription withdrawn meanwhile).
 */
export const confirmationState = async (payload: ConfirmPayload): Promise<ConfirmationState> => {
  const [contact, type] = await Promise.all([contacts.get(payload.c), subscriptionTypes.get(payload.t)]);
  return { ...currentState(contact, type), preferencesToken: await preferencesToken(payload.c) };
};

/**
 * Confirm a pending subscription (the POST of the confirmation page).
 * Input: the confirm token's payload, the act. Output: the state after, and whether it was
 * already confirmed (a second click changes nothing).
 * 1. Load the type; in one conditional write of the contact: `pending → subscribed` (source
 *    `confirmation`, with the click's evidence), and, when e-marketing consent is not granted,
 *    grant it (the click is an explicit, specific opt-in to this type).
 * 2. NotFoundError when there is nothing to confirm (see {@link confirmationState}).
 */
export const confirmSubscription = async (
  payload: ConfirmPayload,
  act: RecipientAct,
): Promise<ConfirmationState & { already: boolean }> => {
  const type = await subscriptionTypes.get(payload.t);
  if (!type) throw new NotFoundError('Nothing to confirm');
  const ctx = recipientContext('confirmation', act);
  let already = false;
  const { contact } = await recipientChange(payload.c, act, (current) => {
    const state = currentState(current, type);
    already = state.status === 'subscribed';
    if (already) return undefined;
    return combine(current, [
      (state) =>
        state.consent.status === 'granted'
          ? undefined
          : setConsent(
              state,
              { status: 'granted', legalBasis: 'consent', source: 'confirmation', evidence: act.evidence },
              ctx,
            ),
      // The confirmation is what the double opt-in waited for: subscribe as if it had none.
      (state) =>
        setSubscription(
          state,
          { ...type, doubleOptIn: false },
          { status: 'subscribed', source: 'confirmation', evidence: act.evidence },
          ctx,
        ),
    ]);
  });
  logger.info('subscription confirmed', { contactId: contact.id, typeId: type.id, already });
  return {
    contact,
    type,
    status: 'subscribed',
    already,
    preferencesToken: await preferencesToken(contact.id),
  };
};

/** A `confirm` message of the mail queue: a contact and the types it is owed confirmations of (ids only). */
export interface OwedConfirmations {
  c: string;
  t: string[];
  /** The message's own id: every copy of it carries the same, so none mails twice. */
  i?: string | undefined;
}

/**
 * Queues the confirmations a batch import owes (shared/use-cases/contacts-import.ts): one message
 * per contact, ten per SendMessageBatch. The paced mail worker sends them.
 */
export const queueConfirmations = async (owed: readonly OwedConfirmations[]): Promise<void> => {
  if (owed.length)
    await sendMessages(
      'mail',
      owed.map((o) => JSON.stringify({ k: 'confirm', i: newId(), ...o })),
    );
};

/**
 * Mails the confirmations of one `confirm` message of the mail queue, at the account's SES rate.
 * 1. Read the contact as it is now (strongly consistent); gone (erased) → nothing to do.
 * 2. For each type still `pending` (a confirmation or an unsubscribe since the import settles it):
 *    take a slot of the SES rate the mailings share, then send the confirmation mail.
 * Each confirmation is mailed once per message, however often it is delivered
 * (shared/use-cases/mail-once.ts); `messageId` stands in for a message without its own id.
 */
export const sendOwedConfirmations = async (owed: OwedConfirmations, messageId: string, deadline: number) => {
  const contact = await contacts.get(owed.c);
  if (!contact) return;
  for (const typeId of owed.t) {
    if (contact.subscriptions[typeId]?.status !== 'pending') continue;
    const type = await subscriptionTypes.get(typeId);
    if (type)
      await mailOnce(`confirm:${owed.i ?? messageId}:${typeId}`, deadline, () =>
        sendConfirmation(contact, type),
      );
  }
};
