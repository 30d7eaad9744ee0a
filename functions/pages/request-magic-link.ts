import { fromAcceptLanguage } from '#shared/domain/i18n.ts';
import { htmlPage, page, PageError, readForm } from '#shared/http/page.ts';
import { magicLinkPage } from '#shared/pages/magic-link-page.ts';
import { magicLinkWindowSeconds, requestMagicLink } from '#shared/use-cases/magic-link.ts';
import { route } from './request-magic-link.route.ts';

/** Mails a preference link if the address is known; answers the same either way. */
export const handler = page(
  route,
  async ({ form, request }) => {
    const email = form.get('email') ?? '';
    const outcome = await requestMagicLink({ email, ip: request.ip, acceptLanguage: request.acceptLanguage });
    if (outcome === 'limited') {
      throw new PageError(429, 'too_many', 'Magic link rate limit', {
        'retry-after': String(magicLinkWindowSeconds),
      });
    }
    const language = fromAcceptLanguage(request.acceptLanguage) ?? 'en';
    return outcome === 'invalid'
      ? htmlPage(magicLinkPage({ language, action: '/p', invalid: { value: email.slice(0, 254) } }), 400)
      : htmlPage(magicLinkPage({ language, action: '/p', sent: true }));
  },
  { forms: readForm },
);
