/**
 * The audience pages of the console: contacts (consent, subscriptions and their history), types,
 * lists, suppressions and settings. Templates only; the actions call the use cases. Pure.
 */
import { fill } from '#shared/pages/strings.ts';
import { barChart, lineChart } from './charts.ts';
import { checkbox, type FormState, input, radios, select, textarea } from './forms.ts';
import { consolePage, csrfField, escapeHtml, notice, type Section } from './layout.ts';
import type { Option, Viewer } from './mailing-pages.ts';
import { type ConsoleStrings, consoleStrings } from './strings.ts';

const e = escapeHtml;
const date = (iso: string | undefined | null, viewer: Viewer) =>
  iso
    ? `${new Date(iso).toLocaleString(viewer.language === 'sv' ? 'sv-SE' : 'en-GB', { timeZone: 'UTC' })} UTC`
    : '';
const num = (n: number, viewer: Viewer) => n.toLocaleString(viewer.language === 'sv' ? 'sv-SE' : 'en-GB');

type Message = { text: string; tone: 'ok' | 'warn' | 'bad' } | undefined;

const page = (viewer: Viewer, section: Section, title: string, body: string, message?: Message) =>
  consolePage({
    language: viewer.language,
    title,
    body: (message ? notice(e(message.text), message.tone) : '') + body,
    signedIn: { actor: viewer.actor, csrf: viewer.csrf, section },
  });

const problems = (t: ConsoleStrings, state: FormState | undefined) =>
  state && Object.keys(state.errors).length ? notice(e(t.fixFields), 'bad') : '';

