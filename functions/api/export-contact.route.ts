import { defineRoute, documented } from '#shared/http/contract.ts';
import { IdParams } from '#shared/http/schemas/common.ts';
import { ContactExport } from '#shared/http/schemas/contact-export.ts';

/** The contract of `GET /contacts/{id}/export`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'GET',
  path: '/contacts/{id}/export',
  entry: 'functions/api/export-contact.ts',
  operationId: 'exportContact',
  auth: 'marketer',
  tag: 'contacts',
  status: 200,
  params: IdParams,
  tables: { contacts: 'read', app: 'read', recipients: 'read' },
  secrets: ['signing'],
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary:
    'Everything stored about a contact (GDPR Art. 15/20): profile, history, memberships, suppression, mailings',
  description:
    'Everything stored about a contact (GDPR Art. 15/20): profile, history, list-building memberships, suppression, and the mailings it was a recipient of.',
  response: ContactExport,
}));
