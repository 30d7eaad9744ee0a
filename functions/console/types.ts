/** The console's subscription type pages (see group.ts). */
import * as types from './actions/types.ts';
import { consoleFunction } from './group.ts';
import { routes } from './types.route.ts';

export const handler = consoleFunction(routes, {
  'GET /console/types': types.types,
  'POST /console/types': types.createType,
  'GET /console/types/{id}': types.type,
  'POST /console/types/{id}': types.updateType,
});
