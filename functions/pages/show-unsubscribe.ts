import { chooseLanguage } from '#shared/domain/i18n.ts';
import { htmlPage, page } from '#shared/http/page.ts';
import { verifyPageToken } from '#shared/http/page-token.ts';
import { typeText } from '#shared/pages/type-text.ts';
import { unsubscribePage } from '#shared/pages/unsubscribe-page.ts';
import { unsubscribeTarget } from '#shared/use-cases/one-click.ts';
import { route } from './show-unsubscribe.route.ts';

/** A GET of the List-Unsubscribe URL (a person, or a link scanner): a button that POSTs; nothing changes. */
export const handler = page(
  route,
  async ({ token, request }) => {
    const { contact, type } = await unsubscribeTarget(token.payload);
    const language = chooseLanguage(contact?.locale, request.acceptLanguage);
    return htmlPage(
      unsubscribePage({
        language,
        typeName: type && typeText(type, language).name,
        action: `/u/${token.raw}`,
        preferencesUrl: `/p/${token.raw}`,
      }),
    );
  },
  { tokens: verifyPageToken },
);
