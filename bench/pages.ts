/**
 * The hosted pages' weight and server render time.
 *
 * - Weight: bytes of each page as served (the budget: each under 20 KB).
 * - Render: the preference page template alone (pure), median µs over many renders.
 * - Handler: `GET /p/{token}` and `GET /u/{token}` through the local gateway on an in-memory local
 *   stack (token check, reads, render), median and p95 ms of sequential requests.
 *
 * Prints one JSON object on stdout.
 *
 *   node bench/pages.ts [requests]
 */
import { startLocalStack } from '#infra/local/stack.ts';
import type { SubscriptionType } from '#shared/domain/subscription-type.ts';

const requests = Number(process.argv[2] ?? 300);

const stack = await startLocalStack({ pollWaitSeconds: 0, autoConsume: false });
const { setLogSink } = await import('#shared/observability/logger.ts');
setLogSink(() => undefined);
const { signingKeys } = await import('#shared/adapters/secrets/signing-keys.ts');
const { signToken } = await import('#shared/domain/tokens.ts');
const { preferencesPage } = await import('#shared/pages/preferences-page.ts');

const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
  const res = await fetch(stack.apiUrl + path, {
    method,
    headers: { authorization: `Bearer ${stack.adminKey}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await res.json()) as T;
};

// A realistic page: five types with descriptions (one translated), a named contact.
const typeBodies = [
  { name: 'Monthly newsletter', description: 'The best of the month, once a month: news, stories and tips.' },
  { name: 'Event invitations', description: 'Invitations to meet-ups, conferences and webinars near you.' },
  { name: 'Product updates', description: 'What is new in the product, a few times a year.' },
  { name: 'Offers', description: 'Deals and early access, now and then.' },
  {
    name: 'Webinars',
    description: 'Live sessions with our experts; you confirm by e-mail first.',
    doubleOptIn: true,
    translations: { sv: { name: 'Webbinarier', description: 'Livesändningar med våra experter.' } },
  },
];
const types: SubscriptionType[] = [];
for (const body of typeBodies) types.push(await api<SubscriptionType>('POST', '/subscription-types', body));
const contact = await api<{ id: string }>('POST', '/contacts', {
  email: 'ada.lovelace@example.com',
  firstName: 'Ada',
  locale: 'en',
  consent: { status: 'granted' },
  subscriptions: { [types[0]?.id as string]: 'subscribed', [types[1]?.id as string]: 'subscribed' },
});
const keys = await signingKeys();
const preferences = signToken(keys, { p: 'preferences', c: contact.id, m: 'm'.repeat(26), t: types[0]?.id });
const unsubscribe = signToken(keys, { p: 'unsubscribe', c: contact.id, m: 'm'.repeat(26), t: types[0]?.id });

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
const round = (n: number, digits = 2) => Number(n.toFixed(digits));

const timeRequests = async (path: string) => {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < requests + 20; i++) {
    const start = performance.now();
    const res = await fetch(stack.apiUrl + path);
    const text = await res.text();
    if (i >= 20) times.push(performance.now() - start); // the first ones warm the modules up
    bytes = Buffer.byteLength(text);
  }
  times.sort((a, b) => a - b);
  return { bytes, medianMs: round(percentile(times, 0.5)), p95Ms: round(percentile(times, 0.95)) };
};

const handlers = {
  preferences: await timeRequests(`/p/${preferences}`),
  unsubscribe: await timeRequests(`/u/${unsubscribe}`),
  magicLinkForm: await timeRequests('/p'),
  notFound: await timeRequests('/p/not-a-token'),
};

// The template alone, with the same content.
const input = {
  language: 'en' as const,
  action: `/p/${preferences}`,
  email: 'ada.lovelace@example.com',
  firstName: 'Ada',
  types: types.map((type, i) => ({ type, checked: i < 2, pending: false })),
  shown: types.map((t) => t.id).join(','),
  shownSig: `local1.${'s'.repeat(43)}`,
  consentInactive: false,
};
const renders = 20_000;
for (let i = 0; i < 2_000; i++) preferencesPage(input);
const samples: number[] = [];
for (let r = 0; r < 5; r++) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < renders; i++) preferencesPage(input);
  samples.push(Number(process.hrtime.bigint() - start) / 1e3 / renders);
}
samples.sort((a, b) => a - b);

await stack.stop();
process.stdout.write(
  `${JSON.stringify({
    budgetBytes: 20 * 1024,
    pages: handlers,
    preferencesTemplateRenderMicros: round(percentile(samples, 0.5), 1),
  })}\n`,
);
