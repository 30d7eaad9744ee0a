/** The console's mailing pages: the mailings, the wizard and the progress page (see group.ts). */
import * as mailings from './actions/mailings.ts';
import { consoleFunction } from './group.ts';
import { routes } from './mailings.route.ts';

export const handler = consoleFunction(routes, {
  'GET /console': mailings.home,
  'GET /console/mailings/new': mailings.newMailingForm,
  'POST /console/mailings/new': mailings.newMailingStep,
  'GET /console/mailings/{id}': mailings.showMailing,
  'POST /console/mailings/{id}': mailings.mailingAction,
  'GET /console/mailings/{id}/{step}': mailings.draftStep,
  'POST /console/mailings/{id}/{step}': mailings.saveDraftStep,
});
