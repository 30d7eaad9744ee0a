import { evidenceOf, page, redirectTo } from '#shared/http/page.ts';
import { followLink } from '#shared/use-cases/tracked-links.ts';
import { route } from './follow-link.route.ts';

/** A tracked link: its signed action, applied once, then 302 to its signed target. */
export const handler = page(route, async ({ token, request }) =>
  redirectTo(
    await followLink(token.raw, token.payload, {
      ...(request.requestId ? { requestId: request.requestId } : {}),
      evidence: evidenceOf(request),
    }),
  ),
);
