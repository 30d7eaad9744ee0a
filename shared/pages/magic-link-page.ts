/**
 * `GET /p` and `POST /p`: the form asking for an address, and the answer, which is the same
 * whether the address is known or not. Pure.
 */
import type { Language } from '#shared/domain/i18n.ts';
import { escapeHtml, layout, statusMessage } from './layout.ts';
import { magicLinkStrings } from './strings/magic-link.ts';

export interface MagicLinkPageInput {
  language: Language;
  /** Where the form posts: `/p`. */
  action: string;
  /** After a valid request: "check your inbox" (the form stays, to ask again). */
  sent?: boolean;
  /** The address typed, shown again with the error when it was not valid. */
  invalid?: { value: string };
}

export const magicLinkPage = (input: MagicLinkPageInput): string => {
  const t = magicLinkStrings[input.language];
  const error = input.invalid ? `<p class="error" id="email-error">${escapeHtml(t.invalidEmail)}</p>` : '';
  const value = input.invalid ? ` value="${escapeHtml(input.invalid.value)}"` : '';
  const invalidAttrs = input.invalid ? ' aria-invalid="true" aria-describedby="email-error" autofocus' : '';
  const body =
    `<h1>${escapeHtml(t.magicTitle)}</h1>` +
    (input.sent ? statusMessage(escapeHtml(t.magicSent)) : '') +
    `<p>${escapeHtml(t.magicIntro)}</p>` +
    `<form method="post" action="${escapeHtml(input.action)}" novalidate>` +
    `<label class="field" for="email">${escapeHtml(t.emailLabel)}</label>` +
    `<input type="email" id="email" name="email" autocomplete="email" required maxlength="254"${value}${invalidAttrs}>` +
    error +
    `<button type="submit">${escapeHtml(t.magicButton)}</button></form>`;
  return layout({ language: input.language, title: t.magicTitle, body });
};
