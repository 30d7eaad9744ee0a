import { defineRoute, documented } from '#shared/http/contract.ts';
import { BouncePolicySetting, PutBouncePolicy } from '#shared/http/schemas/bounce-policy.ts';

/** The contract of `PUT /settings/bounce-policy`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'PUT',
  path: '/settings/bounce-policy',
  entry: 'functions/api/put-bounce-policy.ts',
  operationId: 'putBouncePolicy',
  auth: 'admin',
  tag: 'settings',
  status: 200,
  body: PutBouncePolicy,
  tables: { app: 'write' },
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary: 'Replace the bounce policy (recorded in the audit log); it applies to feedback from now on',
  description:
    'Replaces the bounce policy; it applies to SES feedback from now on. A complaint must at least suppress the address. Recorded in the audit log.',
  response: BouncePolicySetting,
}));
