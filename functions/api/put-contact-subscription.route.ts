import { defineRoute, documented } from '#shared/http/contract.ts';
import { Contact } from '#shared/http/schemas/contact.ts';
import { ContactTypeParams, PutSubscription } from '#shared/http/schemas/contact-change-input.ts';

/** The contract of `PUT /contacts/{id}/subscriptions/{typeId}`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'PUT',
  path: '/contacts/{id}/subscriptions/{typeId}',
  entry: 'functions/api/put-contact-subscription.ts',
  operationId: 'putContactSubscription',
  auth: 'marketer',
  tag: 'contacts',
  status: 200,
  params: ContactTypeParams,
  body: PutSubscription,
  tables: { contacts: 'write', app: 'read' },
  secrets: ['signing'],
  sendsEmail: true,
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary:
    'Subscribe or unsubscribe one type (other types are untouched; double opt-in types become `pending`)',
  description:
    'Subscribes or unsubscribes one type; other types are untouched. A double opt-in type becomes `pending` and the confirmation mail goes out.',
  response: Contact,
}));
