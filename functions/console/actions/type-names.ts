/** The names of the subscription types by id, for pages that show a contact's or a list's types. */
import { listSubscriptionTypes } from '#shared/use-cases/subscription-types.ts';

export const typeNames = async (): Promise<Record<string, string>> =>
  Object.fromEntries((await listSubscriptionTypes(100)).items.map((t) => [t.id, t.name]));
