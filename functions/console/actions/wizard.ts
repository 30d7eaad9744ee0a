/**
 * The mailing wizard's first steps: configuration → content with a preview → target list, for a
 * new mailing (what was typed travels through the three forms until the draft is created) and for a
 * draft. The recipients and send steps are review.ts. Each action parses the form, calls the use
 * case the JSON route calls, and renders; the API's schemas check the forms.
 */
import { ValidationError } from '#shared/domain/errors.ts';
import type { TrackedLink } from '#shared/domain/mailing.ts';
import {
  configurationFields,
  configurationStep,
  contentFields,
  contentStep,
  listStep,
  notDraftPage,
  type WizardTarget,
} from '#shared/console/wizard-pages.ts';
import type { Option } from '#shared/console/mailing-pages.ts';
import { wizardStrings } from '#shared/console/wizard-strings.ts';
import { type ConsoleInput, type ConsoleResponse, html, seeOther } from '#shared/http/console.ts';
import { listLists } from '#shared/use-cases/lists.ts';
import { previewMailing } from '#shared/use-cases/mailing-preview.ts';
import { createDraft, getStoredMailing, updateDraft } from '#shared/use-cases/mailings.ts';
import { listSubscriptionTypes } from '#shared/use-cases/subscription-types.ts';
import { route as createMailingRoute } from '#functions/api/create-mailing.route.ts';
import { route as updateMailingRoute } from '#functions/api/update-mailing.route.ts';
import type { ComposeStep } from '../draft.route.ts';
import { resolveNewList } from './lists.ts';
import {
  checkBody,
  fieldMap,
  fieldOf,
  formErrors,
  type SignedIn,
  signedIn,
  stateOf,
  valuesOf,
  viewerOf,
} from './common.ts';

const listFields = [
  'listKind',
  'listId',
  'listName',
  'selectionType',
  'interests',
  'locale',
  'addresses',
] as const;
const allFields = [...configurationFields, ...contentFields, 'previewEmail', ...listFields];

/** Subscription types a new mailing may name (archived ones take no mailings). */
const typeOptions = async (): Promise<Option[]> =>
  (await listSubscriptionTypes(100)).items
    .filter((t) => !t.archived)
    .map((t) => ({ value: t.id, label: t.name }));

const listOptions = async (): Promise<Option[]> =>
  (await listLists(100)).items.map((l) => ({ value: l.id, label: l.name }));

// ---------------------------------------------------------------------------------------------
// Form ↔ API body

/** `name = https://…` lines → the API's `links`, or the number of the first line that is not. */
const parseLinks = (text: string): { links: Record<string, TrackedLink> } | { badLine: number } => {
  const links: Record<string, TrackedLink> = {};
  const lines = text.split(/\r?\n/);
  for (const [i, line] of lines.entries()) {
    if (!line.trim()) continue;
    const match = /^\s*([^=\s]+)\s*=\s*(\S+)\s*$/.exec(line);
    if (!match?.[1] || !match[2]) return { badLine: i + 1 };
    links[match[1]] = { url: match[2] };
  }
  return { links };
};

const linksText = (links: Readonly<Record<string, TrackedLink>> | undefined) =>
  Object.entries(links ?? {})
    .map(([name, link]) => `${name} = ${link.url}`)
    .join('\n');

/** The API body of what the form says, and the problems found before the API's schema looks. */
const mailingBody = (values: Record<string, string>, language: SignedIn['language']) => {
  const errors: Record<string, string> = {};
  const parsed = parseLinks(values.links ?? '');
  if ('badLine' in parsed)
    errors.links = wizardStrings[language].linksMalformed.replace('{line}', String(parsed.badLine));
  const links = 'links' in parsed && Object.keys(parsed.links).length ? parsed.links : undefined;
  return {
    body: {
      name: values.name ?? '',
      from: values.from ?? '',
      subscriptionTypeId: values.subscriptionTypeId ?? '',
      listId: values.listId ?? '',
      subject: values.subject ?? '',
      text: values.text ?? '',
      ...(values.html?.trim() ? { html: values.html } : {}),
      ...(links ? { links } : {}),
    },
    errors,
  };
};

