/**
 * The list pages of the console: the target lists with the form that makes one, and a list with its
 * members. Templates only; the actions call the use cases. Pure.
 */
import { date, e, type Message, num, page, problems, table } from './audience-parts.ts';
import { audienceChoices, type FormState, input, radios } from './forms.ts';
import { csrfField } from './layout.ts';
import { listPageStrings } from './list-strings.ts';
import type { Option, Viewer } from './mailing-pages.ts';

export const listsPage = (
  viewer: Viewer,
  lists: ReadonlyArray<{ id: string; name: string; createdAt: string }>,
  nextCursor: string | null,
  state: FormState,
  types: readonly Option[],
  message?: Message,
) => {
  const t = listPageStrings[viewer.language];
  return page(
    viewer,
    'lists',
    t.listsTitle,
    `<h1>${e(t.listsTitle)}</h1>` +
      table(
        t.listsTitle,
        [t.columns.name, t.columns.created],
        lists.map(
          (l) =>
            `<tr><td><a href="/console/lists/${e(l.id)}">${e(l.name)}</a></td><td>${e(date(l.createdAt, viewer))}</td></tr>`,
        ),
      ) +
      (nextCursor
        ? `<p><a href="/console/lists?cursor=${encodeURIComponent(nextCursor)}">${e(t.next)}</a></p>`
        : '') +
      `<h2 id="create-list">${e(t.createList)}</h2>${problems(t, state)}` +
      `<form method="post" action="/console/lists" novalidate aria-labelledby="create-list">${csrfField(viewer.csrf)}` +
      input({ name: 'listName', label: t.newListName, state, required: true }) +
      radios({
        name: 'listKind',
        legend: t.listChoice,
        state,
        options: audienceChoices(t, state, types),
      }) +
      `<button type="submit">${e(t.createList)}</button></form>`,
    message,
  );
};

export const listPage = (
  viewer: Viewer,
  list: { id: string; name: string; criteria?: object | undefined; contactIds: readonly string[] },
  members: ReadonlyArray<{ contactId: string; email?: string | null | undefined }>,
  nextCursor: string | null,
  typeNames: Record<string, string>,
) => {
  const t = listPageStrings[viewer.language];
  const criteria = list.criteria as
    | { subscribedTo?: string; interests?: Record<string, string[]>; locale?: string }
    | undefined;
  const describe = criteria
    ? [
        criteria.subscribedTo
          ? `${t.selectionType}: ${typeNames[criteria.subscribedTo] ?? criteria.subscribedTo}`
          : '',
        criteria.interests ? `${t.interests}: ${JSON.stringify(criteria.interests)}` : '',
        criteria.locale ? `${t.locale}: ${criteria.locale}` : '',
      ]
        .filter(Boolean)
        .join(' · ')
    : t.none;
  return page(
    viewer,
    'lists',
    list.name,
    `<p class="muted">${e(t.listTitle)}</p><h1>${e(list.name)}</h1>` +
      `<dl><dt>${e(t.criteria)}</dt><dd>${e(describe)}</dd><dt>${e(t.staticMembers)}</dt><dd>${num(list.contactIds.length, viewer)}</dd></dl>` +
      `<h2>${e(t.columns.members)}</h2>` +
      (members.length
        ? table(
            t.columns.members,
            [t.columns.email],
            members.map(
              (m) =>
                `<tr><td><a href="/console/contacts/${e(m.contactId)}">${e(m.email ?? m.contactId)}</a></td></tr>`,
            ),
          )
        : `<p>${e(t.noMembers)}</p>`) +
      (nextCursor
        ? `<p><a href="/console/lists/${e(list.id)}?cursor=${encodeURIComponent(nextCursor)}">${e(t.moreMembers)}</a></p>`
        : ''),
  );
};
