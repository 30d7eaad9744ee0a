/**
 * Who a subscription type reaches today: its subscribers, counted from the members index (the
 * items exist only while a contact is subscribed), read as list building reads a selection.
 */
import { listSources } from './list-resolution.ts';

/**
 * Count a type's subscribers.
 * 1. Read the type's shards of the members index, as a selection "subscribed to the type" does.
 * 2. Count those whose subscription to it is `subscribed` (the selection's own filter).
 * Unsubscribes by source are not counted here: the members index holds subscribers only.
 */
export const typeAudience = async (typeId: string) => {
  let subscribers = 0;
  const now = new Date().toISOString();
  for (const source of listSources({
    id: 'type',
    name: 'type',
    criteria: { subscribedTo: typeId },
    contactIds: [],
    createdAt: now,
    updatedAt: now,
  })) {
    let next: Awaited<ReturnType<typeof source.read>>['next'];
    do {
      const page = await source.read(next);
      subscribers += page.members.length;
      next = page.next;
    } while (next);
  }
  return { subscribers };
};
