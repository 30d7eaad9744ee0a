/**
 * Resolving a target list into its members, page by page. Used by GET /lists/{id}/contacts, the
 * draft preview and planning.
 *
 * A list is up to three kinds of source — a type's members index, the indexes of its interests,
 * its static contact ids — all keyed by contact id and split into the same 16 shards (a contact's
 * shard is a hash of its id). So a list is read as 16 shard sources, each merging, in contact-id
 * order, every index of the shard and the static ids that fall in it: a contact reachable through
 * two sources is one id in one merged page, yielded once, whatever its interests or subscriptions
 * do while the list is read (no earlier source's verdict to agree with, nothing remembered).
 *
 * A page covers the contact ids after its start up to its end: where the first of the merged
 * indexes that has more stopped (the others are cut there and read on from it next time). Read
 * again with the same end (`through`), it is the same range — what planning does after a crash,
 * so a contact can never land in two pages.
 */
import { batchGetAll } from '#shared/adapters/dynamodb/batch.ts';
import { tableName } from '#shared/adapters/dynamodb/client.ts';
import { contactKeys, memberShards, shardOf } from '#shared/adapters/dynamodb/contact-keys.ts';
import { type PageKey, queryMemberRange } from '#shared/adapters/dynamodb/members.ts';
import { type ListCriteria, type Member, matchesCriteria, type TargetList } from '#shared/domain/list.ts';

export interface SourcePage {
  /** In contact-id order, each contact once. */
  members: Member[];
  /** Where the next page starts; undefined when the source is exhausted. */
  next: PageKey | undefined;
  /** The last contact id this page covers (its end), when it covered any. */
  end?: string;
}

export interface ListSource {
  id: string;
  /**
   * Reads one page starting after `next`; with `through`, exactly the ids up to it (then `next`
   * is `through`: what lies beyond is the next page's to find).
   */
  read: (next: PageKey | undefined, limit?: number, through?: string) => Promise<SourcePage>;
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

/** The interest indexes a selection without `subscribedTo` reads. */
const indexedTags = (criteria: ListCriteria): string[] => {
  if (criteria.subscribedTo) return [];
  if (criteria.interests?.all?.length) return [criteria.interests.all[0] as string];
  return criteria.interests?.any ?? [];
};

/** The index partitions a list's criteria read, for one shard. */
const indexesOf = (criteria: ListCriteria | undefined, shard: number): string[] => {
  if (!criteria) return [];
  if (criteria.subscribedTo) return [contactKeys.typeShard(criteria.subscribedTo, shard)];
  return indexedTags(criteria).map((tag) => contactKeys.interestShard(tag, shard));
};

const minOf = (values: string[]): string | undefined =>
  values.reduce<string | undefined>((min, v) => (min === undefined || v < min ? v : min), undefined);

/** One shard of a list: its indexes and its static ids, merged by contact id. */
const shardSource = (list: TargetList, shard: number, statics: string[]): ListSource => {
  const criteria = list.criteria;
  const indexes = indexesOf(criteria, shard);
  return {
    id: `s${String(shard).padStart(2, '0')}`,
    read: async (next, limit, through) => {
      const after = next?.after;
      const pages = await Promise.all(indexes.map((gpk) => queryMemberRange(gpk, { after, limit, through })));
      const remaining = statics.filter((id) => after === undefined || id > after);
      // The page ends where the first index with more stopped, or after a static page's worth of ids.
      let end = through;
      if (end === undefined) {
        const cuts = pages.flatMap((page) => (page.more && page.last ? [page.last] : []));
        const staticLimit = Math.min(limit ?? staticPage, staticPage);
        if (remaining.length > staticLimit) cuts.push(remaining[staticLimit - 1] as string);
        end = minOf(cuts);
      }
      const within = (id: string) => end === undefined || id <= end;
      const byId = new Map<string, Member>();
      for (const page of pages) {
        for (const item of page.members) {
          const member = toMember(item);
          if (!within(member.contactId) || byId.has(member.contactId)) continue;
          if (matchesCriteria(member, criteria)) byId.set(member.contactId, member);
        }
      }
      // Static ids are members whatever the criteria say: read those the indexes did not yield.
      const ids = remaining.filter((id) => within(id) && !byId.has(id));
      if (ids.length) {
        const items = await batchGetAll(
          tableName('contacts'),
          ids.map((id) => contactKeys.contact(id)),
        );
        for (const item of items) byId.set(String(item.id), toMember(item));
      }
      const members = [...byId.values()].sort((a, b) => (a.contactId < b.contactId ? -1 : 1));
      if (end !== undefined) return { members, next: { after: end }, end };
      // The last page: it ends at the last id it saw.
      const seen = [...pages.flatMap((page) => page.members.map((m) => String(m.gsk))), ...remaining];
      const last = seen.reduce<string | undefined>(
        (max, v) => (max === undefined || v > max ? v : max),
        undefined,
      );
      return { members, next: undefined, ...(last !== undefined ? { end: last } : {}) };
    },
  };
};

/** The sources of a list: one per shard that can hold any of its members. */
export const listSources = (list: TargetList): ListSource[] => {
  const statics = new Map<number, Set<string>>();
  for (const id of list.contactIds) {
    const shard = shardOf(id);
    const set = statics.get(shard) ?? new Set<string>();
    set.add(id);
    statics.set(shard, set);
  }
  const sources: ListSource[] = [];
  for (let shard = 0; shard < memberShards; shard++) {
    const ids = [...(statics.get(shard) ?? [])].sort();
    if (!indexesOf(list.criteria, shard).length && !ids.length) continue;
    sources.push(shardSource(list, shard, ids));
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
