/**
 * One-click unsubscribe (RFC 8058) from the List-Unsubscribe URL of a mailing, and the page a GET
 * of that URL shows. The token names the contact, the mailing and its subscription type: the POST
 * unsubscribes from that type only. A token without a type (none is issued today) can only mean
 * "stop mailing me", so it withdraws e-marketing consent — the side of caution.
 *
 * The header's other URI, `mailto:` with the same token in the subject, ends here too
 * (./unsubscribe-by-mail.ts): the same change, recorded with its own channel.
 */
import * as contacts from '#shared/adapters/dynamodb/contacts.ts';
import * as subscriptionTypes from '#shared/adapters/dynamodb/subscription-types.ts';
import { type ContactState, type Source, setConsent, setSubscription } from '#shared/domain/contact.ts';
import { NotFoundError } from '#shared/domain/errors.ts';
import type { SubscriptionType } from '#shared/domain/subscription-type.ts';
import type { TokenPayloadFor } from '#shared/domain/tokens.ts';
import { logger } from '#shared/observability/logger.ts';
import { type RecipientAct, recipientChange, recipientContext } from './recipient-changes.ts';

type UnsubscribePayload = TokenPayloadFor<'unsubscribe'>;

/** The channels of List-Unsubscribe: its HTTPS URI (and the page's button), and its mailto. */
export type UnsubscribeChannel = Extract<Source, 'one_click' | 'mailto'>;

export interface UnsubscribeTarget {
  /** Absent when the contact was erased: the page still works, and nobody is mailed anyway. */
  contact?: ContactState;
  /** Absent when the token names no type (everything). */
  type?: SubscriptionType;
}

/** What the GET page names: the contact (for its language) and the type. Changes nothing. */
export const unsubscribeTarget = async (payload: UnsubscribePayload): Promise<UnsubscribeTarget> => {
  const [contact, type] = await Promise.all([
    contacts.get(payload.c),
    payload.t ? subscriptionTypes.get(payload.t) : undefined,
  ]);
  return { ...(contact ? { contact } : {}), ...(type ? { type } : {}) };
};

/**
 * Unsubscribe with one click.
 * Input: the unsubscribe token's payload, the act (evidence, mailing), the channel (`one_click`
 * unless told). Output: the contact after (absent when erased), the type, and whether it changed.
 * 1. With a type: unsubscribe from it alone (source: the channel), unless already unsubscribed —
 *    a repeated POST (providers retry) changes and records nothing: idempotent.
 *    Without a type: withdraw e-marketing consent, unless already withdrawn.
 * 2. An erased contact is not an error: the person gets no mail, which is what they asked for.
 */
export const oneClickUnsubscribe = async (
  payload: UnsubscribePayload,
  act: RecipientAct,
  source: UnsubscribeChannel = 'one_click',
): Promise<UnsubscribeTarget & { changed: boolean }> => {
  // Types are never deleted; should one be missing, unsubscribing from its id still must work.
  const type: SubscriptionType | undefined = payload.t
    ? ((await subscriptionTypes.get(payload.t)) ?? {
        id: payload.t,
        name: payload.t,
        description: '',
        public: false,
        doubleOptIn: false,
        archived: true,
        createdAt: '',
        updatedAt: '',
      })
    : undefined;
  const ctx = recipientContext(source, act);
  const annotated: RecipientAct = { ...act, ...(payload.m ? { mailingId: payload.m } : {}) };
  try {
    const { contact, changed } = await recipientChange(payload.c, annotated, (current) => {
      if (!type) {
        if (current.consent.status === 'withdrawn') return undefined;
        return setConsent(current, { status: 'withdrawn', source, evidence: act.evidence }, ctx);
      }
      const status = Object.hasOwn(current.subscriptions, type.id)
        ? current.subscriptions[type.id]?.status
        : undefined;
      if (status === 'unsubscribed') return undefined;
      return setSubscription(current, type, { status: 'unsubscribed', source, evidence: act.evidence }, ctx);
    });
    logger.info('one-click unsubscribe', { source, contactId: payload.c, typeId: type?.id, changed });
    return { contact, ...(type ? { type } : {}), changed };
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    logger.info('one-click unsubscribe of an erased contact', { source, contactId: payload.c });
    return { ...(type ? { type } : {}), changed: false };
  }
};
