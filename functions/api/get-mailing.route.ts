import { defineRoute, documented } from '#shared/http/contract.ts';
import { IdParams } from '#shared/http/schemas/common.ts';
import { Mailing } from '#shared/http/schemas/mailing.ts';

/** The contract of `GET /mailings/{id}`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'GET',
  path: '/mailings/{id}',
  entry: 'functions/api/get-mailing.ts',
  operationId: 'getMailing',
  auth: 'marketer',
  tag: 'mailings',
  status: 200,
  params: IdParams,
  tables: { app: 'read', contacts: 'read', recipients: 'read' },
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary: 'A mailing with its counts (a draft: the preview of what sending would do)',
  description:
    'A mailing with its counts. For a draft, the counts are a preview: the list resolved now and judged by the eligibility rule as it stands.',
  response: Mailing,
}));
