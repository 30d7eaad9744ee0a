/**
 * Subscription types ("Monthly newsletter", "Event invitations"): what a mailing declares and what a
 * person subscribes to. Pure: the shape and the rule for what a subscribe request turns into.
 */
import { RuleViolationError } from './errors.ts';

/** A type's name and description in one language; either may be missing (the default is used). */
export interface TypeTranslation {
  name?: string;
  description?: string;
}

export interface SubscriptionType {
  id: string;
  name: string;
  description: string;
  /** Shown on the preference page (when not archived). */
  public: boolean;
  /** Subscribing needs a confirmation click first: the subscription is `pending` until then. */
  doubleOptIn: boolean;
  /** Takes no new subscriptions and no new mailings; unsubscribing still works. */
  archived: boolean;
  /** By locale (`sv`, `de-AT`); the preference page falls back to name/description. */
  translations?: Record<string, TypeTranslation>;
  createdAt: string;
  updatedAt: string;
}

export type RequestedSubscription = 'subscribed' | 'unsubscribed';
export type StoredSubscription = 'subscribed' | 'unsubscribed' | 'pending';

/**
 * What a request to (un)subscribe stores, given the type and the current status:
 * - unsubscribing always works, archived or not (withdrawal is never harder than giving);
 * - subscribing to an archived type is refused;
 * - subscribing to a double opt-in type is `pending` until confirmed, unless already confirmed.
 */
export const subscriptionOutcome = (
  type: Pick<SubscriptionType, 'id' | 'archived' | 'doubleOptIn'>,
  current: StoredSubscription | undefined,
  requested: RequestedSubscription,
): StoredSubscription => {
  if (requested === 'unsubscribed') return 'unsubscribed';
  if (type.archived) {
    throw new RuleViolationError('This subscription type is archived and takes no new subscriptions', [
      { typeId: type.id, code: 'type_archived', message: 'Archived types take no new subscriptions' },
    ]);
  }
  if (type.doubleOptIn && current !== 'subscribed') return 'pending';
  return 'subscribed';
};
