import { api } from '#shared/http/api.ts';
import { setContactConsent } from '#shared/use-cases/contacts.ts';

export const handler = api('PUT /contacts/{id}/consent', ({ params, body, actor, request }) =>
  setContactConsent(params.id, body, actor, request),
);
