/**
 * The target list pages: the lists, making one (lists.ts: the wizard's list step makes them the
 * same way) and a list's members. Each action calls the use case its JSON route calls, after the
 * same role check (the route's `auth`).
 */
import type { FormState } from '#shared/console/forms.ts';
import { listPage, listsPage } from '#shared/console/list-pages.ts';
import { type ConsoleInput, type ConsoleResponse, html, seeOther } from '#shared/http/console.ts';
import { getList, listContacts, listLists } from '#shared/use-cases/lists.ts';
import { listSubscriptionTypes } from '#shared/use-cases/subscription-types.ts';
import { route as createListRoute } from '#functions/api/create-list.route.ts';
import { route as getListRoute } from '#functions/api/get-list.route.ts';
import { route as listListsRoute } from '#functions/api/list-lists.route.ts';
import { resolveNewList } from './lists.ts';
import { mustMay, type SignedIn, signedIn, stateOf, valuesOf, viewerOf } from './common.ts';
import { typeNames } from './type-names.ts';

const listFields = ['listName', 'listKind', 'selectionType', 'interests', 'locale', 'addresses'];

const listsList = async (input: SignedIn, state: FormState, status = 200) => {
  const cursor = (input.query as { cursor?: string }).cursor;
  const [page, names] = await Promise.all([listLists(50, cursor), listSubscriptionTypes(100)]);
  const options = names.items.filter((t) => !t.archived).map((t) => ({ value: t.id, label: t.name }));
  return html(listsPage(viewerOf(input), page.items, page.nextCursor, state, options), status);
};

export const lists = async (raw: ConsoleInput): Promise<ConsoleResponse> => {
  const input = signedIn(raw);
  mustMay(input, listListsRoute);
  return listsList(input, stateOf({ listKind: 'selection' }));
};

export const createListAction = async (raw: ConsoleInput): Promise<ConsoleResponse> => {
  const input = signedIn(raw);
  mustMay(input, createListRoute);
  const values = valuesOf(input.form, listFields);
  const made = await resolveNewList(input, values);
  if ('errors' in made) return listsList(input, stateOf(values, made.errors), 422);
  return seeOther(`/console/lists/${made.listId}`);
};

export const list = async (raw: ConsoleInput): Promise<ConsoleResponse> => {
  const input = signedIn(raw);
  mustMay(input, getListRoute);
  const { id } = input.params as { id: string };
  const cursor = (input.query as { cursor?: string }).cursor;
  const [found, members, names] = await Promise.all([getList(id), listContacts(id, 50, cursor), typeNames()]);
  return html(
    listPage(
      viewerOf(input),
      found,
      members.items.map((m) => ({ contactId: m.id, email: m.email })),
      members.nextCursor,
      names,
    ),
  );
};
