/**
 * Resolving a target list into its members, page by page, from up to three kinds of source:
 * the shards of a type's members index, the shards of each interest's index, and the list's
 * static contact ids. Used by GET /lists/{id}/contacts, the draft preview and planning.
 *
 * A contact reachable through two sources is counted once, without remembering whom we have seen
 * (a million ids would not fit a checkpoint): each source skips the members an earlier source in
 * the fixed order already yields. That is decidable from the member alone.
 */
import { batchGetAll } from '#shared/adapters/dynamodb/batch.ts';
import { tableName } from '#shared/adapters/dynamodb/client.ts';
import { contactKeys, memberShards } from '#shared/adapters/dynamodb/contact-keys.ts';
import { type PageKey, queryMembers } from '#shared/adapters/dynamodb/members.ts';
import { type ListCriteria, type Member, matchesCriteria, type TargetList } from '#shared/domain/list.ts';

export interface ListSource {
  id: string;
  /** Reads one page starting at `next`. */
  read: (
    next: PageKey | undefined,
    limit?: number,
  ) => Promise<{ members: Member[]; next: PageKey | undefined }>;
}

/** Static ids are read 100 at a time (one BatchGetItem); the "key" is the offset. */
const staticPage = 100;

/** A subscription status from either the member projection (`status` string) or a contact item. */
const statusOf = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : ((value as { status?: string } | undefined)?.status ?? undefined);

/** A contact item (or membership projection) in the shape the rule and list filters read. */
export const toMember = (item: Record<string, unknown>): Member => {
  const subscriptions: Record<string, string> = {};
  for (const [typeId, value] of Object.entries((item.subscriptions as Record<string, unknown>) ?? {})) {
    const status = statusOf(value);
    if (status) subscriptions[typeId] = status;
  }
  const consent = item.consent;
  return {
    contactId: String(item.contactId ?? item.id),
    email: item.email as string | undefined,
    consent:
      typeof consent === 'string'
        ? consent
        : ((consent as { status?: string } | undefined)?.status ?? 'none'),
    subscriptions,
    ...(item.suppressed ? { suppressed: String(item.suppressed) } : {}),
    ...(item.locale ? { locale: String(item.locale) } : {}),
    ...(item.firstName ? { firstName: String(item.firstName) } : {}),
    ...(item.lastName ? { lastName: String(item.lastName) } : {}),
    interests: (item.interests as string[] | undefined) ?? [],
    ...(item.fields ? { fields: item.fields as Member['fields'] } : {}),
  };
};

/** Would the index sources of this list yield this member? (Then the static source skips it.) */
const selectedByIndex = (member: Member, criteria: ListCriteria | undefined): boolean => {
  if (!criteria) return false;
  if (criteria.subscribedTo) {
    return (
      member.subscriptions?.[criteria.subscribedTo] === 'subscribed' && matchesCriteria(member, criteria)
    );
  }
  const tags = indexedTags(criteria);
  return (
    tags.length > 0 && tags.some((t) => member.interests?.includes(t)) && matchesCriteria(member, criteria)
  );
};

/** The interest indexes a selection without `subscribedTo` reads. */
const indexedTags = (criteria: ListCriteria): string[] => {
  if (criteria.subscribedTo) return [];
  if (criteria.interests?.all?.length) return [criteria.interests.all[0] as string];
  return criteria.interests?.any ?? [];
};

const shardSource = (id: string, gpk: string, keep: (m: Member) => boolean): ListSource => ({
  id,
  read: async (next, limit) => {
    const page = await queryMembers(gpk, next, limit);
    return { members: page.members.map(toMember).filter(keep), next: page.nextKey };
  },
});

/** The sources of a list, in their fixed order. */
export const listSources = (list: TargetList): ListSource[] => {
  const criteria = list.criteria;
  const sources: ListSource[] = [];
  if (criteria?.subscribedTo) {
    const typeId = criteria.subscribedTo;
    for (let shard = 0; shard < memberShards; shard++) {
      sources.push(
        shardSource(`t${String(shard).padStart(2, '0')}`, contactKeys.typeShard(typeId, shard), (m) =>
          matchesCriteria(m, criteria),
        ),
      );
    }
  } else if (criteria) {
    const tags = indexedTags(criteria);
    tags.forEach((tag, k) => {
      const earlier = tags.slice(0, k);
      for (let shard = 0; shard < memberShards; shard++) {
        sources.push(
          shardSource(
            `i${k}s${String(shard).padStart(2, '0')}`,
            contactKeys.interestShard(tag, shard),
            // A member with an earlier tag was already yielded by that tag's source.
            (m) => matchesCriteria(m, criteria) && !earlier.some((t) => m.interests?.includes(t)),
          ),
        );
      }
    });
  }
  if (list.contactIds.length) {
    sources.push({
      id: 'x',
      read: async (next, limit) => {
        const offset = Number(next?.offset ?? 0);
        const size = Math.min(limit ?? staticPage, staticPage);
        const ids = list.contactIds.slice(offset, offset + size);
        const items = await batchGetAll(
          tableName('contacts'),
          ids.map((id) => contactKeys.contact(id)),
        );
        const byId = new Map(items.map((item) => [String(item.id), toMember(item)]));
        // Keep the list's order; skip erased contacts and those the index sources yield.
        const members = ids
          .map((id) => byId.get(id))
          .filter((m): m is Member => m !== undefined && !selectedByIndex(m, criteria));
        const end = offset + ids.length;
        return { members, next: end < list.contactIds.length ? { offset: String(end) } : undefined };
      },
    });
  }
  return sources;
};
