import { chooseLanguage } from '#shared/domain/i18n.ts';
import { evidenceOf, htmlPage, page, PageError, readForm } from '#shared/http/page.ts';
import { verifyPageToken } from '#shared/http/page-token.ts';
import { typeText } from '#shared/pages/type-text.ts';
import { unsubscribedPage } from '#shared/pages/unsubscribe-page.ts';
import { oneClickUnsubscribe } from '#shared/use-cases/one-click.ts';
import { route } from './one-click-unsubscribe.route.ts';

/**
 * RFC 8058 one-click: the mailbox provider (or our own page's button) POSTs
 * `List-Unsubscribe=One-Click`. 200 with a page, never a redirect, never a cookie.
 */
export const handler = page(
  route,
  async ({ token, form, request }) => {
    // A bare POST is still the act; a body that says something else is not this request.
    if (form.size > 0 && form.get('List-Unsubscribe') !== 'One-Click')
      throw new PageError(400, 'bad_request', 'Body is not List-Unsubscribe=One-Click');
    const { contact, type } = await oneClickUnsubscribe(token.payload, {
      ...(request.requestId ? { requestId: request.requestId } : {}),
      evidence: evidenceOf(request),
    });
    const language = chooseLanguage(contact?.locale, request.acceptLanguage);
    return htmlPage(
      unsubscribedPage({
        language,
        typeName: type && typeText(type, language).name,
        preferencesUrl: `/p/${token.raw}`,
      }),
    );
  },
  { tokens: verifyPageToken, forms: readForm },
);
