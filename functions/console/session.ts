/** The console's session group: the sign-in form, signing in and out (see group.ts). */
import { signInForm, signInWithKey, signOutNow } from './actions/session.ts';
import { consoleFunction } from './group.ts';
import { routes } from './session.route.ts';

export const handler = consoleFunction(routes, {
  'GET /console/sign-in': signInForm,
  'POST /console/sign-in': signInWithKey,
  'POST /console/sign-out': signOutNow,
});
