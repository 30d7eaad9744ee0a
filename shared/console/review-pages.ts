/**
 * The last two pages of the mailing wizard: recipients (the report, and the consent override for
 * admins) and send, in the frame every step shares (wizard-pages.ts). Templates only; the actions
 * call the use cases. Pure.
 */
import { fill } from '#shared/pages/strings.ts';
import { checkbox, type FormState, textarea } from './forms.ts';
import { csrfField, notice } from './layout.ts';
import { e, type MailingSummary, num, page, type Viewer } from './mailing-pages.ts';
import { type RecipientsStrings, recipientsStrings, sendStrings } from './review-strings.ts';
import { type WizardTarget, wizardPage } from './wizard-pages.ts';

export interface ReportRow {
  contactId: string;
  email: string | null;
  verdict: 'included' | 'excluded';
  reason: string;
  status: string;
  detail?: string | undefined;
}

export interface RecipientsView {
  mailing: MailingSummary;
  rows: readonly ReportRow[];
  nextCursor: string | null;
  reason: string | undefined;
  cursor: string | undefined;
  /** For admins deciding on the override of a draft: how many it would reach. */
  reach?: { without: number; with: number } | undefined;
  /** The override form, when it came back with an error. */
  overrideState?: FormState | undefined;
  canOverride: boolean;
}

const reasonText = (t: RecipientsStrings, reason: string, detail?: string) => {
  const base = t.reasons[reason] ?? reason;
  if (reason === 'suppressed' && detail) return `${base}: ${t.suppressionReasons[detail] ?? detail}`;
  return base;
};

export const recipientsStep = (viewer: Viewer, view: RecipientsView) => {
  const t = recipientsStrings[viewer.language];
  const { mailing } = view;
  const l = viewer.language;
  const base = `/console/mailings/${e(mailing.id)}/recipients`;
  const total = mailing.counts.eligible + mailing.counts.excluded;
  const summary = fill(e(t.recipientsSummary), {
    eligible: num(mailing.counts.eligible, l),
    total: num(total, l),
    excluded: num(mailing.counts.excluded, l),
  });
  const reasons = Object.entries(mailing.reasons).sort((a, b) => b[1] - a[1]);
  const verdictOf = (reason: string) =>
    ['eligible', 'privacy_off', 'override'].includes(reason) ? 'included' : 'excluded';
  const reasonTable =
    `<div class="table-wrap"><table><caption>${e(t.countsByReason)}</caption><thead><tr><th scope="col">${e(t.columns.reason)}</th><th scope="col">${e(t.columns.verdict)}</th><th scope="col" class="num">${e(t.columns.count)}</th></tr></thead><tbody>` +
    reasons
      .map(
        ([reason, count]) =>
          `<tr><th scope="row"><a href="${base}?reason=${encodeURIComponent(reason)}">${e(reasonText(t, reason))}</a></th><td>${e(t.verdicts[verdictOf(reason)])}</td><td class="num">${num(count, l)}</td></tr>`,
      )
      .join('') +
    '</tbody></table></div>';
  const filters =
    `<nav aria-label="${e(t.filterLabel)}"><ul class="filters"><li>${e(t.filterLabel)}:</li>` +
    `<li><a href="${base}"${view.reason ? '' : ' aria-current="true"'}>${e(t.everyone)}</a></li>` +
    reasons
      .map(
        ([reason, count]) =>
          `<li><a href="${base}?reason=${encodeURIComponent(reason)}"${view.reason === reason ? ' aria-current="true"' : ''}>${e(reasonText(t, reason))} (${num(count, l)})</a></li>`,
      )
      .join('') +
    '</ul></nav>';
  const rows = view.rows.length
    ? `<div class="table-wrap"><table><caption>${e(t.recipientRows)}${view.reason ? ` · ${e(reasonText(t, view.reason))}` : ''}</caption><thead><tr><th scope="col">${e(t.columns.email)}</th><th scope="col">${e(t.columns.verdict)}</th><th scope="col">${e(t.columns.reason)}</th><th scope="col">${e(t.columns.status)}</th></tr></thead><tbody>` +
      view.rows
        .map(
          (row) =>
            `<tr><td>${row.email ? `<a href="/console/contacts/${e(row.contactId)}">${e(row.email)}</a>` : e(t.reasons.erased ?? '')}</td>` +
            `<td><span class="pill ${row.verdict === 'included' ? 'ok' : 'bad'}">${e(t.verdicts[row.verdict])}</span></td>` +
            `<td>${e(reasonText(t, row.reason, row.detail))}</td><td>${e(t.rowStatuses[row.status] ?? row.status)}</td></tr>`,
        )
        .join('') +
      '</tbody></table></div>'
    : `<p>${e(t.noRows)}</p>`;
  const reasonQuery = view.reason ? `reason=${encodeURIComponent(view.reason)}&` : '';
  const pager =
    (view.cursor
      ? `<a href="${base}${view.reason ? `?reason=${encodeURIComponent(view.reason)}` : ''}">${e(t.firstPage)}</a> `
      : '') +
    (view.nextCursor
      ? `<a href="${base}?${reasonQuery}cursor=${encodeURIComponent(view.nextCursor)}">${e(t.nextPage)}</a>`
      : '');
  const draft = mailing.status === 'draft';
  let override = '';
  if (draft && view.canOverride) {
    const state = view.overrideState ?? {
      values: {
        overrideConsent: mailing.overrideConsent ? 'on' : '',
        overrideReason: mailing.overrideReason ?? '',
      },
      errors: {},
    };
    override =
      `<form method="post" action="${base}" novalidate>${csrfField(viewer.csrf)}<fieldset><legend>${e(t.overrideLegend)}</legend>` +
      (view.reach
        ? `<p id="override-reach">${fill(e(t.overrideReach), {
            more: num(Math.max(0, view.reach.with - view.reach.without), l),
            with: num(view.reach.with, l),
            without: num(view.reach.without, l),
          })}</p>`
        : '') +
      checkbox({ name: 'overrideConsent', label: t.overrideLabel, state }) +
      textarea({ name: 'overrideReason', label: t.overrideReason, state, rows: 2 }) +
      `<button type="submit" name="action" value="override">${e(t.overrideSave)}</button></fieldset></form>`;
  } else if (draft && mailing.overrideConsent) {
    override = notice(e(t.overrideNeedsAdmin), 'warn');
  }
  const overrideState =
    draft && mailing.overrideConsent && view.canOverride
      ? `<p>${fill(e(t.overrideIsOn), { reason: e(mailing.overrideReason ?? '') })}</p>`
      : '';
  const next = draft
    ? `<p><a class="button" href="/console/mailings/${e(mailing.id)}/send">${e(t.toSend)}</a></p>`
    : `<p><a href="/console/mailings/${e(mailing.id)}">${e(t.toProgress)}</a></p>`;
  const body =
    `<p>${summary}</p>` +
    (mailing.countsComplete ? '' : `<p class="hint">${e(t.countsIncomplete)}</p>`) +
    overrideState +
    reasonTable +
    override +
    next +
    `<h2>${e(t.recipientRows)}</h2>` +
    filters +
    rows +
    (pager ? `<p>${pager}</p>` : '');
  const problemsTop =
    view.overrideState && Object.keys(view.overrideState.errors).length ? notice(e(t.fixFields), 'bad') : '';
  if (!draft)
    return page(
      viewer,
      `${t.steps.recipients} · ${mailing.name}`,
      `<p class="muted">${e(mailing.name)}</p><h1>${e(t.steps.recipients)}</h1>${body}`,
    );
  return wizardPage(
    viewer,
    t,
    'recipients',
    { kind: 'draft', id: mailing.id, name: mailing.name },
    body,
    problemsTop,
  );
};

