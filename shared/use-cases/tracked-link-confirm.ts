/**
 * The POST of a tracked link's one-button page (./tracked-links.ts has the GET): the person's own
 * act, so a subscription action applies here, and a double opt-in type gets its confirmation mail.
 * Apart from the GET's module so that the GET's function bundles no mail sending.
 */
import * as subscriptionTypes from '#shared/adapters/dynamodb/subscription-types.ts';
import type { ContactState } from '#shared/domain/contact.ts';
import { NotFoundError } from '#shared/domain/errors.ts';
import { linkActsOnGet, type TokenPayloadFor } from '#shared/domain/tokens.ts';
import { logger } from '#shared/observability/logger.ts';
import { confirmNewlyPending } from './double-opt-in.ts';
import type { RecipientAct } from './recipient-changes.ts';
import { recipientChange } from './recipient-changes.ts';
import {
  applyOnce,
  type SubscriptionAction,
  subscriptionChange,
  targetOf,
  withMailing,
} from './tracked-links.ts';

/**
 * The POST of a tracked link: the person pressed the page's button.
 * Input: the raw token, its payload, the act. Output: the target (answered with a 303).
 * 1. An action that applies on a GET: as the GET does (once).
 * 2. A subscription action: in one conditional write of the contact (source `link`, with evidence
 *    and the mailing), unless it is already as asked; a subscription that became `pending` gets
 *    its confirmation mail. An erased contact or an unknown type changes nothing. Any other failure
 *    is the error page: the person asked for a change, so it must not look done when it is not.
 */
export const confirmLink = async (
  raw: string,
  payload: TokenPayloadFor<'link'>,
  act: RecipientAct,
): Promise<string> => {
  const target = targetOf(payload);
  const action = payload.a;
  if (linkActsOnGet(action)) {
    await applyOnce(raw, payload, act);
    return target;
  }
  const subscription: SubscriptionAction = action;
  const type = await subscriptionTypes.get(subscription.value);
  if (!type) return target;
  const annotated = withMailing(act, payload);
  const decide = subscriptionChange(subscription, type, annotated);
  let before: ContactState | undefined;
  try {
    const { contact, changed } = await recipientChange(payload.c, annotated, (current) => {
      before = current;
      return decide(current);
    });
    logger.info('tracked link confirmed', { contactId: payload.c, action: subscription.kind, changed });
    // After the change is stored, a failed mail is logged, not retried: the change stands.
    if (changed)
      await confirmNewlyPending(before, contact, new Map()).catch((error: unknown) =>
        logger.error('confirmation mail failed', { contactId: payload.c, error: (error as Error)?.name }),
      );
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    logger.info('tracked link of an erased contact', { contactId: payload.c });
  }
  return target;
};
