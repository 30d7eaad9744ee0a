import { fromAcceptLanguage } from '#shared/domain/i18n.ts';
import { htmlPage, page } from '#shared/http/page.ts';
import { magicLinkPage } from '#shared/pages/magic-link-page.ts';
import { route } from './show-magic-link-form.route.ts';

/** Asks for an address to mail a preference link to. */
export const handler = page(route, async ({ request }) =>
  htmlPage(magicLinkPage({ language: fromAcceptLanguage(request.acceptLanguage) ?? 'en', action: '/p' })),
);
