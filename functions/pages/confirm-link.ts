import { evidenceOf, page, readForm, redirectTo } from '#shared/http/page.ts';
import { verifyPageToken } from '#shared/http/page-token.ts';
import { confirmLink } from '#shared/use-cases/tracked-link-confirm.ts';
import { route } from './confirm-link.route.ts';

/** The button of a tracked link's page: its action, then 303 to its signed target. */
export const handler = page(
  route,
  async ({ token, request }) =>
    redirectTo(
      await confirmLink(token.raw, token.payload, {
        ...(request.requestId ? { requestId: request.requestId } : {}),
        evidence: evidenceOf(request),
      }),
      303,
    ),
  { tokens: verifyPageToken, forms: readForm },
);
