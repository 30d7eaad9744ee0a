import * as z from '#shared/schema/z.ts';
import { defineRoute, documented } from '#shared/http/contract.ts';
import { page } from '#shared/http/schemas/common.ts';
import { Email } from '#shared/http/schemas/email.ts';
import { Suppression } from '#shared/http/schemas/suppression.ts';

const FindSuppressionsQuery = z.object({ email: Email });

/** The contract of `GET /suppressions`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'GET',
  path: '/suppressions',
  entry: 'functions/api/find-suppressions.ts',
  operationId: 'findSuppressions',
  auth: 'marketer',
  tag: 'suppressions',
  status: 200,
  query: FindSuppressionsQuery,
  tables: { contacts: 'read' },
  secrets: ['signing'],
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary: "The address's suppression entry, found by its fingerprint: a list of zero or one",
  description:
    'Finds the suppression entry of an address by its keyed fingerprint: a list of zero or one. The address is never stored in the entry.',
  response: page(Suppression),
}));
