/**
 * The preference page: the shown subscription types as a checkbox group, an optional reason, save,
 * and "unsubscribe from everything". A plain form that works without JavaScript. Pure.
 */
import { chooseLanguage, type Language } from '#shared/domain/i18n.ts';
import type { SubscriptionType } from '#shared/domain/subscription-type.ts';
import type { PreferencesView } from '#shared/use-cases/preferences.ts';
import { escapeHtml, layout, statusMessage } from './layout.ts';
import { fill } from './strings.ts';
import { preferenceStrings } from './strings/preferences.ts';
import { commonStrings } from './strings/common.ts';
import { typeText } from './type-text.ts';

export interface ShownType {
  type: SubscriptionType;
  /** Ticked: the person receives it (or is waiting to confirm it). */
  checked: boolean;
  /** Double opt-in sent, not yet confirmed. */
  pending: boolean;
}

export type SavedNotice =
  | { kind: 'saved'; confirmationsSent: SubscriptionType[] }
  | { kind: 'unsubscribed_all' };

export interface PreferencesPageInput {
  language: Language;
  /** Where the form posts: `/p/<token>`. */
  action: string;
  email: string;
  firstName?: string | undefined;
  types: ShownType[];
  /** The ids of `types`, and their signature: the page saves exactly these. */
  shown: string;
  shownSig: string;
  /** E-marketing consent is not granted: nothing is sent, so nothing is ticked. */
  consentInactive: boolean;
  notice?: SavedNotice | undefined;
}

const typeRow = (item: ShownType, language: Language, pendingNote: string): string => {
  const { name, description } = typeText(item.type, language);
  const id = escapeHtml(item.type.id);
  const notes = [
    description ? `<p id="d-${id}">${escapeHtml(description)}</p>` : '',
    item.pending ? `<p class="note" id="n-${id}">${escapeHtml(pendingNote)}</p>` : '',
  ].join('');
  const describedBy = [description ? `d-${id}` : '', item.pending ? `n-${id}` : ''].filter(Boolean).join(' ');
  return (
    `<div class="opt"><input type="checkbox" id="t-${id}" name="type" value="${id}"` +
    `${item.checked ? ' checked' : ''}${describedBy ? ` aria-describedby="${describedBy}"` : ''}>` +
    `<div><label for="t-${id}">${escapeHtml(name)}</label>${notes}</div></div>`
  );
};

const noticeHtml = (notice: SavedNotice | undefined, language: Language): string => {
  const t = { ...preferenceStrings[language], ...commonStrings[language] };
  if (!notice) return '';
  if (notice.kind === 'unsubscribed_all') return statusMessage(escapeHtml(t.unsubscribedAll));
  const names = notice.confirmationsSent.map((type) => typeText(type, language).name);
  const confirm = names.length
    ? ` ${fill(escapeHtml(t.savedConfirm), { types: names.map(escapeHtml).join(', ') })}`
    : '';
  return statusMessage(escapeHtml(t.saved) + confirm);
};

export const preferencesPage = (input: PreferencesPageInput): string => {
  const { language } = input;
  const t = { ...preferenceStrings[language], ...commonStrings[language] };
  const greeting = input.firstName
    ? `${fill(escapeHtml(t.greeting), { name: escapeHtml(input.firstName) })} `
    : '';
  const intro = fill(escapeHtml(t.intro), { email: `<strong>${escapeHtml(input.email)}</strong>` });
  const rows = input.types.map((item) => typeRow(item, language, t.pendingNote)).join('');
  const withdrawn =
    input.consentInactive && input.notice?.kind !== 'unsubscribed_all'
      ? `<p class="status warn">${escapeHtml(t.withdrawnNotice)}</p>`
      : '';
  const body =
    `<h1>${escapeHtml(t.preferencesTitle)}</h1>${noticeHtml(input.notice, language)}${withdrawn}` +
    `<p>${greeting}${intro}</p>` +
    `<form method="post" action="${escapeHtml(input.action)}">` +
    `<input type="hidden" name="shown" value="${escapeHtml(input.shown)}">` +
    `<input type="hidden" name="sig" value="${escapeHtml(input.shownSig)}">` +
    `<fieldset><legend>${escapeHtml(t.legend)}</legend>` +
    `${rows || `<p class="muted">${escapeHtml(t.noTypes)}</p>`}</fieldset>` +
    `<label class="field" for="reason">${escapeHtml(t.reasonLabel)}</label>` +
    '<textarea id="reason" name="reason" maxlength="500" rows="3"></textarea>' +
    `<button type="submit" name="action" value="save">${escapeHtml(t.save)}</button>` +
    (input.consentInactive
      ? ''
      : `<hr><h2>${escapeHtml(t.allHeading)}</h2><p>${escapeHtml(t.allText)}</p>` +
        `<button type="submit" name="action" value="unsubscribe_all" class="secondary">${escapeHtml(t.allButton)}</button>`) +
    '</form>';
  return layout({ language, title: t.preferencesTitle, body });
};

/** The page for a loaded view: language from the contact's locale, then the browser's. */
export const renderPreferences = (
  view: PreferencesView,
  token: string,
  acceptLanguage: string | undefined,
  notice?: SavedNotice,
): string =>
  preferencesPage({
    language: chooseLanguage(view.contact.locale, acceptLanguage),
    action: `/p/${token}`,
    email: view.contact.email,
    firstName: view.contact.firstName,
    types: view.types,
    shown: view.shown,
    shownSig: view.shownSig,
    consentInactive: view.consentInactive,
    notice,
  });
