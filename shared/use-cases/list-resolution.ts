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

/** Where a paged read of a list stopped: source index, that page's start key, members consumed of it. */
interface Position {
  s: number;
  k?: PageKey;
  o: number;
  /** The page size used, so re-reading the page yields the same members. */
  l: number;
}

export const encodePosition = (p: Position): string => Buffer.from(JSON.stringify(p)).toString('base64url');

export const decodePosition = (cursor: string | undefined): Position | undefined => {
  if (!cursor) return undefined;
  try {
    const p = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Position;
    const valid =
      Number.isInteger(p.s) &&
      p.s >= 0 &&
      Number.isInteger(p.o) &&
      p.o >= 0 &&
      Number.isInteger(p.l) &&
      p.l > 0 &&
      p.l <= 1000 &&
      (p.k === undefined ||
        (typeof p.k === 'object' && p.k !== null && Object.values(p.k).every((v) => typeof v === 'string')));
    return valid ? p : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Reads up to `limit` results from a list's sources starting at `cursor`, mapping each member with
 * `pick` (return undefined to leave it out). Reads small pages (a few times `limit`) so a page of
 * the API does not pull a whole 1 MB Query page; planning reads full pages instead.
 */
export const readPage = async <T>(
  sources: ListSource[],
  cursor: Position | undefined,
  limit: number,
  pick: (member: Member) => T | undefined,
): Promise<{ items: T[]; next: string | null }> => {
  const pageSize = cursor?.l ?? Math.min(1000, limit * 2);
  let position: Position = cursor ?? { s: 0, o: 0, l: pageSize };
  const items: T[] = [];
  while (position.s < sources.length) {
    const source = sources[position.s] as ListSource;
    const page = await source.read(position.k, pageSize);
    for (let i = position.o; i < page.members.length; i++) {
      const picked = pick(page.members[i] as Member);
      if (picked !== undefined) items.push(picked);
      if (items.length === limit) {
        const rest = i + 1 < page.members.length;
        const after: Position = rest
          ? { ...position, o: i + 1 }
          : page.next
            ? { s: position.s, k: page.next, o: 0, l: pageSize }
            : { s: position.s + 1, o: 0, l: pageSize };
        return { items, next: after.s < sources.length ? encodePosition(after) : null };
      }
    }
    position = page.next
      ? { s: position.s, k: page.next, o: 0, l: pageSize }
      : { s: position.s + 1, o: 0, l: pageSize };
  }
  return { items, next: null };
};
