/**
 * Tracked links (`/l/<token>`): a link in a mailing that does something for the person who clicks
 * it — add or remove an interest, subscribe or unsubscribe a type — then sends them on to its
 * target. Both the action and the target are inside the signed token, so neither can be changed
 * (no open redirect, no forged action). The POST of a link's page is ./tracked-link-confirm.ts.
 *
 * What a GET may do is domain/tokens.ts `linkActsOnGet`: link scanners fetch every link of a mail,
 * so an interest action applies on the GET, while a subscription action only shows a one-button
 * page and acts on that page's POST.
 *
 * "Once", for actions applied on a GET: the first click applies the action; every later click of
 * the same token only redirects. A marker keyed by the token's hash is created with
 * `attribute_not_exists` (one conditional put, so two simultaneous clicks cannot both win) and
 * expires after {@link linkMarkerTtlSeconds}. A confirmed subscription action needs no marker: the
 * POST is the person's own act each time, and it changes a subscription only when it is not
 * already as asked, so a second press changes and records nothing.
 */
import { createHash } from 'node:crypto';
import * as contacts from '#shared/adapters/dynamodb/contacts.ts';
import * as pageGuards from '#shared/adapters/dynamodb/page-guards.ts';
import * as subscriptionTypes from '#shared/adapters/dynamodb/subscription-types.ts';
import { type Change, type ContactState, patchContact, setSubscription } from '#shared/domain/contact.ts';
import { NotFoundError } from '#shared/domain/errors.ts';
import type { SubscriptionType } from '#shared/domain/subscription-type.ts';
import { type LinkAction, linkActsOnGet, type TokenPayloadFor } from '#shared/domain/tokens.ts';
import { logger } from '#shared/observability/logger.ts';
import { type RecipientAct, recipientChange, recipientContext } from './recipient-changes.ts';

/** How long a click is remembered: a repeat within this time only redirects. */
export const linkMarkerTtlSeconds = 400 * 24 * 60 * 60;

type LinkPayload = TokenPayloadFor<'link'>;
type InterestAction = Extract<LinkAction, { kind: 'add_interest' | 'remove_interest' }>;
export type SubscriptionAction = Extract<LinkAction, { kind: 'subscribe' | 'unsubscribe' }>;

const statusOf = (contact: ContactState, typeId: string) =>
  Object.hasOwn(contact.subscriptions, typeId) ? contact.subscriptions[typeId]?.status : undefined;

// As the URL parser reads it: it drops tabs and line breaks a signed target might still carry,
// which must never reach the Location header.
export const targetOf = (payload: LinkPayload) => new URL(payload.u).href;

export const withMailing = (act: RecipientAct, payload: LinkPayload): RecipientAct => ({
  ...act,
  ...(payload.m ? { mailingId: payload.m } : {}),
});

/** The change of an interest action. */
const interestChange =
  (action: InterestAction, act: RecipientAct) =>
  (current: ContactState): Change | undefined => {
    const patch =
      action.kind === 'add_interest' ? { addInterests: [action.value] } : { removeInterests: [action.value] };
    const change = patchContact(current, patch, recipientContext('link', act));
    // patchContact records no evidence (the API has none for profile changes); a click has some.
    return change && { ...change, entries: change.entries.map((e) => ({ ...e, evidence: act.evidence })) };
  };

/**
 * The change of a subscription action, or undefined when there is nothing to do: already as asked
 * (or waiting for its confirmation), or a subscription to an archived type (which takes none).
 */
export const subscriptionChange =
  (action: SubscriptionAction, type: SubscriptionType, act: RecipientAct) =>
  (current: ContactState): Change | undefined => {
    const status = statusOf(current, type.id);
    const wanted = action.kind === 'subscribe' ? 'subscribed' : 'unsubscribed';
    if (
      wanted === 'unsubscribed'
        ? status === 'unsubscribed'
        : status === 'subscribed' || status === 'pending' || type.archived
    )
      return undefined;
    return setSubscription(
      current,
      type,
      { status: wanted, source: 'link', evidence: act.evidence },
      recipientContext('link', act),
    );
  };

/**
 * Apply an interest action once, as a GET does (or nothing, for a link without an action).
 * 1. Claim the marker; a repeat click finds it taken and changes nothing.
 * 2. Apply the action in one conditional write of the contact (source `link`, with evidence and
 *    the mailing).
 * 3. If applying fails, give the marker back (a later click may apply it): the caller still
 *    redirects, because the person clicked to get somewhere, and an erased contact has nothing to
 *    change.
 */
export const applyOnce = async (raw: string, payload: LinkPayload, act: RecipientAct): Promise<void> => {
  const action = payload.a;
  if (!action || !linkActsOnGet(action)) return;
  const hash = createHash('sha256').update(raw).digest('base64url');
  if (!(await pageGuards.markOnce('link', hash, linkMarkerTtlSeconds))) {
    logger.info('tracked link repeated', { contactId: payload.c, action: action.kind });
    return;
  }
  const annotated = withMailing(act, payload);
  try {
    const { changed } = await recipientChange(payload.c, annotated, interestChange(action, annotated));
    logger.info('tracked link applied', { contactId: payload.c, action: action.kind, changed });
  } catch (error) {
    if (error instanceof NotFoundError) {
      logger.info('tracked link of an erased contact', { contactId: payload.c });
    } else {
      logger.error('tracked link action failed', { contactId: payload.c, error: (error as Error)?.name });
      await pageGuards.unmark('link', hash).catch(() => undefined);
    }
  }
};

/** What a GET of a tracked link answers: the redirect, or the page that asks first. */
export type LinkVisit =
  | { kind: 'redirect'; target: string }
  | {
      kind: 'confirm';
      target: string;
      action: SubscriptionAction['kind'];
      type: SubscriptionType;
      contact: ContactState;
    };

/**
 * A GET of a tracked link (a person's click, or a scanner's fetch).
 * Input: the raw token, its payload, the act. Output: redirect to the target, or ask first.
 * 1. An action that may apply on a GET (none, or an interest): apply it once, redirect.
 * 2. A subscription action: read the type and the contact, change nothing. When the POST would
 *    change nothing either (type unknown, subscribing to an archived type, contact erased, already
 *    as asked), redirect at once; otherwise answer the one-button page.
 */
export const visitLink = async (raw: string, payload: LinkPayload, act: RecipientAct): Promise<LinkVisit> => {
  const target = targetOf(payload);
  const action = payload.a;
  if (linkActsOnGet(action)) {
    await applyOnce(raw, payload, act);
    return { kind: 'redirect', target };
  }
  const subscription: SubscriptionAction = action;
  const [type, contact] = await Promise.all([
    subscriptionTypes.get(subscription.value),
    contacts.get(payload.c),
  ]);
  if (!type || !contact || !subscriptionChange(subscription, type, act)(contact))
    return { kind: 'redirect', target };
  return { kind: 'confirm', target, action: subscription.kind, type, contact };
};
