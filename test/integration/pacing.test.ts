/**
 * Pacing: two senders working at once never put more than SES_RATE_PER_SECOND messages into SES
 * in any one-second window, and come close to it.
 */
import { expect, it } from 'vitest';
import { useLocalStack } from '#test/helpers/local-stack.ts';

const rate = 20;
const size = 100;
const { request, stack } = useLocalStack({ autoConsume: false, sesRatePerSecond: rate });

it('never exceeds the configured SES rate in any one-second window, across concurrent senders', async () => {
  const typeId = (await request<{ id: string }>('POST', '/subscription-types', { body: { name: 'Paced' } }))
    .body.id;
  const contacts = Array.from({ length: size }, (_, i) => ({
    email: `paced${i}@example.com`,
    consent: { status: 'granted', source: 'import' },
    subscriptions: { [typeId]: 'subscribed' },
  }));
  await request('POST', '/contacts/batch', { body: { contacts } });
  const listId = (
    await request<{ id: string }>('POST', '/lists', {
      body: { name: 'p', criteria: { subscribedTo: typeId } },
    })
  ).body.id;
  const mailingId = (
    await request<{ id: string }>('POST', '/mailings', {
      body: { name: 'p', subscriptionTypeId: typeId, listId, from: 'n@sc.example', subject: 's', text: 't' },
    })
  ).body.id;
  await request('POST', `/mailings/${mailingId}/send`);
  await stack().consume('plan');

  const { ses } = await import('#shared/adapters/ses/client.ts');
  const calls: Array<{ at: number; count: number }> = [];
  ses.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as { BulkEmailEntries?: unknown[] };
      calls.push({ at: Date.now(), count: input.BulkEmailEntries?.length ?? 1 });
      return next(args);
    },
    { step: 'initialize', name: 'record-sends' },
  );
  const started = Date.now();
  try {
    // Two consumers at once, as Lambda's minimum concurrency of two would run them.
    await Promise.all([stack().consume('send'), stack().consume('send')]);
  } finally {
    ses.middlewareStack.remove('record-sends');
  }
  const elapsed = (Date.now() - started) / 1000;
  expect(calls.reduce((sum, c) => sum + c.count, 0)).toBe(size);
  for (const call of calls) {
    const window = calls
      .filter((c) => c.at >= call.at && c.at < call.at + 1000)
      .reduce((sum, c) => sum + c.count, 0);
    expect(window).toBeLessThanOrEqual(rate);
  }
  // Close to the rate: 100 messages at 20/s need at least 4 s; allow generous slack for a busy machine.
  expect(elapsed).toBeGreaterThanOrEqual((size - rate) / rate);
  const mailing = await request<{ status: string; counts: { sent: number } }>(
    'GET',
    `/mailings/${mailingId}`,
  );
  expect(mailing.body).toMatchObject({ status: 'sent', counts: { sent: size } });
});
