/**
 * One page group of the console as a Lambda handler: the console's wrapper (shared/http/console.ts)
 * over the group's routes and actions, with the console's error page and cookie setting.
 */
import { consoleErrorPage } from '#shared/console/session-pages.ts';
import { type ConsoleApp, type ConsoleContract, consoleHandler } from '#shared/http/console.ts';
import { secureCookies } from './actions/common.ts';

export const consoleFunction = <const R extends Readonly<Record<string, ConsoleContract>>>(
  routes: R,
  actions: { readonly [K in keyof R]: ConsoleApp['actions'][string] },
) =>
  consoleHandler({
    routes,
    actions,
    secureCookies,
    errorPage: (language, status, message, session) =>
      consoleErrorPage(
        language,
        status,
        message,
        session ? { actor: session.actor, csrf: session.csrf } : undefined,
      ),
  });
