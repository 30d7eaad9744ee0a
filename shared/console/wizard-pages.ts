/**
 * The pages of the mailing wizard: configuration, content with a preview, target list, recipients
 * (the report, and the override for admins), send. Templates only; the actions call the use cases.
 * Pure.
 */
import type { Rendered } from '#shared/domain/render.ts';
import { fill } from '#shared/pages/strings.ts';
import {
  audienceChoices,
  checkbox,
  type FormState,
  hidden,
  input,
  radios,
  select,
  textarea,
} from './forms.ts';
import { csrfField, notice } from './layout.ts';
import {
  e,
  type MailingSummary,
  num,
  type Option,
  page,
  type Step,
  steps,
  type Viewer,
} from './mailing-pages.ts';
import { type WizardStrings, wizardStrings } from './wizard-strings.ts';

/** Where the wizard's forms post: the new mailing's form, or a step of an existing draft. */
export type WizardTarget = { kind: 'new' } | { kind: 'draft'; id: string; name: string };

const stepNav = (t: WizardStrings, current: Step, target: WizardTarget) =>
  `<nav aria-label="${e(t.wizardLabel)}"><ol class="steps">${steps
    .map((step) => {
      const name = e(t.steps[step]);
      if (step === current) return `<li aria-current="step">${name}</li>`;
      if (target.kind === 'draft')
        return `<li><a href="/console/mailings/${e(target.id)}/${step}">${name}</a></li>`;
      return `<li>${name}</li>`;
    })
    .join('')}</ol></nav>`;

const wizard = (viewer: Viewer, step: Step, target: WizardTarget, body: string, top = '') => {
  const t = wizardStrings[viewer.language];
  const n = steps.indexOf(step) + 1;
  const heading = fill(e(t.stepOf), { n: String(n), name: e(t.steps[step]) });
  const title = target.kind === 'draft' ? target.name : t.newMailing;
  return page(
    viewer,
    `${t.steps[step]} · ${title}`,
    `<p class="muted">${e(title)}</p><h1>${heading}</h1>${stepNav(t, step, target)}${top}${body}`,
  );
};

const formOpen = (viewer: Viewer, target: WizardTarget, step: Step) =>
  `<form method="post" action="${target.kind === 'new' ? '/console/mailings/new' : `/console/mailings/${e(target.id)}/${step}`}" novalidate>` +
  csrfField(viewer.csrf) +
  (target.kind === 'new' ? hidden('step', step) : '');

/** The values of the steps before this one, carried through a new mailing's forms. */
const carried = (values: Record<string, string>, names: readonly string[]) =>
  names.map((name) => hidden(name, values[name] ?? '')).join('');

export const configurationFields = ['name', 'from', 'subscriptionTypeId'] as const;
export const contentFields = ['subject', 'text', 'html', 'links'] as const;

const problems = (t: WizardStrings, state: FormState) =>
  Object.keys(state.errors).length ? notice(e(t.fixFields), 'bad') : '';

export const configurationStep = (
  viewer: Viewer,
  target: WizardTarget,
  state: FormState,
  types: readonly Option[],
) => {
  const t = wizardStrings[viewer.language];
  return wizard(
    viewer,
    'configuration',
    target,
    formOpen(viewer, target, 'configuration') +
      (target.kind === 'new' ? carried(state.values, [...contentFields, 'previewEmail']) : '') +
      input({ name: 'name', label: t.mailingName, hint: t.mailingNameHint, state, required: true }) +
      input({
        name: 'from',
        label: t.sender,
        hint: t.senderHint,
        state,
        required: true,
        autocomplete: 'email',
      }) +
      select({
        name: 'subscriptionTypeId',
        label: t.subscriptionType,
        hint: t.subscriptionTypeHint,
        state,
        required: true,
        placeholder: t.chooseType,
        options: types,
      }) +
      `<button type="submit" name="action" value="next">${e(t.next)}</button></form>`,
    problems(t, state),
  );
};

