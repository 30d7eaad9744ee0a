import { api } from '#shared/http/api.ts';
import { setContactConsent } from '#shared/use-cases/contacts.ts';
import { route } from './put-contact-consent.route.ts';

export const handler = api(route, ({ params, body, actor, request }) =>
  setContactConsent(params.id, body, actor, request),
);
