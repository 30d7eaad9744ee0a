/**
 * The contact pages of the console: find a contact by address; a contact with consent,
 * subscriptions and their history. Templates only; the actions call the use cases. Pure.
 */
import { date, e, type Message, page, problems, table } from './audience-parts.ts';
import { checkbox, type FormState, input } from './forms.ts';
import { csrfField } from './layout.ts';
import type { Viewer } from './mailing-pages.ts';
import { contactStrings } from './contact-strings.ts';

export const contactsPage = (
  viewer: Viewer,
  state: FormState,
  found: { id: string; email: string } | null | undefined,
  message?: Message,
) => {
  const t = contactStrings[viewer.language];
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
  const t = contactStrings[viewer.language];
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
