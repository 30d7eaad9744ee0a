/**
 * Form controls that keep what was typed and show the API's message beside the field it is about:
 * each control has its label, an optional hint, and when invalid `aria-invalid` and an error tied
 * to it by `aria-describedby` (read out with the field). Pure.
 */
import type { ErrorDetail } from '#shared/domain/errors.ts';
import { escapeHtml } from '#shared/domain/render.ts';

/** What a form showed: the values as typed and the message per field. */
export interface FormState {
  values: Record<string, string>;
  errors: Record<string, string>;
}

export const emptyState = (values: Record<string, string> = {}): FormState => ({ values, errors: {} });

interface Control {
  name: string;
  label: string;
  state: FormState;
  hint?: string | undefined;
  required?: boolean;
}

const described = (c: Control) => {
  const ids = [c.hint ? `${c.name}-hint` : '', c.state.errors[c.name] ? `${c.name}-error` : '']
    .filter(Boolean)
    .join(' ');
  return (
    (ids ? ` aria-describedby="${ids}"` : '') +
    (c.state.errors[c.name] ? ' aria-invalid="true"' : '') +
    (c.required ? ' required' : '')
  );
};

const after = (c: Control) =>
  (c.hint ? `<p class="hint" id="${c.name}-hint">${escapeHtml(c.hint)}</p>` : '') +
  (c.state.errors[c.name]
    ? `<p class="error" id="${c.name}-error">${escapeHtml(c.state.errors[c.name] as string)}</p>`
    : '');

const label = (c: Control) => `<label for="${c.name}">${escapeHtml(c.label)}</label>`;

export const input = (
  c: Control & { type?: 'text' | 'email' | 'password' | 'number' | 'search'; autocomplete?: string },
): string =>
  label(c) +
  `<input type="${c.type ?? 'text'}" id="${c.name}" name="${c.name}"` +
  (c.type === 'password' ? '' : ` value="${escapeHtml(c.state.values[c.name] ?? '')}"`) +
  (c.autocomplete ? ` autocomplete="${c.autocomplete}"` : '') +
  `${described(c)}>` +
  after(c);

export const textarea = (c: Control & { rows?: number }): string =>
  label(c) +
  `<textarea id="${c.name}" name="${c.name}" rows="${c.rows ?? 6}"${described(c)}>${escapeHtml(c.state.values[c.name] ?? '')}</textarea>` +
  after(c);

export const select = (
  c: Control & { options: ReadonlyArray<{ value: string; label: string }>; placeholder?: string },
): string =>
  label(c) +
  `<select id="${c.name}" name="${c.name}"${described(c)}>` +
  (c.placeholder !== undefined ? `<option value="">${escapeHtml(c.placeholder)}</option>` : '') +
  c.options
    .map(
      (o) =>
        `<option value="${escapeHtml(o.value)}"${c.state.values[c.name] === o.value ? ' selected' : ''}>${escapeHtml(o.label)}</option>`,
    )
    .join('') +
  '</select>' +
  after(c);

export const checkbox = (c: Control & { value?: string }): string =>
  `<div class="check"><input type="checkbox" id="${c.name}" name="${c.name}" value="${escapeHtml(c.value ?? 'on')}"` +
  `${c.state.values[c.name] ? ' checked' : ''}${described(c)}>` +
  `<label for="${c.name}">${escapeHtml(c.label)}</label>${after(c)}</div>`;

/** A radio group in a fieldset: the legend names the choice, the error is tied to every option. */
export const radios = (c: {
  name: string;
  legend: string;
  state: FormState;
  options: ReadonlyArray<{ value: string; label: string; body?: string }>;
}): string => {
  const error = c.state.errors[c.name];
  return (
    `<fieldset${error ? ` aria-describedby="${c.name}-error"` : ''}><legend>${escapeHtml(c.legend)}</legend>` +
    (error ? `<p class="error" id="${c.name}-error">${escapeHtml(error)}</p>` : '') +
    c.options
      .map(
        (o, i) =>
          `<div class="radio"><input type="radio" id="${c.name}-${i}" name="${c.name}" value="${escapeHtml(o.value)}"` +
          `${c.state.values[c.name] === o.value ? ' checked' : ''}><label for="${c.name}-${i}">${escapeHtml(o.label)}</label></div>` +
          (o.body ?? ''),
      )
      .join('') +
    '</fieldset>'
  );
};

export const hidden = (name: string, value: string | undefined): string =>
  value === undefined ? '' : `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`;

/**
 * The API's error details as messages per form field: `body.subscriptionTypeId` → the field
 * `subscriptionTypeId` (through `fields` when the form names it otherwise). Details about no
 * field of this form go to `fallback`.
 */
export const fieldErrors = (
  details: readonly ErrorDetail[],
  fields: Readonly<Record<string, string>>,
  fallback: string,
  message?: string,
): Record<string, string> => {
  const errors: Record<string, string> = {};
  for (const detail of details) {
    const path = (detail.path ?? '').replace(/^(body|query)\./, '');
    const field = fields[path] ?? fields[path.split('.')[0] ?? ''] ?? fallback;
    const text = detail.message ?? message ?? '';
    errors[field] = errors[field] ? `${errors[field]} ${text}` : text;
  }
  if (!details.length && message) errors[fallback] = message;
  return errors;
};

/** The words of {@link audienceChoices}: each page group has them in its own words module. */
export interface AudienceWords {
  buildSelection: string;
  selectionType: string;
  chooseType: string;
  selectionInterests: string;
  selectionLocale: string;
  buildStatic: string;
  staticAddresses: string;
}

/**
 * The two ways to build a list, as options of a `listKind` radio group: a selection (a type, and
 * optionally interests and a locale) or static addresses. The types page and the wizard offer both.
 */
export const audienceChoices = (
  t: AudienceWords,
  state: FormState,
  types: ReadonlyArray<{ value: string; label: string }>,
): Array<{ value: string; label: string; body: string }> => [
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
];