/** The API's complaints about these fields only (a step checks its own fields, not later ones). */
const stepErrors = (
  values: Record<string, string>,
  language: SignedIn['language'],
  fields: readonly string[],
) => {
  const { body, errors } = mailingBody(values, language);
  try {
    checkBody(createMailingRoute.body, body);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    for (const detail of error.details) {
      const field = fieldOf(detail).split('.')[0] ?? '';
      if (fields.includes(field) && !errors[field]) errors[field] = detail.message ?? error.message;
    }
  }
  return Object.fromEntries(Object.entries(errors).filter(([field]) => fields.includes(field)));
};

const mailingFieldMap = fieldMap([...configurationFields, ...contentFields, 'listId']);

/** The list the form asks for: an existing one, or one made now (lists.ts). */
const resolveList = async (
  input: SignedIn,
  values: Record<string, string>,
): Promise<{ listId: string } | { errors: Record<string, string> }> => {
  if (values.listKind === 'existing' || (!values.listKind && values.listId))
    return { listId: values.listId ?? '' };
  return resolveNewList(input, values);
};

// ---------------------------------------------------------------------------------------------
// A new mailing: steps 1–3 carry what was typed until the draft is created

const newTarget: WizardTarget = { kind: 'new' };

export const newMailingForm = async (raw: ConsoleInput): Promise<ConsoleResponse> => {
  const input = signedIn(raw);
  return html(configurationStep(viewerOf(input), newTarget, stateOf({}), await typeOptions()));
};

export const newMailingStep = async (raw: ConsoleInput): Promise<ConsoleResponse> => {
  const input = signedIn(raw);
  const viewer = viewerOf(input);
  const values = valuesOf(input.form, allFields);
  const step = input.form.get('step');
  const action = input.form.get('action') ?? 'next';
  const showConfiguration = async (errors: Record<string, string> = {}) =>
    html(
      configurationStep(viewer, newTarget, stateOf(values, errors), await typeOptions()),
      Object.keys(errors).length ? 422 : 200,
    );
  const showContent = (errors: Record<string, string> = {}) =>
    html(contentStep(viewer, newTarget, stateOf(values, errors)), Object.keys(errors).length ? 422 : 200);
  const showList = async (errors: Record<string, string> = {}) =>
    html(
      listStep(viewer, newTarget, stateOf(values, errors), await listOptions(), await typeOptions()),
      Object.keys(errors).length ? 422 : 200,
    );

  if (step === 'configuration') {
    const errors = stepErrors(values, input.language, configurationFields);
    return Object.keys(errors).length ? showConfiguration(errors) : showContent();
  }
  if (step === 'content') {
    if (action === 'back') return showConfiguration();
    if (action === 'preview') return preview(input, newTarget, values);
    const errors = stepErrors(values, input.language, contentFields);
    return Object.keys(errors).length ? showContent(errors) : showList();
  }
  if (step === 'list') {
    if (action === 'back') return showContent();
    const list = await resolveList(input, values);
    if ('errors' in list) return showList(list.errors);
    values.listId = list.listId;
    values.listKind = 'existing';
    const { body, errors } = mailingBody(values, input.language);
    if (Object.keys(errors).length) return showContent(errors);
    try {
      const mailing = await createDraft(checkBody(createMailingRoute.body, body), input.session.actor);
      return seeOther(`/console/mailings/${mailing.id}/recipients`);
    } catch (error) {
      const fieldErrors = formErrors(error, mailingFieldMap, 'listId');
      // Back to the step that holds the first field in question.
      if (configurationFields.some((f) => fieldErrors[f])) return showConfiguration(fieldErrors);
      if (contentFields.some((f) => fieldErrors[f])) return showContent(fieldErrors);
      return showList(fieldErrors);
    }
  }
  return showConfiguration();
};

const preview = async (
  input: SignedIn,
  target: WizardTarget,
  values: Record<string, string>,
): Promise<ConsoleResponse> => {
  const viewer = viewerOf(input);
  const email = (values.previewEmail ?? '').trim();
  const { body, errors } = mailingBody(values, input.language);
  if (!email)
    return html(
      contentStep(
        viewer,
        target,
        stateOf(values, { previewEmail: wizardStrings[input.language].previewUnknown }),
      ),
      422,
    );
  try {
    const rendered = await previewMailing(body, email);
    return html(contentStep(viewer, target, stateOf(values, errors), { email, rendered }));
  } catch (error) {
    return html(
      contentStep(
        viewer,
        target,
        stateOf(values, formErrors(error, { previewEmail: 'previewEmail' }, 'previewEmail')),
      ),
      422,
    );
  }
};

