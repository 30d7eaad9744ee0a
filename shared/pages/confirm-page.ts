/**
 * Double opt-in: the page a confirmation link opens (a button that POSTs, so a scanner opening the
 * link confirms nothing), and the answer to the POST. Pure.
 */
import type { Language } from '#shared/domain/i18n.ts';
import { escapeHtml, layout, statusMessage } from './layout.ts';
import { fill } from './strings.ts';
import { confirmStrings } from './strings/confirm.ts';
import { commonStrings } from './strings/common.ts';

export interface ConfirmPageInput {
  language: Language;
  typeName: string;
  /** Where the button posts: `/p/<confirm token>`. */
  action: string;
}

export const confirmPage = (input: ConfirmPageInput): string => {
  const t = { ...confirmStrings[input.language], ...commonStrings[input.language] };
  const body =
    `<h1>${escapeHtml(t.confirmTitle)}</h1>` +
    `<p>${fill(escapeHtml(t.confirmQuestion), { type: `<strong>${escapeHtml(input.typeName)}</strong>` })}</p>` +
    `<form method="post" action="${escapeHtml(input.action)}">` +
    `<button type="submit" name="action" value="confirm">${escapeHtml(t.confirmButton)}</button></form>`;
  return layout({ language: input.language, title: t.confirmTitle, body });
};

export interface ConfirmedPageInput {
  language: Language;
  typeName: string;
  /** Confirmed now, or it already was. */
  already: boolean;
  /** A preference-page link for the same person. */
  preferencesUrl: string;
}

export const confirmedPage = (input: ConfirmedPageInput): string => {
  const t = { ...confirmStrings[input.language], ...commonStrings[input.language] };
  const text = fill(escapeHtml(input.already ? t.alreadyConfirmed : t.confirmed), {
    type: `<strong>${escapeHtml(input.typeName)}</strong>`,
  });
  const body =
    `<h1>${escapeHtml(t.confirmTitle)}</h1>${statusMessage(text)}` +
    `<p><a href="${escapeHtml(input.preferencesUrl)}">${escapeHtml(t.manageLink)}</a></p>`;
  return layout({ language: input.language, title: t.confirmTitle, body });
};
