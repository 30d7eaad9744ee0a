/**
 * Tracked links (`GET /l/<token>`): a link in a mailing that does something for the person who
 * clicks it — add or remove an interest, subscribe or unsubscribe a type — then sends them on to
 * its target. Both the action and the target are inside the signed token, so neither can be changed
 * (no open redirect, no forged action).
 *
 * "Once": the first click applies the action; every later click of the same token only redirects.
 * A marker keyed by the token's hash is created with `attribute_not_exists` (one conditional put,
 * so two simultaneous clicks cannot both win) and expires after {@link linkMarkerTtlSeconds}.
 */
import { createHash } from 'node:crypto';
import { pageGuards } from '#shared/adapters/dynamodb/page-guards.ts';
import { subscriptionTypes } from '#shared/adapters/dynamodb/subscription-types.ts';
import { type Change, type ContactState, patchContact, setSubscription } from '#shared/domain/contact.ts';
import { NotFoundError } from '#shared/domain/errors.ts';
import type { LinkAction, TokenPayloadFor } from '#shared/domain/tokens.ts';
import { logger } from '#shared/observability/logger.ts';
import { confirmNewlyPending } from './double-opt-in.ts';
import { type RecipientAct, recipientChange, recipientContext } from './recipient-changes.ts';

/** How long a click is remembered: a repeat within this time only redirects. */
export const linkMarkerTtlSeconds = 400 * 24 * 60 * 60;

type LinkPayload = TokenPayloadFor<'link'>;

const statusOf = (contact: ContactState, typeId: string) =>
  Object.hasOwn(contact.subscriptions, typeId) ? contact.subscriptions[typeId]?.status : undefined;

/** The change an action makes, or undefined when there is nothing to do. */
const changeFor = async (
  action: LinkAction,
  act: RecipientAct,
): Promise<(current: ContactState) => Change | undefined> => {
  const ctx = recipientContext('link', act);
  const evidence = act.evidence;
  switch (action.kind) {
    case 'add_interest':
    case 'remove_interest': {
      const patch =
        action.kind === 'add_interest'
          ? { addInterests: [action.value] }
          : { removeInterests: [action.value] };
      return (current) => {
        const change = patchContact(current, patch, ctx);
        // patchContact records no evidence (the API has none for profile changes); a click has some.
        return change && { ...change, entries: change.entries.map((e) => ({ ...e, evidence })) };
      };
    }
    case 'subscribe':
    case 'unsubscribe': {
      const type = await subscriptionTypes.get(action.value);
      if (!type) return () => undefined;
      const wanted = action.kind === 'subscribe' ? 'subscribed' : 'unsubscribed';
      return (current) => {
        const status = statusOf(current, type.id);
        // Already there (or waiting for confirmation): nothing to record.
        if (
          wanted === 'unsubscribed'
            ? status === 'unsubscribed'
            : status === 'subscribed' || status === 'pending'
        )
          return undefined;
        // An archived type takes no new subscriptions; the click still goes to its target.
        if (wanted === 'subscribed' && type.archived) return undefined;
        return setSubscription(current, type, { status: wanted, source: 'link', evidence }, ctx);
      };
    }
  }
};

/**
 * Follow a tracked link.
 * Input: the raw token (its hash is the marker's key), its payload, the act. Output: the target.
 * 1. No action: just the target.
 * 2. Claim the marker; a repeat click finds it taken and only redirects.
 * 3. Apply the action in one conditional write of the contact (source `link`, with evidence and
 *    the mailing); a subscription that became `pending` gets its confirmation mail.
 * 4. If applying fails, give the marker back (a later click may apply it) and still redirect:
 *    the person clicked to get somewhere, and an erased contact has nothing to change. A failed
 *    confirmation mail after a stored change is logged; the marker stays.
 */
export const followLink = async (raw: string, payload: LinkPayload, act: RecipientAct): Promise<string> => {
  // As the URL parser reads it: it drops tabs and line breaks a signed target might still carry,
  // which must never reach the Location header.
  const target = new URL(payload.u).href;
  const action = payload.a;
  if (!action) return target;
  const hash = createHash('sha256').update(raw).digest('base64url');
  if (!(await pageGuards.markOnce('link', hash, linkMarkerTtlSeconds))) {
    logger.info('tracked link repeated', { contactId: payload.c, action: action.kind });
    return target;
  }
  const annotated: RecipientAct = { ...act, ...(payload.m ? { mailingId: payload.m } : {}) };
  let applied: { before?: ContactState; after: ContactState } | undefined;
  try {
    const decide = await changeFor(action, annotated);
    let before: ContactState | undefined;
    const { contact, changed } = await recipientChange(payload.c, annotated, (current) => {
      before = current;
      return decide(current);
    });
    if (changed) applied = { ...(before ? { before } : {}), after: contact };
    logger.info('tracked link applied', { contactId: payload.c, action: action.kind, changed });
  } catch (error) {
    if (error instanceof NotFoundError) {
      logger.info('tracked link of an erased contact', { contactId: payload.c });
    } else {
      logger.error('tracked link action failed', { contactId: payload.c, error: (error as Error)?.name });
      await pageGuards.unmark('link', hash).catch(() => undefined);
    }
  }
  // After the change is stored, a failed mail must not undo the marker: it is logged, not retried.
  if (applied) {
    await confirmNewlyPending(applied.before, applied.after, new Map()).catch((error: unknown) =>
      logger.error('confirmation mail failed', { contactId: payload.c, error: (error as Error)?.name }),
    );
  }
  return target;
};
