import { defineRoute, documented } from '#shared/http/contract.ts';
import { IdParams } from '#shared/http/schemas/common.ts';
import { Mailing } from '#shared/http/schemas/mailing.ts';
import { UpdateMailing } from '#shared/http/schemas/mailing-input.ts';

/** The contract of `PATCH /mailings/{id}`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'PATCH',
  path: '/mailings/{id}',
  entry: 'functions/api/update-mailing.ts',
  operationId: 'updateMailing',
  auth: 'marketer',
  tag: 'mailings',
  status: 200,
  params: IdParams,
  body: UpdateMailing,
  tables: { app: 'write', contacts: 'read' },
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary: 'Edit a draft (409 once it is being sent)',
  description:
    'Edits a draft; 409 once it is being sent. 422 when the edited mailing would be too large for SES or for one stored item, as on create.',
  response: Mailing,
}));
