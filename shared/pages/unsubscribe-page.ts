/**
 * The one-click unsubscribe pages: what a GET of the List-Unsubscribe URL shows (a button that
 * POSTs, so link scanners change nothing), and the answer to the POST. Pure.
 */
import type { Language } from '#shared/domain/i18n.ts';
import { escapeHtml, layout, statusMessage } from './layout.ts';
import { fill } from './strings.ts';
import { unsubscribeStrings } from './strings/unsubscribe.ts';
import { commonStrings } from './strings/common.ts';

export interface UnsubscribePageInput {
  language: Language;
  /** The type's name in `language`; absent when the token names no type (everything). */
  typeName?: string | undefined;
  /** Where the button posts: `/u/<token>`. */
  action: string;
  /** The preference page for the same token: `/p/<token>`. */
  preferencesUrl: string;
}

export const unsubscribePage = (input: UnsubscribePageInput): string => {
  const t = { ...unsubscribeStrings[input.language], ...commonStrings[input.language] };
  const question =
    input.typeName === undefined
      ? escapeHtml(t.unsubscribeQuestionAll)
      : fill(escapeHtml(t.unsubscribeQuestion), { type: `<strong>${escapeHtml(input.typeName)}</strong>` });
  const body =
    `<h1>${escapeHtml(t.unsubscribeTitle)}</h1><p>${question}</p>` +
    `<form method="post" action="${escapeHtml(input.action)}">` +
    '<input type="hidden" name="List-Unsubscribe" value="One-Click">' +
    `<button type="submit">${escapeHtml(t.unsubscribeButton)}</button></form>` +
    `<p><a href="${escapeHtml(input.preferencesUrl)}">${escapeHtml(t.manageLink)}</a></p>`;
  return layout({ language: input.language, title: t.unsubscribeTitle, body });
};

export const unsubscribedPage = (input: Omit<UnsubscribePageInput, 'action'>): string => {
  const t = { ...unsubscribeStrings[input.language], ...commonStrings[input.language] };
  const done =
    input.typeName === undefined
      ? escapeHtml(t.unsubscribedAllDone)
      : fill(escapeHtml(t.unsubscribed), { type: `<strong>${escapeHtml(input.typeName)}</strong>` });
  const body =
    `<h1>${escapeHtml(t.unsubscribeTitle)}</h1>${statusMessage(done)}` +
    `<p>${escapeHtml(t.unsubscribedMore)} <a href="${escapeHtml(input.preferencesUrl)}">${escapeHtml(t.manageLink)}</a></p>`;
  return layout({ language: input.language, title: t.unsubscribeTitle, body });
};
