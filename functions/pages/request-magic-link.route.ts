import { defineRoute, documented } from '#shared/http/contract.ts';

/** The contract of `POST /p`: see shared/http/contract.ts. */
export const route = defineRoute({
  method: 'POST',
  path: '/p',
  entry: 'functions/pages/request-magic-link.ts',
  operationId: 'requestMagicLink',
  auth: 'none',
  tag: 'pages',
  status: 200,
  // The rate-limit counters; the lookup and the mail are the mail worker's (infra/queues.ts).
  tables: { app: 'write' },
  secrets: ['signing'],
  queues: ['mail'],
  page: { form: true },
});

/** The route with its documentation, for the route table (see `documented`). */
export const documentedRoute = /* @__PURE__ */ documented(route, () => ({
  summary:
    'HTML form post: mails a preference link (valid 7 days) if the address is known; the same answer, in the same time, either way; rate-limited per IP and per address (429)',
  description:
    'Mails a preference link (valid 7 days) if the address belongs to a contact. The answer is the same, in the same time, for known and unknown addresses; 5 requests per 15 minutes per IP and per address (429 beyond).',
}));
