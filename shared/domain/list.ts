/**
 * Target lists: a saved selection (criteria), a static set of contacts, or both (their union).
 * Pure: which members match, and whether a selection can be read without a scan.
 */
export interface ListCriteria {
  /** Contacts subscribed to this type (read from the sparse members index). */
  subscribedTo?: string;
  interests?: { all?: string[]; any?: string[]; none?: string[] };
  locale?: string;
}

export interface TargetList {
  id: string;
  name: string;
  criteria?: ListCriteria;
  contactIds: string[];
  createdAt: string;
  updatedAt: string;
}

/** What the members index projects: enough to filter a list and evaluate the rule. */
export interface Member {
  contactId: string;
  email?: string;
  /** E-marketing consent status: granted, withdrawn or none. */
  consent?: string;
  /** Subscription status per type id. */
  subscriptions?: Record<string, string>;
  /** Suppression reason, mirrored from the suppression list. */
  suppressed?: string;
  locale?: string;
  firstName?: string;
  lastName?: string;
  interests?: string[];
  fields?: Record<string, string | number | boolean | null>;
}

/**
 * Where a selection is read from. A selection is read from one index partition family (a type's
 * or an interest's shards) and filtered; one with neither would need a table scan, which request
 * paths never do, so it is refused when the list is created.
 */
export type Source = { kind: 'type'; typeId: string } | { kind: 'interest'; tag: string } | { kind: 'none' };

export const selectionSource = (criteria: ListCriteria | undefined): Source => {
  if (!criteria) return { kind: 'none' };
  if (criteria.subscribedTo) return { kind: 'type', typeId: criteria.subscribedTo };
  const anchor =
    criteria.interests?.all?.[0] ??
    (criteria.interests?.any?.length === 1 ? criteria.interests.any[0] : undefined);
  if (anchor) return { kind: 'interest', tag: anchor };
  return { kind: 'none' };
};

/** Is a selection readable without a scan? (`any` with several tags reads each tag's index.) */
export const selectionIsIndexed = (criteria: ListCriteria | undefined): boolean =>
  !criteria || selectionSource(criteria).kind !== 'none' || (criteria.interests?.any?.length ?? 0) > 0;

/** Does a member read from the index satisfy the rest of the criteria? */
export const matchesCriteria = (member: Member, criteria: ListCriteria | undefined): boolean => {
  if (!criteria) return true;
  if (criteria.locale && (member.locale ?? '').toLowerCase() !== criteria.locale.toLowerCase()) return false;
  const interests = criteria.interests;
  if (interests) {
    const has = new Set(member.interests ?? []);
    if (interests.all && !interests.all.every((t) => has.has(t))) return false;
    if (interests.any?.length && !interests.any.some((t) => has.has(t))) return false;
    if (interests.none?.some((t) => has.has(t))) return false;
  }
  return true;
};
