import { defineRoute, documented } from '#shared/http/contract.ts';
import { IdParams } from '#shared/http/schemas/common.ts';
import { Mailing } from '#shared/http/schemas/mailing.ts';

/** The contract of `POST /mailings/{id}/resume`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'POST',
  path: '/mailings/{id}/resume',
  entry: 'functions/api/resume-mailing.ts',
  operationId: 'resumeMailing',
  auth: 'admin',
  tag: 'mailings',
  status: 200,
  params: IdParams,
  tables: { app: 'write', contacts: 'read', recipients: 'read' },
  queues: ['plan'],
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary:
    'Resume a paused mailing (reputation guard, SES quota or pause), or bring back its chunks from the dead-letter queue (admin: these protect the whole account)',
  description:
    'Resumes a mailing that is `paused` (`pausedReason`: the reputation guard, or SES stopped taking mail from the account: daily quota, sending paused, account suspended), or one whose chunks went to the send queue’s dead-letter queue (`deadLetters` on `GET /mailings/{id}`). Every unfinished chunk is queued again; recipients already handed to SES are never mailed twice. Answers 409 for a mailing that is neither. Admin only, since these protect the whole account. Recorded in the audit log.',
  response: Mailing,
}));
