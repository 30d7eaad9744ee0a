/**
 * Planning at scale, in miniature: many small pages per shard, chained invocations, and a crash
 * in the middle of a page. Every recipient is recorded and counted exactly once, and mailed once.
 */
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { inbox } from '#test/helpers/ses-inbox.ts';

const { request, stack, recipientRows } = useLocalStack({ autoConsume: false });
const size = 120;
let typeId: string;
let listId: string;

const newMailing = async () => {
  const created = await request<{ id: string }>('POST', '/mailings', {
    body: {
      name: 'm',
      subscriptionTypeId: typeId,
      listId,
      from: 'n@sc.example',
      subject: 's',
      text: 'Hi {{firstName}}',
    },
  });
  expect((await request('POST', `/mailings/${created.body.id}/send`)).status).toBe(202);
  return created.body.id;
};

const queued = async () =>
  Number(
    (
      await stack().sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: stack().queueUrls.send.url,
          AttributeNames: ['ApproximateNumberOfMessages'],
        }),
      )
    ).Attributes?.ApproximateNumberOfMessages,
  );

beforeAll(async () => {
  typeId = (await request<{ id: string }>('POST', '/subscription-types', { body: { name: 'Digest' } })).body
    .id;
  const contacts = Array.from({ length: size }, (_, i) => ({
    email: `reader${i}@example.com`,
    consent: { status: 'granted', source: 'import' },
    subscriptions: { [typeId]: 'subscribed' },
  }));
  expect((await request('POST', '/contacts/batch', { body: { contacts } })).status).toBe(200);
  listId = (
    await request<{ id: string }>('POST', '/lists', {
      body: { name: 'all', criteria: { subscribedTo: typeId } },
    })
  ).body.id;
});

describe('planning', () => {
  it('plans in chained steps, page by page, recording and counting everyone once', async () => {
    const { planMailing } = await import('#shared/use-cases/planning.ts');
    await stack().consume('plan'); // the worker's own first step is not needed here: drop its message
    const id = await newMailing();
    let steps = 0;
    for (let done = false; !done; steps++) {
      // An invocation with time for about a dozen pages across the 16 shards.
      let budget = 12;
      done = (await planMailing(id, () => (budget-- > 0 ? 120_000 : 0), 3)).done;
      expect(steps).toBeLessThan(100);
    }
    expect(steps).toBeGreaterThan(2);
    const rows = await recipientRows(id);
    expect(rows).toHaveLength(size);
    expect(new Set(rows.map((r) => r.contactId)).size).toBe(size);
    const mailing = await request<{ counts: Record<string, number> }>('GET', `/mailings/${id}`);
    expect(mailing.body.counts).toMatchObject({ eligible: size, excluded: 0, queued: size });
  });

  it('resumes after a crash mid-page without recording, counting or mailing anyone twice', async () => {
    const { planMailing } = await import('#shared/use-cases/planning.ts');
    const { dynamo } = await import('#shared/adapters/dynamodb/client.ts');
    await stack().consume('send');
    await stack().consume('plan');
    const id = await newMailing();
    // The planner dies after writing a page's chunks and queueing them, before its checkpoint.
    let crashes = 0;
    dynamo.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as { UpdateExpression?: string; Key?: { sk?: string } };
        if (crashes < 1 && input.Key?.sk === 'PLAN' && input.UpdateExpression?.includes('ADD')) {
          crashes++;
          throw new Error('process died');
        }
        return next(args);
      },
      { step: 'initialize', name: 'crash-once' },
    );
    try {
      await expect(planMailing(id, () => 120_000, 7)).rejects.toThrow('process died');
    } finally {
      dynamo.middlewareStack.remove('crash-once');
    }
    for (let done = false; !done; ) done = (await planMailing(id, () => 120_000, 7)).done;
    const rows = await recipientRows(id);
    expect(rows).toHaveLength(size);
    expect(new Set(rows.map((r) => r.contactId)).size).toBe(size);
    const planned = await request<{ counts: Record<string, number> }>('GET', `/mailings/${id}`);
    expect(planned.body.counts).toMatchObject({ eligible: size, queued: size });
    // The crashed page's chunks may be queued twice; the sender takes each chunk once.
    expect(await queued()).toBeGreaterThanOrEqual(Math.ceil(size / 50));
    const before = (await inbox(stack().sesUrl)).length;
    await stack().consume('send');
    const mails = (await inbox(stack().sesUrl)).slice(before);
    expect(mails).toHaveLength(size);
    expect(new Set(mails.map((m) => m.destination.to[0])).size).toBe(size);
    const sent = await request<{ status: string; counts: Record<string, number> }>('GET', `/mailings/${id}`);
    expect(sent.body).toMatchObject({ status: 'sent', counts: { sent: size, queued: 0 } });
  });
});
