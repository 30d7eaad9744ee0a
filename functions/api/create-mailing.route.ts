import { defineRoute, documented } from '#shared/http/contract.ts';
import { Mailing } from '#shared/http/schemas/mailing.ts';
import { CreateMailing } from '#shared/http/schemas/mailing-input.ts';

/** The contract of `POST /mailings`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'POST',
  path: '/mailings',
  entry: 'functions/api/create-mailing.ts',
  operationId: 'createMailing',
  auth: 'marketer',
  tag: 'mailings',
  status: 201,
  body: CreateMailing,
  tables: { app: 'write', contacts: 'read' },
  idempotent: true,
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary: 'Create a mailing (a draft)',
  description:
    "Creates a mailing as a draft: sender, subject, text and HTML with merge fields, tracked links, its subscription type and target list, and the consent override with its reason. The answer shows the preview counts, as GET does. 422 when one recipient's message, with its merge fields at their longest, would exceed what SES takes, or the mailing would not fit one stored item (400 KB).",
  response: Mailing,
}));