// ---------------------------------------------------------------------------------------------
// A draft's first steps: read as stored (its list is resolved at the recipients step, not here)

type Mailing = Awaited<ReturnType<typeof getStoredMailing>>;

const draftTarget = (mailing: Mailing): WizardTarget => ({
  kind: 'draft',
  id: mailing.id,
  name: mailing.name,
});

const draftValues = (mailing: Mailing): Record<string, string> => ({
  name: mailing.name,
  from: mailing.from,
  subscriptionTypeId: mailing.subscriptionTypeId,
  subject: mailing.subject,
  text: mailing.text,
  html: mailing.html ?? '',
  links: linksText(mailing.links),
  listKind: 'existing',
  listId: mailing.listId,
});

export const draftStep = async (raw: ConsoleInput): Promise<ConsoleResponse> => {
  const input = signedIn(raw);
  const { id, step } = input.params as { id: string; step: ComposeStep };
  const mailing = await getStoredMailing(id);
  if (mailing.status !== 'draft') return seeOther(`/console/mailings/${id}`);
  const viewer = viewerOf(input);
  const values = draftValues(mailing);
  switch (step) {
    case 'configuration':
      return html(configurationStep(viewer, draftTarget(mailing), stateOf(values), await typeOptions()));
    case 'content':
      return html(contentStep(viewer, draftTarget(mailing), stateOf(values)));
    case 'list':
      return html(
        listStep(viewer, draftTarget(mailing), stateOf(values), await listOptions(), await typeOptions()),
      );
  }
};

export const saveDraftStep = async (raw: ConsoleInput): Promise<ConsoleResponse> => {
  const input = signedIn(raw);
  const viewer = viewerOf(input);
  const { id, step } = input.params as { id: string; step: ComposeStep };
  const mailing = await getStoredMailing(id);
  if (mailing.status !== 'draft') return html(notDraftPage(viewer, mailing), 409);
  const target = draftTarget(mailing);
  const values = { ...draftValues(mailing), ...valuesOf(input.form, allFields) };
  const action = input.form.get('action') ?? 'next';
  const save = async (
    changes: Record<string, unknown>,
    fields: readonly string[],
    next: string,
  ): Promise<{ next: ConsoleResponse } | { errors: Record<string, string> }> => {
    try {
      await updateDraft(id, checkBody(updateMailingRoute.body, changes));
      return { next: seeOther(`/console/mailings/${id}/${next}`) as ConsoleResponse };
    } catch (error) {
      return { errors: formErrors(error, fieldMap(fields, { listId: 'listId' }), fields[0] ?? 'name') };
    }
  };
  switch (step) {
    case 'configuration': {
      const changes = { name: values.name, from: values.from, subscriptionTypeId: values.subscriptionTypeId };
      const result = await save(changes, configurationFields, 'content');
      if ('next' in result) return result.next;
      return html(
        configurationStep(viewer, target, stateOf(values, result.errors), await typeOptions()),
        422,
      );
    }
    case 'content': {
      if (action === 'preview') return preview(input, target, values);
      const { body, errors } = mailingBody(values, input.language);
      if (Object.keys(errors).length) return html(contentStep(viewer, target, stateOf(values, errors)), 422);
      const changes = {
        subject: body.subject,
        text: body.text,
        html: body.html ?? null,
        links: body.links ?? {},
      };
      const result = await save(changes, contentFields, 'list');
      if ('next' in result) return result.next;
      return html(contentStep(viewer, target, stateOf(values, result.errors)), 422);
    }
    case 'list': {
      const list = await resolveList(input, values);
      const result = 'errors' in list ? list : await save({ listId: list.listId }, ['listId'], 'recipients');
      if ('next' in result) return result.next;
      return html(
        listStep(viewer, target, stateOf(values, result.errors), await listOptions(), await typeOptions()),
        422,
      );
    }
  }
};
