/**
 * The marketers' console: every console route is served by this one function, a small router that
 * calls the action of the route API Gateway names (shared/http/console.ts). Sessions, CSRF, the
 * forms and the errors are the wrapper's; the actions call the same use cases as the JSON API.
 */
import { consoleErrorPage } from '#shared/console/session-pages.ts';
import { consoleHandler } from '#shared/http/console.ts';
import * as audience from './actions/audience.ts';
import * as mailings from './actions/mailings.ts';
import { secureCookies, signInForm, signInWithKey, signOutNow } from './actions/session.ts';
import { routes } from './console.route.ts';

export const handler = consoleHandler({
  routes,
  secureCookies,
  errorPage: (language, status, message, session) =>
    consoleErrorPage(
      language,
      status,
      message,
      session ? { actor: session.actor, csrf: session.csrf } : undefined,
    ),
  actions: {
    'GET /console': mailings.home,
    'GET /console/sign-in': signInForm,
    'POST /console/sign-in': signInWithKey,
    'POST /console/sign-out': signOutNow,
    'GET /console/mailings/new': mailings.newMailingForm,
    'POST /console/mailings/new': mailings.newMailingStep,
    'GET /console/mailings/{id}': mailings.showMailing,
    'POST /console/mailings/{id}': mailings.mailingAction,
    'GET /console/mailings/{id}/{step}': mailings.draftStep,
    'POST /console/mailings/{id}/{step}': mailings.saveDraftStep,
    'GET /console/contacts': audience.contacts,
    'GET /console/contacts/{id}': audience.contact,
    'POST /console/contacts/{id}': audience.contactAction,
    'GET /console/contacts/{id}/export': audience.contactDownload,
    'GET /console/types': audience.types,
    'POST /console/types': audience.createType,
    'GET /console/types/{id}': audience.type,
    'POST /console/types/{id}': audience.updateType,
    'GET /console/lists': audience.lists,
    'POST /console/lists': audience.createListAction,
    'GET /console/lists/{id}': audience.list,
    'GET /console/suppressions': audience.suppressions,
    'POST /console/suppressions': audience.suppressionAction,
    'GET /console/settings': audience.settings,
    'POST /console/settings': audience.saveSettings,
  } satisfies Record<keyof typeof routes, unknown>,
});
