/**
 * Friendly error pages: a broken, tampered or expired link, a form we could not read, too many
 * requests, our own failure. They never say which check failed (a token's failure code stays in
 * the log) and never show anything from the request. Pure.
 */
import type { Language } from '#shared/domain/i18n.ts';
import { escapeHtml, layout } from './layout.ts';
import { errorStrings } from './strings/errors.ts';

export const errorPageKinds = ['not_found', 'bad_request', 'too_many', 'server_error'] as const;
export type ErrorPageKind = (typeof errorPageKinds)[number];

export const errorPage = (language: Language, kind: ErrorPageKind, newLinkUrl = '/p'): string => {
  const t = errorStrings[language];
  const texts: Record<ErrorPageKind, readonly [title: string, text: string]> = {
    not_found: [t.notFoundTitle, t.notFoundText],
    bad_request: [t.badRequestTitle, t.badRequestText],
    too_many: [t.tooManyTitle, t.tooManyText],
    server_error: [t.serverErrorTitle, t.serverErrorText],
  };
  const [title, text] = texts[kind];
  const link =
    kind === 'not_found' ? `<p><a href="${escapeHtml(newLinkUrl)}">${escapeHtml(t.newLink)}</a></p>` : '';
  return layout({
    language,
    title,
    body: `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>${link}`,
  });
};
