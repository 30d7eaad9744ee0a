/**
 * The subscription type and list pages of the console: types with their report, target lists and
 * their members. Templates only; the actions call the use cases. Pure.
 */
import { fill } from '#shared/pages/strings.ts';
import { date, e, type Message, num, page, problems, table } from './audience-parts.ts';
import { barChart, lineChart } from './charts.ts';
import { audienceChoices, checkbox, type FormState, input, radios, textarea } from './forms.ts';
import { csrfField } from './layout.ts';
import type { Option, Viewer } from './mailing-pages.ts';
import { type TypeStrings, typeStrings } from './type-strings.ts';

// ---------------------------------------------------------------------------------------------
// Subscription types

export interface TypeRow {
  id: string;
  name: string;
  description: string;
  public: boolean;
  doubleOptIn: boolean;
  archived: boolean;
  translations?: Record<string, { name?: string | undefined; description?: string | undefined }> | undefined;
}

const typeForm = (t: TypeStrings, state: FormState, withArchive: boolean) =>
  input({ name: 'name', label: t.typeName, state, required: true }) +
  textarea({ name: 'description', label: t.typeDescription, state, rows: 2 }) +
  checkbox({ name: 'public', label: t.typePublic, state }) +
  checkbox({ name: 'doubleOptIn', label: t.typeDoubleOptIn, state }) +
  (withArchive ? checkbox({ name: 'archived', label: t.typeArchived, state }) : '') +
  textarea({ name: 'translations', label: t.translations, hint: t.translationsHint, state, rows: 3 });

export const typesPage = (
  viewer: Viewer,
  types: readonly TypeRow[],
  nextCursor: string | null,
  state: FormState,
  message?: Message,
) => {
  const t = typeStrings[viewer.language];
  return page(
    viewer,
    'types',
    t.typesTitle,
    `<h1>${e(t.typesTitle)}</h1>` +
      table(
        t.typesTitle,
        [t.columns.name, t.columns.public, t.columns.archived],
        types.map(
          (type) =>
            `<tr><td><a href="/console/types/${e(type.id)}">${e(type.name)}</a></td><td>${e(type.public ? t.yes : t.no)}</td><td>${e(type.archived ? t.yes : t.no)}</td></tr>`,
        ),
      ) +
      (nextCursor
        ? `<p><a href="/console/types?cursor=${encodeURIComponent(nextCursor)}">${e(t.next)}</a></p>`
        : '') +
      `<h2 id="create-type">${e(t.createType)}</h2>${problems(t, state)}` +
      `<form method="post" action="/console/types" novalidate aria-labelledby="create-type">${csrfField(viewer.csrf)}${typeForm(t, state, false)}<button type="submit">${e(t.createType)}</button></form>`,
    message,
  );
};

export interface TypeStats {
  subscribers: number;
  /** Subscribers per day, when the type report provides them. */
  days?: ReadonlyArray<{ date: string; total: number }> | undefined;
  /** Unsubscribes by source, when the type report provides them. */
  unsubscribes?: Record<string, number> | undefined;
  /** The type's latest mailings and how they went. */
  mailings: ReadonlyArray<{ id: string; name: string; sent: number; delivered: number }>;
  /** What the page cannot show yet, and why. */
  note?: string | undefined;
}

export const typePage = (
  viewer: Viewer,
  type: TypeRow,
  state: FormState,
  stats: TypeStats,
  message?: Message,
) => {
  const t = typeStrings[viewer.language];
  const sources = Object.entries(stats.unsubscribes ?? {});
  const days = stats.days ?? [];
  const over = days.length
    ? `<h2>${e(t.typeReport)}</h2><div class="chart">${lineChartOf(t, days)}${table(
        t.typeReport,
        [t.columns.date, t.columns.subscribers],
        days.map((d) => `<tr><td>${e(d.date)}</td><td class="num">${num(d.total, viewer)}</td></tr>`),
      )}</div>`
    : '';
  const unsubscribes = stats.unsubscribes
    ? `<h2>${e(t.unsubscribesBySource)}</h2><div class="chart">${barChart({
        id: 'unsubscribes',
        title: t.unsubscribesBySource,
        description: fill(t.chartAlt, { summary: sources.map(([s, n]) => `${s} ${n}`).join(', ') || '0' }),
        bars: sources.map(([source, value]) => ({ label: source, value })),
      })}${table(
        t.unsubscribesBySource,
        [t.columns.source, t.columns.count],
        sources.map(
          ([s, n]) => `<tr><th scope="row">${e(s)}</th><td class="num">${num(n, viewer)}</td></tr>`,
        ),
      )}</div>`
    : '';
  const mailings = stats.mailings.length
    ? `<h2>${e(t.typeMailings)}</h2><div class="chart">${barChart({
        id: 'type-mailings',
        title: t.typeMailings,
        description: fill(t.chartAlt, {
          summary: stats.mailings.map((m) => `${m.name}: ${m.sent} / ${m.delivered}`).join(', '),
        }),
        bars: stats.mailings.map((m) => ({
          label: m.name.slice(0, 24),
          value: m.delivered,
          display: `${m.delivered} / ${m.sent}`,
        })),
        max: Math.max(1, ...stats.mailings.map((m) => m.sent)),
      })}${table(
        t.typeMailingsCaption,
        [t.columns.name, t.counts.sent ?? '', t.counts.delivered ?? ''],
        stats.mailings.map(
          (m) =>
            `<tr><th scope="row"><a href="/console/mailings/${e(m.id)}">${e(m.name)}</a></th><td class="num">${num(m.sent, viewer)}</td><td class="num">${num(m.delivered, viewer)}</td></tr>`,
        ),
      )}</div>`
    : '';
  return page(
    viewer,
    'types',
    type.name,
    `<p class="muted">${e(t.typesTitle)}</p><h1>${e(type.name)}</h1>${problems(t, state)}` +
      `<ul class="cards"><li><span class="n">${num(stats.subscribers, viewer)}</span>${e(t.subscribersNow)}</li></ul>` +
      (stats.note ? `<p class="hint">${e(stats.note)}</p>` : '') +
      over +
      unsubscribes +
      mailings +
      `<h2>${e(t.save)}</h2>` +
      `<form method="post" action="/console/types/${e(type.id)}" novalidate>${csrfField(viewer.csrf)}${typeForm(t, state, true)}<button type="submit">${e(t.save)}</button></form>`,
    message,
  );
};

const lineChartOf = (t: TypeStrings, days: ReadonlyArray<{ date: string; total: number }>) => {
  const first = days[0];
  const last = days.at(-1);
  return lineChart({
    id: 'subscribers',
    title: t.typeReport,
    description: fill(t.chartAlt, {
      summary: `${first?.date} ${first?.total} … ${last?.date} ${last?.total}`,
    }),
    points: days.map((d) => ({ label: d.date, value: d.total })),
  });
};

// ---------------------------------------------------------------------------------------------
// Lists

export const listsPage = (
  viewer: Viewer,
  lists: ReadonlyArray<{ id: string; name: string; createdAt: string }>,
  nextCursor: string | null,
  state: FormState,
  types: readonly Option[],
  message?: Message,
) => {
  const t = typeStrings[viewer.language];
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
  const t = typeStrings[viewer.language];
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
