/**
 * The page a tracked link with a subscription action shows on GET: one button that POSTs the
 * action (so a link scanner's GET changes nothing), and a way on to the target without it. Pure.
 */
import type { Language } from '#shared/domain/i18n.ts';
import { escapeHtml, layout } from './layout.ts';
import { fill } from './strings.ts';
import { linkStrings } from './strings/link.ts';

export interface LinkPageInput {
  language: Language;
  action: 'subscribe' | 'unsubscribe';
  /** The type's name in `language`. */
  typeName: string;
  /** Where the button posts: `/l/<token>`. */
  formAction: string;
  /** The link's signed target: where the POST redirects, and where "continue" goes without it. */
  target: string;
}

export const linkPage = (input: LinkPageInput): string => {
  const t = linkStrings[input.language];
  const [title, question, button] =
    input.action === 'subscribe'
      ? [t.subscribeTitle, t.subscribeQuestion, t.subscribeButton]
      : [t.unsubscribeTitle, t.unsubscribeQuestion, t.unsubscribeButton];
  const body =
    `<h1>${escapeHtml(title)}</h1>` +
    `<p>${fill(escapeHtml(question), { type: `<strong>${escapeHtml(input.typeName)}</strong>` })}</p>` +
    `<form method="post" action="${escapeHtml(input.formAction)}">` +
    `<button type="submit">${escapeHtml(button)}</button></form>` +
    `<p><a href="${escapeHtml(input.target)}">${escapeHtml(t.continueWithout)}</a></p>`;
  return layout({ language: input.language, title, body });
};
