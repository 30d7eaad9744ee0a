import { defineRoute, documented } from '#shared/http/contract.ts';
import { IdParams } from '#shared/http/schemas/common.ts';
import { Mailing } from '#shared/http/schemas/mailing.ts';

/** The contract of `POST /mailings/{id}/cancel`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'POST',
  path: '/mailings/{id}/cancel',
  entry: 'functions/api/cancel-mailing.ts',
  operationId: 'cancelMailing',
  auth: 'marketer',
  tag: 'mailings',
  status: 200,
  params: IdParams,
  tables: { app: 'write', contacts: 'read', recipients: 'read' },
  queues: ['plan'],
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary: 'Stop everything not yet handed to SES',
  description: 'Stops everything not yet handed to SES; what SES has accepted goes out.',
  response: Mailing,
}));
