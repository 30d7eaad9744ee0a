/** The console's target list pages (see group.ts). */
import * as lists from './actions/list-pages.ts';
import { consoleFunction } from './group.ts';
import { routes } from './lists.route.ts';

export const handler = consoleFunction(routes, {
  'GET /console/lists': lists.lists,
  'POST /console/lists': lists.createListAction,
  'GET /console/lists/{id}': lists.list,
});
