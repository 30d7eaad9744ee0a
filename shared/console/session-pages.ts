/**
 * The sign-in page and the console's error pages. The API key field is a password field: what was
 * typed is never sent back, shown, or kept in the page. Pure.
 */
import type { Actor } from '#shared/domain/api-key.ts';
import { input } from './forms.ts';
import { consolePage, escapeHtml, notice } from './layout.ts';
import { sessionStrings } from './session-strings.ts';
import { type ConsoleLanguage, consoleStrings } from './strings.ts';

const e = escapeHtml;

export const signInPage = (options: {
  language: ConsoleLanguage;
  /** The console page to go back to, as it travels in the form's URL. */
  next: string | undefined;
  /** The double-submitted token of this form (its cookie holds the other half). */
  formToken: string;
  message?: { text: string; tone: 'ok' | 'warn' | 'bad' } | undefined;
  error?: string | undefined;
}): string => {
  const t = sessionStrings[options.language];
  const action = `/console/sign-in${options.next ? `?next=${encodeURIComponent(options.next)}` : ''}`;
  return consolePage({
    language: options.language,
    title: t.signInTitle,
    body:
      `<h1>${e(t.signInTitle)}</h1>` +
      (options.message ? notice(e(options.message.text), options.message.tone) : '') +
      `<p>${e(t.signInIntro)}</p>` +
      `<form method="post" action="${e(action)}" novalidate>` +
      `<input type="hidden" name="signin" value="${e(options.formToken)}">` +
      input({
        name: 'apiKey',
        label: t.apiKey,
        type: 'password',
        autocomplete: 'off',
        required: true,
        state: { values: {}, errors: options.error ? { apiKey: options.error } : {} },
      }) +
      `<button type="submit">${e(t.signIn)}</button></form>`,
  });
};

/** An error page in the console's frame; with the navigation when someone is signed in. */
export const consoleErrorPage = (
  language: ConsoleLanguage,
  status: number,
  message: string | undefined,
  signedIn: { actor: Actor; csrf: string } | undefined,
): string => {
  const t = consoleStrings[language];
  let title = t.errorTitle;
  let text = t.errorText;
  if (status === 404) [title, text] = [t.notFoundTitle, t.notFoundText];
  else if (status === 403)
    [title, text] = [t.forbiddenTitle, message === 'csrf' ? t.csrfFailed : t.notAllowed];
  else if (status === 409) [title, text] = [t.conflictTitle, message ?? t.errorText];
  else if (status === 429) [title, text] = [t.tooManyTitle, t.tooManyText];
  else if (status < 500)
    [title, text] = [t.badRequestTitle, message && status === 422 ? message : t.errorText];
  return consolePage({
    language,
    title,
    body: `<h1>${e(title)}</h1><p>${e(text)}</p><p><a href="/console">${e(t.toConsole)}</a></p>`,
    signedIn,
  });
};
