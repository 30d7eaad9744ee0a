import { defineRoute, documented } from '#shared/http/contract.ts';

/** The contract of `GET /l/{token}`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'GET',
  path: '/l/{token}',
  entry: 'functions/pages/follow-link.ts',
  operationId: 'followLink',
  auth: 'token',
  tag: 'pages',
  status: 302,
  tables: { contacts: 'write', app: 'write' },
  secrets: ['signing'],
  page: { purposes: ['link'] },
});

/** The route with its documentation and answers, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary:
    'Tracked link: an interest action applies once, then 302 to the signed target; a subscribe/unsubscribe action shows a one-button page (200) and changes nothing',
  description:
    "A tracked link. Link scanners fetch every link of a mail, so a GET may apply only an interest action (added or removed, once per link), then 302 to the link's signed target. A link that subscribes or unsubscribes a type answers a page with one button, which POSTs to the same URL; the GET itself changes nothing (it redirects at once when the POST would change nothing either). No open redirect: the target is signed.",
  otherResponses: {
    200: { description: 'A subscription action: a page with one button that POSTs it; nothing changed' },
  },
}));
