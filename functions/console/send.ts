/** The console's send page group: the wizard's last step (see group.ts). */
import * as review from './actions/review.ts';
import { consoleFunction } from './group.ts';
import { routes } from './send.route.ts';

export const handler = consoleFunction(routes, {
  'GET /console/mailings/{id}/send': review.showSend,
  'POST /console/mailings/{id}/send': review.send,
});
