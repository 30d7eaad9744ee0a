import { chooseLanguage } from '#shared/domain/i18n.ts';
import { evidenceOf, formRedirectsTo, htmlPage, page, redirectTo } from '#shared/http/page.ts';
import { verifyPageToken } from '#shared/http/page-token.ts';
import { linkPage } from '#shared/pages/link-page.ts';
import { typeText } from '#shared/pages/type-text.ts';
import { visitLink } from '#shared/use-cases/tracked-links.ts';
import { route } from './follow-link.route.ts';

/**
 * A GET of a tracked link (a person's click, or a link scanner's fetch): an interest action applied
 * once and a 302 to the signed target, or, for a subscription action, a page whose button POSTs it.
 */
export const handler = page(
  route,
  async ({ token, request }) => {
    const visit = await visitLink(token.raw, token.payload, {
      ...(request.requestId ? { requestId: request.requestId } : {}),
      evidence: evidenceOf(request),
    });
    if (visit.kind === 'redirect') return redirectTo(visit.target);
    const language = chooseLanguage(visit.contact.locale, request.acceptLanguage);
    return htmlPage(
      linkPage({
        language,
        action: visit.action,
        typeName: typeText(visit.type, language).name,
        formAction: `/l/${token.raw}`,
        target: visit.target,
      }),
      200,
      formRedirectsTo(visit.target),
    );
  },
  { tokens: verifyPageToken },
);
