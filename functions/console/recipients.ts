/** The console's recipients page group: the wizard's recipient report and consent override (see group.ts). */
import * as review from './actions/review.ts';
import { consoleFunction } from './group.ts';
import { routes } from './recipients.route.ts';

export const handler = consoleFunction(routes, {
  'GET /console/mailings/{id}/recipients': review.showRecipients,
  'POST /console/mailings/{id}/recipients': review.saveOverride,
});
