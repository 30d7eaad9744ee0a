/**
 * What follows from each committed change, read from the tables' change streams (infra/streams.ts):
 * every change of a contact is one write of its item (with the change's history entries in its
 * outbox), an erasure deletes it, a mailing's milestones are writes of its item — so the stream sees
 * each of them exactly when it commits, whichever channel made it, and a change can never commit
 * without its effects following: a consumer that fails is handed the same records again.
 *
 * Each derived effect is one {@link ChangeEffect} in {@link changeEffects}. An effect must be
 * idempotent (a batch, or part of one, can be handed over again after a failure) and must not rely on
 * order across items (DynamoDB orders records per item only). Adding an effect is one more entry in
 * the list, with its own idempotence: the audience counters (./audience-counts.ts), for one, count
 * each write once by a key derived from it, marked in the counter's own write.
 */
import type { StreamChange } from '#shared/adapters/dynamodb/stream-records.ts';
import { logger } from '#shared/observability/logger.ts';
import { countChanges } from './audience-counts.ts';
import { queueEventDeliveries } from './outgoing-events.ts';

export type { StreamChange } from '#shared/adapters/dynamodb/stream-records.ts';

/** One thing derived from committed changes. */
export interface ChangeEffect {
  readonly name: string;
  /** Applies the effect for these changes (stream order); throws when it could not. */
  readonly apply: (changes: readonly StreamChange[]) => Promise<unknown>;
}

/** Every effect derived from the change streams, each applied to every batch. */
export const changeEffects: readonly ChangeEffect[] = [
  { name: 'outgoing events', apply: queueEventDeliveries },
  { name: 'audience counters', apply: countChanges },
];

const applyAll = async (effects: readonly ChangeEffect[], changes: readonly StreamChange[]) => {
  for (const effect of effects) {
    try {
      await effect.apply(changes);
    } catch (error) {
      logger.error('change effect failed', {
        effect: effect.name,
        changes: changes.length,
        error: (error as Error)?.name,
        detail: (error as Error)?.message,
      });
      throw error;
    }
  }
};

/**
 * Apply every effect to a batch of changes.
 * Input: the changes in stream order, and the effects. Output: the sequence number of the first
 * change that could not be done (the stream hands that one and everything after it over again),
 * or undefined when all were.
 * 1. All effects on the whole batch: the usual case, one pass (batched writes and messages).
 * 2. Should that fail, change by change from the start, to find the first that fails: the ones before
 *    it are done (again, harmlessly: effects are idempotent), and a change that cannot be done holds
 *    up only itself and what follows, never what came before.
 */
export const processChanges = async (
  changes: readonly StreamChange[],
  effects: readonly ChangeEffect[] = changeEffects,
): Promise<string | undefined> => {
  if (!changes.length) return undefined;
  try {
    await applyAll(effects, changes);
    return undefined;
  } catch {
    for (const change of changes) {
      try {
        await applyAll(effects, [change]);
      } catch {
        return change.sequence;
      }
    }
    return undefined;
  }
};
