/** The console's suppression and settings pages (see group.ts). */
import * as admin from './actions/admin.ts';
import { routes } from './admin.route.ts';
import { consoleFunction } from './group.ts';

export const handler = consoleFunction(routes, {
  'GET /console/suppressions': admin.suppressions,
  'POST /console/suppressions': admin.suppressionAction,
  'GET /console/settings': admin.settings,
  'POST /console/settings': admin.saveSettings,
});
