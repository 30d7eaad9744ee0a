/** The console's mailing wizard for a new mailing: its first three steps (see group.ts). */
import * as wizard from './actions/wizard.ts';
import { consoleFunction } from './group.ts';
import { routes } from './wizard.route.ts';

export const handler = consoleFunction(routes, {
  'GET /console/mailings/new': wizard.newMailingForm,
  'POST /console/mailings/new': wizard.newMailingStep,
});
