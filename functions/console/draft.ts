/** The console's mailing wizard for a draft: its first three steps (see group.ts). */
import * as wizard from './actions/wizard.ts';
import { consoleFunction } from './group.ts';
import { routes } from './draft.route.ts';

export const handler = consoleFunction(routes, {
  'GET /console/mailings/{id}/{step}': wizard.draftStep,
  'POST /console/mailings/{id}/{step}': wizard.saveDraftStep,
});
