/** The console's mailing pages: the mailings and a mailing's progress (see group.ts). */
import * as mailings from './actions/mailings.ts';
import { consoleFunction } from './group.ts';
import { routes } from './mailings.route.ts';

export const handler = consoleFunction(routes, {
  'GET /console': mailings.home,
  'GET /console/mailings/{id}': mailings.showMailing,
  'POST /console/mailings/{id}': mailings.mailingAction,
});
