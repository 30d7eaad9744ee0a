/** The console's session group: the sign-in form, signing in and out, the stylesheet (see group.ts). */
import { signInForm, signInWithKey, signOutNow, stylesheet } from './actions/session.ts';
import { consoleFunction } from './group.ts';
import { routes } from './session.route.ts';

export const handler = consoleFunction(routes, {
  'GET /console/sign-in': signInForm,
  'POST /console/sign-in': signInWithKey,
  'GET /console/style.css': stylesheet,
  'POST /console/sign-out': signOutNow,
});
