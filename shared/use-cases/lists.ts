import * as audit from '#shared/adapters/dynamodb/audit.ts';
import { lists } from '#shared/adapters/dynamodb/lists.ts';
import * as mailings from '#shared/adapters/dynamodb/mailings.ts';
import * as subscriptionTypes from '#shared/adapters/dynamodb/subscription-types.ts';
import type { Actor } from '#shared/domain/api-key.ts';
import { ConflictError, NotFoundError, RuleViolationError, ValidationError } from '#shared/domain/errors.ts';
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

/** Lists newest first, in cursor pages. */
export const listLists = (limit: number, cursor?: string) => lists.list(limit, cursor);

/** Mailing states in which a mailing still reads its list (a paused one may resume planning). */
const usingStates = new Set(['draft', 'planned', 'sending', 'paused']);

/**
 * Delete a list.
 * 1. Read the mailings made for it (strongly consistent, with the version of that set).
 * 2. If one of them still uses it (a draft, or planned, sending or paused, and still pointing at
 *    this list): 409 naming them.
 * 3. Delete the list on condition the set did not change since step 1 (a mailing created meanwhile
 *    makes it a 409 to retry; one that records itself after the delete finds no list and is
 *    refused). Recorded in the audit log.
 */
export const deleteList = async (id: string, actor: Actor) => {
  const usage = await lists.usage(id);
  if (!usage) throw new NotFoundError('List not found');
  const users = await Promise.all(usage.mailingIds.map((mailingId) => mailings.getStored(mailingId, true)));
  const inUse = users
    .filter((m) => m && m.listId === id && usingStates.has(m.status))
    .map((m) => ({ id: m?.id ?? '', status: m?.status ?? '' }));
  if (inUse.length) {
    throw new ConflictError(
      'The list is used by a mailing that is a draft or being sent',
      inUse.map((m) => ({
        path: 'id',
        code: 'list_in_use',
        id: m.id,
        message: `Mailing ${m.id} is ${m.status}`,
      })),
    );
  }
  if (!(await lists.delete(id, usage.version)))
    throw new ConflictError('A mailing was created for the list meanwhile: try again');
  const at = new Date().toISOString();
  await audit.record(actor, { action: 'list.deleted', details: { listId: id } }, at);
  return { id, deleted: true as const, at };
};
