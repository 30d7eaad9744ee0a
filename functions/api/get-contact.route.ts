import { defineRoute, documented } from '#shared/http/contract.ts';
import { IdParams } from '#shared/http/schemas/common.ts';
import { Contact } from '#shared/http/schemas/contact.ts';

/** The contract of `GET /contacts/{id}`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'GET',
  path: '/contacts/{id}',
  entry: 'functions/api/get-contact.ts',
  operationId: 'getContact',
  auth: 'marketer',
  tag: 'contacts',
  status: 200,
  params: IdParams,
  tables: { contacts: 'read' },
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary: 'A contact',
  description: 'A contact with its profile, custom fields, interests, consent and subscriptions.',
  response: Contact,
}));
