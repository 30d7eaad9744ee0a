import * as subscriptionTypes from '#shared/adapters/dynamodb/subscription-types.ts';
import type { TypeChanges } from '#shared/adapters/dynamodb/subscription-types.ts';
import type { Actor } from '#shared/domain/api-key.ts';
import { NotFoundError } from '#shared/domain/errors.ts';
import { newId } from '#shared/domain/ids.ts';
import type { SubscriptionType, TypeTranslation } from '#shared/domain/subscription-type.ts';

export interface NewSubscriptionType {
  name: string;
  description: string;
  public: boolean;
  doubleOptIn: boolean;
  translations?: Record<string, TypeTranslation>;
}

/**
 * Create a subscription type.
 * Input: name, description, flags, translations; the caller. Output: the type (not archived).
 * 1. Give it a time-sortable id (lists read oldest first).
 * 2. Store it create-once, recording who created it.
 */
export const createSubscriptionType = async (
  input: NewSubscriptionType,
  actor: Actor,
): Promise<SubscriptionType> => {
  const at = new Date().toISOString();
  const type: SubscriptionType = {
    id: newId(),
    name: input.name,
    description: input.description,
    public: input.public,
    doubleOptIn: input.doubleOptIn,
    archived: false,
    ...(input.translations && Object.keys(input.translations).length
      ? { translations: input.translations }
      : {}),
    createdAt: at,
    updatedAt: at,
  };
  await subscriptionTypes.create(type, actor.keyId);
  return type;
};

export const listSubscriptionTypes = (limit: number, cursor?: string) =>
  subscriptionTypes.list(limit, cursor);

export const getSubscriptionType = async (id: string): Promise<SubscriptionType> => {
  const type = await subscriptionTypes.get(id);
  if (!type) throw new NotFoundError('Subscription type not found');
  return type;
};

/**
 * Update (or archive, with `archived: true`) a subscription type.
 * Input: the fields to change; the caller. Output: the type as it now is.
 * 1. Set only the given fields on the existing item (404 when there is none), with who and when.
 * Types are never deleted: mailings and history refer to them.
 */
export const updateSubscriptionType = (
  id: string,
  changes: TypeChanges,
  actor: Actor,
): Promise<SubscriptionType> => subscriptionTypes.update(id, changes, actor.keyId, new Date().toISOString());
