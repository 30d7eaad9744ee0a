/**
 * The pages of the mailing wizard: the frame every step shares (its heading, the steps' nav, where
 * its form posts), and the first three steps: configuration, content with a preview, target list.
 * The recipients and send steps are in review-pages.ts. Templates only; the actions call the use
 * cases. Pure.
 */
import type { Rendered } from '#shared/domain/render.ts';
import { fill } from '#shared/pages/strings.ts';
import { audienceChoices, type FormState, hidden, input, radios, select, textarea } from './forms.ts';
import { csrfField, notice } from './layout.ts';
import { e, type Option, page, type Step, steps, type Viewer } from './mailing-pages.ts';
import type { StepWords } from './mailing-strings.ts';
import { type WizardFrameWords, wizardFrameWords, wizardStrings } from './wizard-strings.ts';

/** Where the wizard's forms post: the new mailing's form, or a step of an existing draft. */
export type WizardTarget = { kind: 'new' } | { kind: 'draft'; id: string; name: string };

/** The words the frame of a step shows: a step's words module has them all. */
export type FrameWords = StepWords & WizardFrameWords;

const stepNav = (t: FrameWords, current: Step, target: WizardTarget) =>
  `<nav aria-label="${e(t.wizardLabel)}"><ol class="steps">${steps
    .map((step) => {
      const name = e(t.steps[step]);
      if (step === current) return `<li aria-current="step">${name}</li>`;
      if (target.kind === 'draft')
        return `<li><a href="/console/mailings/${e(target.id)}/${step}">${name}</a></li>`;
      return `<li>${name}</li>`;
    })
    .join('')}</ol></nav>`;

/** A step of the wizard: its heading ("Step n of 5"), the steps' nav, then the step's body. */
export const wizardPage = (
  viewer: Viewer,
  t: FrameWords,
  step: Step,
  target: WizardTarget,
  body: string,
  top = '',
) => {
  const n = steps.indexOf(step) + 1;
  const heading = fill(e(t.stepOf), { n: String(n), name: e(t.steps[step]) });
  const title = target.kind === 'draft' ? target.name : t.newMailing;
  return page(
    viewer,
    `${t.steps[step]} · ${title}`,
    `<p class="muted">${e(title)}</p><h1>${heading}</h1>${stepNav(t, step, target)}${top}${body}`,
  );
};

export const formOpen = (viewer: Viewer, target: WizardTarget, step: Step) =>
  `<form method="post" action="${target.kind === 'new' ? '/console/mailings/new' : `/console/mailings/${e(target.id)}/${step}`}" novalidate>` +
  csrfField(viewer.csrf) +
  (target.kind === 'new' ? hidden('step', step) : '');

/** The values of the steps before this one, carried through a new mailing's forms. */
const carried = (values: Record<string, string>, names: readonly string[]) =>
  names.map((name) => hidden(name, values[name] ?? '')).join('');

export const configurationFields = ['name', 'from', 'subscriptionTypeId'] as const;
export const contentFields = ['subject', 'text', 'html', 'links'] as const;

export const problems = (t: { fixFields: string }, state: FormState) =>
  Object.keys(state.errors).length ? notice(e(t.fixFields), 'bad') : '';

export const configurationStep = (
  viewer: Viewer,
  target: WizardTarget,
  state: FormState,
  types: readonly Option[],
) => {
  const t = wizardStrings[viewer.language];
  return wizardPage(
    viewer,
    t,
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
  return wizardPage(
    viewer,
    t,
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
  return wizardPage(
    viewer,
    t,
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

/**
 * A step's form posted to a mailing that is no longer a draft (sent from another tab, say): 409,
 * saying so (`notDraft` unless the step says more), with the way to its progress.
 */
export const notDraftPage = (
  viewer: Viewer,
  mailing: { id: string; name: string },
  text = wizardFrameWords[viewer.language].notDraft,
) => {
  const t = wizardFrameWords[viewer.language];
  return page(
    viewer,
    mailing.name,
    `<p class="muted">${e(mailing.name)}</p><h1>${e(mailing.name)}</h1>${notice(e(text), 'warn')}` +
      `<p><a class="button" href="/console/mailings/${e(mailing.id)}">${e(t.toProgress)}</a></p>`,
  );
};