export interface SendView {
  mailing: RecipientsView['mailing'];
  /** Set when the page answers a send that could not happen. */
  refusal?: string | undefined;
  /** With the override on: how many the rule reaches without it and with it. */
  reach?: { without: number; with: number } | undefined;
}

export const sendStep = (viewer: Viewer, view: SendView) => {
  const t = sendStrings[viewer.language];
  const { mailing } = view;
  const l = viewer.language;
  const target: WizardTarget = { kind: 'draft', id: mailing.id, name: mailing.name };
  const confirm = fill(e(t.sendConfirm), {
    name: e(mailing.name),
    eligible: num(mailing.counts.eligible, l),
    excluded: num(mailing.counts.excluded, l),
  });
  const onlyByOverride = view.reach ? Math.max(0, view.reach.with - view.reach.without) : 0;
  const body =
    (view.refusal ? notice(e(view.refusal), 'bad') : '') +
    (mailing.counts.eligible === 0
      ? notice(e(t.sendNobody), 'warn')
      : `<p>${confirm}</p>` +
        (mailing.overrideConsent
          ? `<p>${fill(e(t.sendWithOverride), { override: num(onlyByOverride, l) })}</p>`
          : '') +
        // The button is always there: the send itself decides who may send what (a refusal says why).
        `<form method="post" action="/console/mailings/${e(mailing.id)}/send">${csrfField(viewer.csrf)}<button type="submit">${e(t.sendNow)}</button>` +
        `<a class="button secondary" href="/console/mailings/${e(mailing.id)}/recipients">${e(t.back)}</a></form>`);
  return wizardPage(viewer, t, 'send', target, body);
};
