import * as z from '#shared/schema/z.ts';
import { defineRoute, documented } from '#shared/http/contract.ts';
import { IdParams } from '#shared/http/schemas/common.ts';

/** The contract of `POST /contacts/{id}/privacy-email`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'POST',
  path: '/contacts/{id}/privacy-email',
  entry: 'functions/api/send-privacy-email.ts',
  operationId: 'sendPrivacyEmail',
  auth: 'marketer',
  tag: 'contacts',
  status: 202,
  params: IdParams,
  tables: { contacts: 'read' },
  secrets: ['signing'],
  sendsEmail: true,
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary: 'Send the contact the "manage your subscriptions" e-mail with a personal preference link',
  description:
    'Mails the contact a "manage your subscriptions" message with a personal preference-page link. 202: SES has accepted it.',
  response: z
    .object({
      contactId: z.string(),
      sent: z.literal(true),
      messageId: z.optional(z.string().check(z.describe("SES's id of the message"))),
    })
    .check(z.meta({ id: 'PrivacyEmailSent' })),
}));
