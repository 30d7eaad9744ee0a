import { defineRoute, documented } from '#shared/http/contract.ts';
import { Contact } from '#shared/http/schemas/contact.ts';
import { CreateContact } from '#shared/http/schemas/contact-input.ts';

/** The contract of `POST /contacts`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'POST',
  path: '/contacts',
  entry: 'functions/api/create-contact.ts',
  operationId: 'createContact',
  auth: 'marketer',
  tag: 'contacts',
  status: 201,
  body: CreateContact,
  tables: { contacts: 'write', app: 'write' },
  secrets: ['signing'],
  idempotent: true,
  sendsEmail: true,
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary: 'Create a contact; 409 when a contact has the address (compared case-insensitively)',
  description:
    'Creates a contact with its consent, subscriptions and interests, each recorded in its history with source and evidence. 409 when a contact has the address (compared case-insensitively). A double opt-in type asked for is `pending` and the confirmation mail goes out.',
  response: Contact,
}));
