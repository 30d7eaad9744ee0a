import { chooseLanguage } from '#shared/domain/i18n.ts';
import { htmlPage, page } from '#shared/http/page.ts';
import { verifyPageToken } from '#shared/http/page-token.ts';
import { confirmedPage, confirmPage } from '#shared/pages/confirm-page.ts';
import { renderPreferences } from '#shared/pages/preferences-page.ts';
import { typeText } from '#shared/pages/type-text.ts';
import { confirmationState } from '#shared/use-cases/double-opt-in.ts';
import { loadPreferences } from '#shared/use-cases/preferences.ts';
import { route } from './show-preferences.route.ts';

/** A GET: shows the preference page, or the double opt-in button; never changes anything. */
export const handler = page(
  route,
  async ({ token, request }) => {
    if (token.payload.p === 'confirm') {
      const state = await confirmationState(token.payload);
      const language = chooseLanguage(state.contact.locale, request.acceptLanguage);
      const typeName = typeText(state.type, language).name;
      return htmlPage(
        state.status === 'pending'
          ? confirmPage({ language, typeName, action: `/p/${token.raw}` })
          : confirmedPage({
              language,
              typeName,
              already: true,
              preferencesUrl: `/p/${state.preferencesToken}`,
            }),
      );
    }
    const view = await loadPreferences(token.payload.c);
    return htmlPage(renderPreferences(view, token.raw, request.acceptLanguage));
  },
  { tokens: verifyPageToken },
);
