/**
 * Planning at scale, in miniature: many small pages per shard, chained invocations, a crash in the
 * middle of a page (with members coming and going before the planner resumes), and lists whose
 * sources overlap. Every recipient is recorded and counted exactly once, and mailed once.
 */
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { inbox } from '#test/helpers/ses-inbox.ts';

const { request, stack, recipientRows } = useLocalStack({ autoConsume: false });
const size = 120;
let typeId: string;
let listId: string;
/** Contact ids by address number, and whether each is subscribed to the type. */
let ids: string[];

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
  const imported = await request<{ results: Array<{ id: string }> }>('POST', '/contacts/batch', {
    body: { contacts },
  });
  expect(imported.status).toBe(200);
  ids = imported.body.results.map((r) => r.id);
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

  it('reads again exactly the page it was writing when it crashed, whoever came or went meanwhile', async () => {
    const { planMailing } = await import('#shared/use-cases/planning.ts');
    const { dynamo } = await import('#shared/adapters/dynamodb/client.ts');
    const { shardOf } = await import('#shared/adapters/dynamodb/contact-keys.ts');
    await stack().consume('send');
    await stack().consume('plan');
    // The shard with the most members; its first page holds its first `limit` members by id.
    const limit = 6;
    const byShard = new Map<number, string[]>();
    for (const id of ids) byShard.set(shardOf(id), [...(byShard.get(shardOf(id)) ?? []), id]);
    const [shard, members] = [...byShard.entries()].sort((a, b) => b[1].length - a[1].length)[0] as [
      number,
      string[],
    ];
    members.sort();
    expect(members.length).toBeGreaterThan(limit);
    // Before planning, one member of the first page's range leaves the type (it comes back later).
    const comer = members[1] as string;
    const subscription = (id: string, status: string) =>
      request('PUT', `/contacts/${id}/subscriptions/${typeId}`, { body: { status, source: 'api' } });
    expect((await subscription(comer, 'unsubscribed')).status).toBe(200);
    const id = await newMailing();
    const source = `s${String(shard).padStart(2, '0')}`;
    // The planner dies on that shard's first page, after its chunks, before its checkpoint.
    let crashed = false;
    dynamo.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as { Key?: { sk?: string }; UpdateExpression?: string };
        const text = JSON.stringify(args.input);
        if (
          !crashed &&
          input.Key?.sk === 'PLAN' &&
          input.UpdateExpression?.includes('ADD') &&
          text.includes(`"${source}"`)
        ) {
          crashed = true;
          throw new Error('process died');
        }
        return next(args);
      },
      { step: 'initialize', name: 'crash-on-page' },
    );
    try {
      await expect(planMailing(id, () => 120_000, limit)).rejects.toThrow('process died');
    } finally {
      dynamo.middlewareStack.remove('crash-on-page');
    }
    const { Item } = await dynamo.send(
      new GetCommand({
        TableName: stack().tableNames.recipients,
        Key: { pk: `R#${id}`, sk: 'PLAN' },
        ConsistentRead: true,
      }),
    );
    const checkpoint = Item?.sources?.[source] as { page: number; current?: { through: string } };
    expect(checkpoint.page).toBe(0);
    const through = checkpoint.current?.through as string;
    expect(through >= (members[limit] as string)).toBe(true);
    // Meanwhile: the one who left comes back inside that page's range, and one recorded there leaves.
    const leaver = members[0] as string;
    expect((await subscription(comer, 'subscribed')).status).toBe(200);
    expect((await subscription(leaver, 'unsubscribed')).status).toBe(200);
    for (let done = false; !done; ) done = (await planMailing(id, () => 120_000, limit)).done;

    const rows = await recipientRows(id);
    const perContact = new Map<string, number>();
    for (const row of rows) perContact.set(row.contactId, (perContact.get(row.contactId) ?? 0) + 1);
    expect([...perContact.values()].filter((n) => n > 1)).toEqual([]);
    // The leaver was recorded before the crash and stays recorded once; the comer is recorded now.
    expect(perContact.get(leaver)).toBe(1);
    expect(perContact.get(comer)).toBe(1);
    expect(rows).toHaveLength(size);
    const mailing = await request<{ counts: Record<string, number> }>('GET', `/mailings/${id}`);
    expect(mailing.body.counts).toMatchObject({ eligible: size, excluded: 0, queued: size });
    // Put the two back as they were for the next test.
    await subscription(leaver, 'subscribed');
  });

  it('yields a contact once whatever sources of a list reach it, even as its interests change', async () => {
    const { planMailing } = await import('#shared/use-cases/planning.ts');
    const { dynamo } = await import('#shared/adapters/dynamodb/client.ts');
    await stack().consume('send');
    await stack().consume('plan');
    // Interests: some both, some one, plus a static set overlapping them.
    const tagged = ids.slice(0, 60);
    for (const [i, contactId] of tagged.entries()) {
      const interests = i % 3 === 0 ? ['alpha', 'beta'] : i % 3 === 1 ? ['alpha'] : ['beta'];
      expect((await request('PATCH', `/contacts/${contactId}`, { body: { interests } })).status).toBe(200);
    }
    const statics = [...ids.slice(0, 10), ...ids.slice(100, 110)];
    const list = await request<{ id: string }>('POST', '/lists', {
      body: { name: 'overlap', criteria: { interests: { any: ['alpha', 'beta'] } }, contactIds: statics },
    });
    expect(list.status).toBe(201);
    const mailingId = (
      await request<{ id: string }>('POST', '/mailings', {
        body: {
          name: 'o',
          subscriptionTypeId: typeId,
          listId: list.body.id,
          from: 'n@sc.example',
          subject: 's',
          text: 't',
        },
      })
    ).body.id;
    expect((await request('POST', `/mailings/${mailingId}/send`)).status).toBe(202);
    // While planning reads, a contact with both interests drops the first one.
    const changing = tagged[0] as string;
    let changed = false;
    dynamo.middlewareStack.add(
      (next) => async (args) => {
        const out = await next(args);
        const input = args.input as {
          IndexName?: string;
          ExpressionAttributeValues?: Record<string, string>;
        };
        if (
          !changed &&
          input.IndexName === 'members' &&
          String(input.ExpressionAttributeValues?.[':g']).startsWith('I#alpha#')
        ) {
          changed = true;
          await request('PATCH', `/contacts/${changing}`, { body: { interests: ['beta'] } });
        }
        return out;
      },
      { step: 'initialize', name: 'change-interests' },
    );
    try {
      for (let done = false; !done; ) done = (await planMailing(mailingId, () => 120_000, 4)).done;
    } finally {
      dynamo.middlewareStack.remove('change-interests');
    }
    expect(changed).toBe(true);
    const rows = await recipientRows(mailingId);
    const expected = new Set([...tagged, ...statics]);
    expect(rows.map((r) => r.contactId).sort()).toEqual([...expected].sort());
    const mailing = await request<{ counts: Record<string, number> }>('GET', `/mailings/${mailingId}`);
    expect((mailing.body.counts.eligible ?? 0) + (mailing.body.counts.excluded ?? 0)).toBe(expected.size);
  });
});
