/**
 * The subscription type pages of the console: the types, and a type with its report and latest
 * mailings. Templates only; the actions call the use cases. Pure.
 */
import { fill } from '#shared/pages/strings.ts';
import { e, type Message, num, page, problems, table } from './audience-parts.ts';
import { barChart, lineChart } from './charts.ts';
import { checkbox, type FormState, input, textarea } from './forms.ts';
import { csrfField } from './layout.ts';
import type { Viewer } from './mailing-pages.ts';
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
