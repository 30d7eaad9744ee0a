/**
 * A mailing at a real account's SES rate on the local stack running as `npm start` runs it (the
 * queue consumers in the background, two at a time, long polls): it finishes within
 * 1.2 × recipients / rate + 20 s of the send request, and no one-second window at SES holds more
 * than the rate. Waiting for the rate uses up no receive and sends nothing to the DLQ. Used by
 * test/integration/sending-at-{1,4,14}.test.ts; `npm run bench` measures the same at larger sizes.
 */
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { expect, it } from 'vitest';
import { useLocalStack } from './local-stack.ts';

export const itFinishesAtTheRate = (rate: number, recipients: number) => {
  const { request, stack } = useLocalStack({ sesRatePerSecond: rate, pollWaitSeconds: 1 });
  const allowedMs = (1.2 * (recipients / rate) + 20) * 1000;

  it(`sends ${recipients} recipients at ${rate}/s within ${(allowedMs / 1000).toFixed(0)} s, never above the rate`, async () => {
    const typeId = (
      await request<{ id: string }>('POST', '/subscription-types', { body: { name: `At ${rate}/s` } })
    ).body.id;
    const contacts = Array.from({ length: recipients }, (_, i) => ({
      email: `rate${rate}-${i}@example.com`,
      consent: { status: 'granted', source: 'import' },
      subscriptions: { [typeId]: 'subscribed' },
    }));
    expect((await request('POST', '/contacts/batch', { body: { contacts } })).status).toBe(200);
    const listId = (
      await request<{ id: string }>('POST', '/lists', {
        body: { name: 'r', criteria: { subscribedTo: typeId } },
      })
    ).body.id;
    const mailingId = (
      await request<{ id: string }>('POST', '/mailings', {
        body: {
          name: 'r',
          subscriptionTypeId: typeId,
          listId,
          from: 'n@sc.example',
          subject: 's',
          text: 't',
        },
      })
    ).body.id;

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
    let status = '';
    try {
      expect((await request('POST', `/mailings/${mailingId}/send`)).status).toBe(202);
      while (Date.now() - started < allowedMs + 30_000) {
        await new Promise((r) => setTimeout(r, 250));
        status = (await request<{ status: string }>('GET', `/mailings/${mailingId}`)).body.status;
        if (status === 'sent') break;
      }
    } finally {
      ses.middlewareStack.remove('record-sends');
    }
    const elapsed = Date.now() - started;
    expect(status).toBe('sent');
    expect(elapsed).toBeLessThanOrEqual(allowedMs);
    const mailing = await request<{ counts: Record<string, number> }>('GET', `/mailings/${mailingId}`);
    expect(mailing.body.counts).toMatchObject({ sent: recipients, failed: 0, queued: 0 });
    expect(calls.reduce((sum, c) => sum + c.count, 0)).toBe(recipients);
    for (const call of calls) {
      const window = calls
        .filter((c) => c.at >= call.at && c.at < call.at + 1000)
        .reduce((n, c) => n + c.count, 0);
      expect(window).toBeLessThanOrEqual(rate);
    }
    const { Attributes } = await stack().sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: stack().queueUrls.send.dlqUrl,
        AttributeNames: ['ApproximateNumberOfMessages'],
      }),
    );
    expect(Attributes?.ApproximateNumberOfMessages).toBe('0');
  }, 240_000);
};
