import * as z from '#shared/schema/z.ts';
import { defineRoute, documented } from '#shared/http/contract.ts';
import { IdParams, Timestamp } from '#shared/http/schemas/common.ts';

const SendAccepted = z
  .object({
    id: z.string(),
    status: z.literal('planned'),
    sendRequestedAt: Timestamp,
  })
  .check(z.meta({ id: 'SendAccepted', description: 'Planning and sending go on in the background' }));

/** The contract of `POST /mailings/{id}/send`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'POST',
  path: '/mailings/{id}/send',
  entry: 'functions/api/send-mailing.ts',
  operationId: 'sendMailing',
  auth: 'marketer',
  tag: 'mailings',
  status: 202,
  params: IdParams,
  tables: { app: 'write' },
  queues: ['plan'],
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary: 'Send: 202, planning and sending run in the background (overrideConsent needs an admin key)',
  description:
    "Sends a draft: 202, then planning and sending run in the background, paced to the account's SES rate. A mailing with the consent override needs an admin key (and is audited).",
  response: SendAccepted,
}));
