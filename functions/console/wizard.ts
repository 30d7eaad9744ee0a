/** The console's mailing wizard: a new mailing's first steps and a draft's steps (see group.ts). */
import * as wizard from './actions/wizard.ts';
import { consoleFunction } from './group.ts';
import { routes } from './wizard.route.ts';

export const handler = consoleFunction(routes, {
  'GET /console/mailings/new': wizard.newMailingForm,
  'POST /console/mailings/new': wizard.newMailingStep,
  'GET /console/mailings/{id}/{step}': wizard.draftStep,
  'POST /console/mailings/{id}/{step}': wizard.saveDraftStep,
});
