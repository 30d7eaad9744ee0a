import { defineRoute } from '#shared/http/contract.ts';
import { IdParams } from '#shared/http/schemas/common.ts';
import { Mailing } from '#shared/http/schemas/mailing.ts';

/** The contract of `POST /mailings/{id}/resume`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'POST',
  path: '/mailings/{id}/resume',
  entry: 'functions/api/resume-mailing.ts',
  operationId: 'resumeMailing',
  auth: 'admin',
  summary: 'Resume a mailing the reputation guard paused (admin: the guard protects the whole account)',
  description:
    'Resumes a mailing the reputation guard paused. Admin only, since the guard protects the whole account. Recorded in the audit log.',
  tag: 'mailings',
  status: 200,
  params: IdParams,
  response: Mailing,
  tables: { app: 'write', contacts: 'read', recipients: 'read' },
  queues: ['plan'],
});
