import { lists } from '#shared/adapters/dynamodb/lists.ts';
import { subscriptionTypes } from '#shared/adapters/dynamodb/subscription-types.ts';
import { NotFoundError, RuleViolationError, ValidationError } from '#shared/domain/errors.ts';
import { newId } from '#shared/domain/ids.ts';
import { type ListCriteria, selectionIsIndexed, type TargetList } from '#shared/domain/list.ts';
import { decodePosition, listSources, readPage } from './list-resolution.ts';

/**
 * Create a target list.
 * Input: name, criteria and/or static contact ids. Output: the list.
 * 1. A `subscribedTo` type must exist.
 * 2. The selection must be readable from an index (a type or an interest): no scans, ever.
 * 3. Store it with its contact ids deduplicated (a set: repeats are ignored).
 */
export const createList = async (input: { name: string; criteria?: ListCriteria; contactIds?: string[] }) => {
  const criteria = input.criteria && Object.keys(input.criteria).length ? input.criteria : undefined;
  if (criteria?.subscribedTo && !(await subscriptionTypes.get(criteria.subscribedTo))) {
    throw new RuleViolationError('Unknown subscription type', [
      { path: 'body.criteria.subscribedTo', message: 'No subscription type with this id' },
    ]);
  }
  if (criteria && !selectionIsIndexed(criteria)) {
    throw new RuleViolationError('A selection needs subscribedTo or an interest (all or any)', [
      { path: 'body.criteria', message: 'locale or interests.none alone would need a scan of every contact' },
    ]);
  }
  const at = new Date().toISOString();
  const list: TargetList = {
    id: newId(),
    name: input.name,
    ...(criteria ? { criteria } : {}),
    contactIds: [...new Set(input.contactIds ?? [])],
    createdAt: at,
    updatedAt: at,
  };
  await lists.create(list);
  return list;
};

export const getList = async (id: string): Promise<TargetList> => {
  const list = await lists.get(id);
  if (!list) throw new NotFoundError('List not found');
  return list;
};

const badCursor = () =>
  new ValidationError('Invalid cursor', [{ path: 'query.cursor', message: 'Not a cursor of this list' }]);

/** The list resolved now, a page at a time; `total` counts every member (reads the whole list). */
export const listContacts = async (id: string, limit: number, cursor?: string, total = false) => {
  const list = await getList(id);
  const position = decodePosition(cursor);
  if (cursor && !position) throw badCursor();
  const sources = listSources(list);
  const page = await readPage(sources, position, limit, (m) => ({
    id: m.contactId,
    ...(m.email ? { email: m.email } : {}),
    ...(m.firstName ? { firstName: m.firstName } : {}),
    ...(m.lastName ? { lastName: m.lastName } : {}),
    ...(m.locale ? { locale: m.locale } : {}),
  }));
  let count: number | undefined;
  if (total) {
    count = 0;
    for (const source of sources) {
      let next: Awaited<ReturnType<typeof source.read>>['next'];
      do {
        const result = await source.read(next);
        count += result.members.length;
        next = result.next;
      } while (next);
    }
  }
  return { items: page.items, nextCursor: page.next, ...(count !== undefined ? { total: count } : {}) };
};
