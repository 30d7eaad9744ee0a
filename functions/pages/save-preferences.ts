import { chooseLanguage } from '#shared/domain/i18n.ts';
import { evidenceOf, htmlPage, page, PageError, readForm } from '#shared/http/page.ts';
import { verifyPageToken } from '#shared/http/page-token.ts';
import { confirmedPage } from '#shared/pages/confirm-page.ts';
import { renderPreferences } from '#shared/pages/preferences-page.ts';
import { typeText } from '#shared/pages/type-text.ts';
import { confirmSubscription } from '#shared/use-cases/double-opt-in.ts';
import { savePreferences } from '#shared/use-cases/preferences.ts';
import { route } from './save-preferences.route.ts';

/** Saves the preference page (200, the page again with what was done), or confirms a double opt-in. */
export const handler = page(
  route,
  async ({ token, form, request }) => {
    const payload = token.payload;
    const act = {
      ...(request.requestId ? { requestId: request.requestId } : {}),
      evidence: evidenceOf(request),
      ...('m' in payload && payload.m ? { mailingId: payload.m } : {}),
    };
    if (payload.p === 'confirm') {
      const result = await confirmSubscription(payload, act);
      const language = chooseLanguage(result.contact.locale, request.acceptLanguage);
      return htmlPage(
        confirmedPage({
          language,
          typeName: typeText(result.type, language).name,
          already: result.already,
          preferencesUrl: `/p/${result.preferencesToken}`,
        }),
      );
    }
    const shown = form.get('shown');
    const sig = form.get('sig');
    if (shown === undefined || sig === undefined)
      throw new PageError(400, 'bad_request', 'Form without shown types');
    const { view, notice } = await savePreferences(
      payload.c,
      {
        action: form.get('action') === 'unsubscribe_all' ? 'unsubscribe_all' : 'save',
        checked: form.all('type'),
        shown,
        sig,
        acceptLanguage: request.acceptLanguage,
      },
      { ...act, ...(form.get('reason') ? { reason: form.get('reason') } : {}) },
    );
    return htmlPage(renderPreferences(view, token.raw, request.acceptLanguage, notice));
  },
  { tokens: verifyPageToken, forms: readForm },
);