const table = (caption: string, head: readonly string[], rows: readonly string[]) =>
  `<div class="table-wrap"><table><caption>${e(caption)}</caption><thead><tr>${head
    .map((h) => `<th scope="col">${e(h)}</th>`)
    .join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;

// ---------------------------------------------------------------------------------------------
// Contacts

export const contactsPage = (
  viewer: Viewer,
  state: FormState,
  found: { id: string; email: string } | null | undefined,
  message?: Message,
) => {
  const t = consoleStrings[viewer.language];
  return page(
    viewer,
    'contacts',
    t.contactsTitle,
    `<h1>${e(t.contactsTitle)}</h1>` +
      `<form method="get" action="/console/contacts" role="search" novalidate>` +
      input({ name: 'email', label: t.findContact, type: 'email', state, autocomplete: 'off' }) +
      `<button type="submit">${e(t.find)}</button></form>` +
      (found ? `<p><a href="/console/contacts/${e(found.id)}">${e(found.email)}</a></p>` : '') +
      (found === null ? `<p role="status">${e(t.noContact)}</p>` : ''),
    message,
  );
};

export interface ContactView {
  contact: {
    id: string;
    email: string;
    firstName: string | null;
    lastName: string | null;
    locale: string | null;
    interests: readonly string[];
    consent: {
      status: string;
      legalBasis?: string | null | undefined;
      source?: string | null | undefined;
      at?: string | null | undefined;
    };
    subscriptions: Record<
      string,
      { status: string; source?: string | null | undefined; at?: string | null | undefined }
    >;
  };
  typeNames: Record<string, string>;
  history: ReadonlyArray<{
    at: string;
    change: string;
    typeId?: string | undefined;
    from: string | null;
    to: string | null;
    source: string;
    actor: string;
    evidence?: Record<string, unknown> | undefined;
    reason?: string | undefined;
    mailingId?: string | undefined;
  }>;
  nextCursor: string | null;
  canErase: boolean;
  eraseState?: FormState | undefined;
}

const evidenceText = (evidence: Record<string, unknown> | undefined) =>
  evidence
    ? Object.entries(evidence)
        .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
        .join('; ')
    : '';

export const contactPage = (viewer: Viewer, view: ContactView, message?: Message) => {
  const t = consoleStrings[viewer.language];
  const c = view.contact;
  const name = [c.firstName, c.lastName].filter(Boolean).join(' ');
  const subs = Object.entries(c.subscriptions);
  const subsTable = subs.length
    ? table(
        t.subscriptions,
        [t.columns.type, t.columns.status, t.columns.source, t.columns.when],
        subs.map(
          ([typeId, s]) =>
            `<tr><td>${e(view.typeNames[typeId] ?? typeId)}</td><td>${e(t.subscriptionStatuses[s.status] ?? s.status)}</td><td>${e(s.source ?? '')}</td><td>${e(date(s.at, viewer))}</td></tr>`,
        ),
      )
    : `<p>${e(t.noSubscriptions)}</p>`;
  const historyTable = table(
    t.history,
    [
      t.columns.when,
      t.columns.change,
      t.columns.from,
      t.columns.to,
      t.columns.source,
      t.columns.actor,
      t.columns.evidence,
    ],
    view.history.map(
      (h) =>
        `<tr><td>${e(date(h.at, viewer))}</td><td>${e(h.change)}${h.typeId ? ` · ${e(view.typeNames[h.typeId] ?? h.typeId)}` : ''}</td>` +
        `<td>${e(h.from ?? t.none)}</td><td>${e(h.to ?? t.none)}</td><td>${e(h.source)}</td><td>${e(h.actor)}</td>` +
        `<td>${e([evidenceText(h.evidence), h.reason ?? '', h.mailingId ? `mailing ${h.mailingId}` : ''].filter(Boolean).join('; '))}</td></tr>`,
    ),
  );
  const erase = view.canErase
    ? `<form method="post" action="/console/contacts/${e(c.id)}" novalidate>${csrfField(viewer.csrf)}` +
      `<fieldset><legend>${e(t.erase)}</legend>` +
      checkbox({
        name: 'confirm',
        label: t.eraseConfirm,
        state: view.eraseState ?? { values: {}, errors: {} },
      }) +
      `<button type="submit" class="danger" name="action" value="erase">${e(t.erase)}</button></fieldset></form>`
    : '';
  return page(
    viewer,
    'contacts',
    `${t.contactTitle} · ${c.email}`,
    `<p class="muted">${e(t.contactTitle)}</p><h1>${e(c.email)}</h1>` +
      problems(t, view.eraseState) +
      `<dl><dt>${e(t.name)}</dt><dd>${e(name || t.none)}</dd><dt>${e(t.locale)}</dt><dd>${e(c.locale ?? t.none)}</dd>` +
      `<dt>${e(t.consent)}</dt><dd>${e(t.consentStatuses[c.consent.status] ?? c.consent.status)}${c.consent.legalBasis ? ` (${e(c.consent.legalBasis)})` : ''}${c.consent.source ? ` · ${e(c.consent.source)}` : ''}${c.consent.at ? ` · ${e(date(c.consent.at, viewer))}` : ''}</dd>` +
      `<dt>${e(t.interests)}</dt><dd>${e(c.interests.join(', ') || t.none)}</dd></dl>` +
      `<h2>${e(t.subscriptions)}</h2>${subsTable}` +
      `<h2>${e(t.history)}</h2>${historyTable}` +
      (view.nextCursor
        ? `<p><a href="/console/contacts/${e(c.id)}?cursor=${encodeURIComponent(view.nextCursor)}">${e(t.moreHistory)}</a></p>`
        : '') +
      `<form method="post" action="/console/contacts/${e(c.id)}">${csrfField(viewer.csrf)}<button type="submit" name="action" value="privacy_email">${e(t.privacyEmail)}</button></form>` +
      `<p><a href="/console/contacts/${e(c.id)}/export" download>${e(t.exportContact)}</a></p>` +
      erase,
    message,
  );
};

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

const typeForm = (t: ConsoleStrings, state: FormState, withArchive: boolean) =>
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
  const t = consoleStrings[viewer.language];
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
  const t = consoleStrings[viewer.language];
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

const lineChartOf = (t: ConsoleStrings, days: ReadonlyArray<{ date: string; total: number }>) => {
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
  const t = consoleStrings[viewer.language];
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
        options: [
          {
            value: 'selection',
            label: t.buildSelection,
            body:
              select({
                name: 'selectionType',
                label: t.selectionType,
                state,
                placeholder: t.chooseType,
                options: types,
              }) +
              input({ name: 'interests', label: t.selectionInterests, state }) +
              input({ name: 'locale', label: t.selectionLocale, state }),
          },
          {
            value: 'static',
            label: t.buildStatic,
            body: textarea({ name: 'addresses', label: t.staticAddresses, state, rows: 4 }),
          },
        ],
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
  const t = consoleStrings[viewer.language];
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

// ---------------------------------------------------------------------------------------------
// Suppressions

export const suppressionsPage = (
  viewer: Viewer,
  view: {
    findState: FormState;
    found?: { id: string; reason: string; at: string } | null | undefined;
    canChange: boolean;
    addState: FormState;
  },
  message?: Message,
) => {
  const t = consoleStrings[viewer.language];
  const found = view.found
    ? `<p role="status">${fill(e(t.suppressedSince), { at: e(date(view.found.at, viewer)), reason: e(t.suppressionReasons[view.found.reason] ?? view.found.reason) })}</p>` +
      (view.canChange
        ? `<form method="post" action="/console/suppressions">${csrfField(viewer.csrf)}<input type="hidden" name="id" value="${e(view.found.id)}"><input type="hidden" name="email" value="${e(view.findState.values.email ?? '')}"><button type="submit" class="danger" name="action" value="lift">${e(t.lift)}</button></form>`
        : '')
    : view.found === null
      ? `<p role="status">${e(t.notSuppressed)}</p>`
      : '';
  const reasons = ['manual', 'hard_bounce', 'soft_bounce', 'complaint'].map((r) => ({
    value: r,
    label: t.suppressionReasons[r] ?? r,
  }));
  return page(
    viewer,
    'suppressions',
    t.suppressionsTitle,
    `<h1>${e(t.suppressionsTitle)}</h1><p>${e(t.suppressionsIntro)}</p>` +
      `<form method="get" action="/console/suppressions" role="search" novalidate>` +
      input({
        name: 'email',
        label: t.findSuppression,
        type: 'email',
        state: view.findState,
        autocomplete: 'off',
      }) +
      `<button type="submit">${e(t.find)}</button></form>${found}` +
      (view.canChange
        ? `<h2 id="add-suppression">${e(t.addSuppression)}</h2>${problems(t, view.addState)}` +
          `<form method="post" action="/console/suppressions" novalidate aria-labelledby="add-suppression">${csrfField(viewer.csrf)}` +
          input({
            name: 'newEmail',
            label: t.email,
            type: 'email',
            state: view.addState,
            autocomplete: 'off',
          }) +
          select({ name: 'reason', label: t.suppressionReason, state: view.addState, options: reasons }) +
          `<button type="submit" name="action" value="add">${e(t.suppress)}</button></form>`
        : ''),
    message,
  );
};

// ---------------------------------------------------------------------------------------------
// Settings

export interface SettingsView {
  privacy: { enabled: boolean; updatedAt: string | null; updatedBy: string | null };
  bounce: Record<'hard' | 'soft' | 'complaint', { count: number; windowDays: number; action: string }>;
  canChangePrivacy: boolean;
  canChangeBounce: boolean;
  bounceState?: FormState | undefined;
}

export const settingsPage = (viewer: Viewer, view: SettingsView, message?: Message) => {
  const t = consoleStrings[viewer.language];
  const p = view.privacy;
  const changed = p.updatedAt
    ? fill(e(t.privacyChanged), { when: e(date(p.updatedAt, viewer)), who: e(p.updatedBy ?? '') })
    : e(t.privacyNeverChanged);
  const privacy =
    `<h2 id="privacy">${e(t.privacyTitle)}</h2>` +
    `<p><strong>${e(p.enabled ? t.privacyOn : t.privacyOff)}</strong></p><p>${changed}</p>` +
    (view.canChangePrivacy
      ? `<form method="post" action="/console/settings" aria-labelledby="privacy">${csrfField(viewer.csrf)}` +
        radios({
          name: 'enabled',
          legend: t.privacySwitch,
          state: { values: { enabled: p.enabled ? 'on' : 'off' }, errors: {} },
          options: [
            { value: 'on', label: `${t.privacyTurnOn}: ${t.privacyOn}` },
            { value: 'off', label: `${t.privacyTurnOff}: ${t.privacyOff}` },
          ],
        }) +
        `<button type="submit" name="action" value="privacy">${e(t.save)}</button></form>`
      : `<p class="muted">${e(t.privacyAdminOnly)}</p>`);
  const kinds = ['hard', 'soft', 'complaint'] as const;
  const actions = Object.entries(t.bounceActions).map(([value, label]) => ({ value, label }));
  const state: FormState = view.bounceState ?? {
    values: Object.fromEntries(
      kinds.flatMap((k) => [
        [`${k}Count`, String(view.bounce[k].count)],
        [`${k}WindowDays`, String(view.bounce[k].windowDays)],
        [`${k}Action`, view.bounce[k].action],
      ]),
    ),
    errors: {},
  };
  const bounce =
    `<h2 id="bounce">${e(t.bounceTitle)}</h2><p>${e(t.bounceIntro)}</p>` +
    (view.canChangeBounce
      ? `${problems(t, view.bounceState)}<form method="post" action="/console/settings" novalidate aria-labelledby="bounce">${csrfField(viewer.csrf)}` +
        kinds
          .map(
            (k) =>
              `<fieldset><legend>${e(t.bounceKinds[k] ?? k)}</legend>` +
              input({ name: `${k}Count`, label: t.bounceCount, type: 'number', state }) +
              input({ name: `${k}WindowDays`, label: t.bounceWindow, type: 'number', state }) +
              select({ name: `${k}Action`, label: t.bounceAction, state, options: actions }) +
              '</fieldset>',
          )
          .join('') +
        `<button type="submit" name="action" value="bounce">${e(t.save)}</button></form>`
      : table(
          t.bounceTitle,
          [t.bounceTitle, t.bounceCount, t.bounceWindow, t.bounceAction],
          kinds.map(
            (k) =>
              `<tr><th scope="row">${e(t.bounceKinds[k] ?? k)}</th><td class="num">${view.bounce[k].count}</td><td class="num">${view.bounce[k].windowDays}</td><td>${e(t.bounceActions[view.bounce[k].action] ?? view.bounce[k].action)}</td></tr>`,
          ),
        ));
  return page(
    viewer,
    'settings',
    t.settingsTitle,
    `<h1>${e(t.settingsTitle)}</h1>${privacy}${bounce}`,
    message,
  );
};
