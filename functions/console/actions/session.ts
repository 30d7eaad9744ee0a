/**
 * Signing in and out. The sign-in form is protected against login CSRF by a double-submitted
 * token (its own cookie and a hidden field must match); a refused key gets the form again with
 * a message and nothing typed kept; the key is never logged.
 */
import {
  clearCookie,
  randomToken,
  safeNext,
  sameSecret,
  sessionCookie,
  sessionLifetimeSeconds,
  setCookie,
  signInCookie,
} from '#shared/domain/console-session.ts';
import { logger } from '#shared/observability/logger.ts';
import { signInPage } from '#shared/console/session-pages.ts';
import { consoleCss } from '#shared/console/style.ts';
import { sessionStrings } from '#shared/console/session-strings.ts';
import { type ConsoleInput, type ConsoleResponse, html, seeOther } from '#shared/http/console.ts';
import { signIn, signOut } from '#shared/use-cases/console-sessions.ts';
import { secureCookies, signedIn } from './common.ts';

type SignInQuery = { next?: string; ended?: string; out?: string };

/** A sign-in form lives for an hour: long enough to fetch a key. */
const formLifetimeSeconds = 60 * 60;

const freshForm = (
  input: ConsoleInput,
  status: number,
  message?: { text: string; tone: 'ok' | 'warn' | 'bad' },
  error?: string,
) => {
  const token = randomToken();
  const query = input.query as SignInQuery;
  return html(
    signInPage({ language: input.language, next: query.next, formToken: token, message, error }),
    status,
    [setCookie(signInCookie, token, { secure: secureCookies(), maxAgeSeconds: formLifetimeSeconds })],
  );
};

export const signInForm = async (input: ConsoleInput): Promise<ConsoleResponse> => {
  const t = sessionStrings[input.language];
  const query = input.query as SignInQuery;
  const message = query.ended
    ? { text: t.sessionEnded, tone: 'warn' as const }
    : query.out
      ? { text: t.signedOut, tone: 'ok' as const }
      : undefined;
  return freshForm(input, 200, message);
};

export const signInWithKey = async (input: ConsoleInput): Promise<ConsoleResponse> => {
  const t = sessionStrings[input.language];
  if (!sameSecret(input.form.get('signin'), input.cookies.get(signInCookie)))
    return freshForm(input, 400, { text: t.signInExpired, tone: 'warn' });
  const key = input.form.get('apiKey') ?? '';
  if (!key.trim()) return freshForm(input, 422, undefined, t.keyRequired);
  const made = await signIn(key);
  if (!made) {
    logger.info('console sign-in refused', {});
    return freshForm(input, 401, undefined, t.keyRefused);
  }
  logger.info('console sign-in', { keyId: made.session.actor.keyId, role: made.session.actor.role });
  return seeOther(safeNext((input.query as SignInQuery).next), [
    setCookie(sessionCookie, made.id, { secure: secureCookies(), maxAgeSeconds: sessionLifetimeSeconds }),
    clearCookie(signInCookie, secureCookies()),
  ]);
};

export const signOutNow = async (raw: ConsoleInput): Promise<ConsoleResponse> => {
  const input = signedIn(raw);
  await signOut(input.session.id);
  return seeOther('/console/sign-in?out=1', [clearCookie(sessionCookie, secureCookies())]);
};

/** The stylesheet of every console page: an hour in the browser's cache, then asked for again. */
export const stylesheet = async (): Promise<ConsoleResponse> => ({
  kind: 'asset',
  contentType: 'text/css; charset=utf-8',
  body: consoleCss,
  maxAgeSeconds: 3600,
});