export const contentStep = (
  viewer: Viewer,
  target: WizardTarget,
  state: FormState,
  preview?: { email: string; rendered: Rendered | undefined },
) => {
  const t = wizardStrings[viewer.language];
  const shown = preview
    ? `<section aria-labelledby="preview-h"><h2 id="preview-h">${fill(e(t.previewTitle), { email: e(preview.email) })}</h2>` +
      (preview.rendered
        ? `<p class="hint">${e(t.previewNote)}</p><dl><dt>${e(t.subject)}</dt><dd>${e(preview.rendered.subject)}</dd></dl>` +
          `<h3>${e(t.textBody)}</h3><pre>${e(preview.rendered.text)}</pre>` +
          (preview.rendered.html ? `<h3>${e(t.previewHtml)}</h3><pre>${e(preview.rendered.html)}</pre>` : '')
        : notice(e(t.previewUnknown), 'warn')) +
      '</section>'
    : '';
  return wizard(
    viewer,
    'content',
    target,
    formOpen(viewer, target, 'content') +
      (target.kind === 'new' ? carried(state.values, configurationFields) : '') +
      input({ name: 'subject', label: t.subject, state, required: true }) +
      `<p class="hint" id="merge-hint">${e(t.mergeHint)}</p>` +
      textarea({ name: 'text', label: t.textBody, state, required: true, rows: 10 }) +
      textarea({ name: 'html', label: t.htmlBody, state, rows: 8 }) +
      textarea({ name: 'links', label: t.links, hint: t.linksHint, state, rows: 3 }) +
      `<fieldset><legend>${e(t.previewButton)}</legend>` +
      input({ name: 'previewEmail', label: t.previewFor, type: 'email', state, autocomplete: 'off' }) +
      `<button type="submit" class="secondary" name="action" value="preview">${e(t.previewButton)}</button></fieldset>` +
      `<button type="submit" name="action" value="next">${e(t.next)}</button>` +
      (target.kind === 'new'
        ? `<button type="submit" class="secondary" name="action" value="back">${e(t.back)}</button>`
        : `<a class="button secondary" href="/console/mailings/${e(target.id)}/configuration">${e(t.back)}</a>`) +
      '</form>' +
      shown,
    problems(t, state),
  );
};

export const listStep = (
  viewer: Viewer,
  target: WizardTarget,
  state: FormState,
  lists: readonly Option[],
  types: readonly Option[],
) => {
  const t = wizardStrings[viewer.language];
  const existing = lists.length
    ? select({ name: 'listId', label: t.chooseList, state, placeholder: t.chooseList, options: lists })
    : `<p class="hint">${e(t.noLists)}</p>`;
  return wizard(
    viewer,
    'list',
    target,
    formOpen(viewer, target, 'list') +
      (target.kind === 'new' ? carried(state.values, [...configurationFields, ...contentFields]) : '') +
      radios({
        name: 'listKind',
        legend: t.listChoice,
        state,
        options: [
          { value: 'existing', label: t.useList, body: `<div class="hint">${existing}</div>` },
          ...audienceChoices(t, state, types),
        ],
      }) +
      input({ name: 'listName', label: t.newListName, state }) +
      `<button type="submit" name="action" value="next">${e(target.kind === 'new' ? t.createDraft : t.next)}</button>` +
      (target.kind === 'new'
        ? `<button type="submit" class="secondary" name="action" value="back">${e(t.back)}</button>`
        : `<a class="button secondary" href="/console/mailings/${e(target.id)}/content">${e(t.back)}</a>`) +
      '</form>',
    problems(t, state),
  );
};

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

const reasonText = (t: WizardStrings, reason: string, detail?: string) => {
  const base = t.reasons[reason] ?? reason;
  if (reason === 'suppressed' && detail) return `${base}: ${t.suppressionReasons[detail] ?? detail}`;
  return base;
};

export const recipientsStep = (viewer: Viewer, view: RecipientsView) => {
  const t = wizardStrings[viewer.language];
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
    : `<p><a href="/console/mailings/${e(mailing.id)}">${e(t.progressTitle)}</a></p>`;
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
  return wizard(
    viewer,
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
  const t = wizardStrings[viewer.language];
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
  return wizard(viewer, 'send', target, body);
};
