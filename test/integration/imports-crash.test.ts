/**
 * An import step that dies between writing a batch and checkpointing it: the redelivered step
 * resumes at the last checkpoint and finds its own work, so nobody is written twice and every
 * count is exact — for new contacts (claims, items, memberships) and for updates (one change each).
 * The worker is driven by hand (no background consumers), the crash injected after the batch write.
 */
import { QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { dynamo } from '#shared/adapters/dynamodb/client.ts';
import { runImportStep } from '#shared/use-cases/import-run.ts';
import { type FaultableClient, injectOnWire } from '#test/helpers/faults.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';

const { request, stack } = useLocalStack({ autoConsume: false });

let typeId = '';
beforeAll(async () => {
  typeId = (await request<{ id: string }>('POST', '/subscription-types', { body: { name: 'Crash news' } }))
    .body.id;
});

const rows = 2500;
const file = (name: string) =>
  `email,first_name\n${Array.from({ length: rows }, (_, i) => `p${i}@crash.example,${name} ${i}`).join('\n')}\n`;

const job = async (id: string) =>
  (await request<Record<string, number | string>>('GET', `/imports/${id}`)).body;

/** Every item of the contacts table under these partition key prefixes. */
const scan = async () => {
  const items: Array<Record<string, unknown>> = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await stack().dynamo.send(
      new ScanCommand({ TableName: stack().tableNames.contacts, ExclusiveStartKey: start as never }),
    );
    items.push(...(page.Items ?? []).map((i) => unmarshall(i)));
    start = page.LastEvaluatedKey;
  } while (start);
  return items.filter(
    (i) => String(i.emailKey ?? i.pk).includes('crash.example') || String(i.sk).startsWith('M#'),
  );
};

/** Runs the job's steps by hand: the first crashes after writing batch `crashAfter`. */
const runWithCrash = async (jobId: string, crashAfter: number) => {
  let crashed = false;
  await expect(
    runImportStep(jobId, () => 300_000, {
      afterBatchWrite: (batch) => {
        if (batch === crashAfter && !crashed) {
          crashed = true;
          throw new Error('the process died');
        }
      },
    }),
  ).rejects.toThrow('the process died');
  expect(crashed).toBe(true);
  const mid = await job(jobId);
  expect(mid.status).toBe('running');
  // Only the batches before the crash are checkpointed.
  expect(mid.processed).toBe(crashAfter * 1000);
  // SQS hands the message out again once its lease (the dead invocation's time) has passed.
  const later = () => Date.now() + 301_000;
  let steps = 0;
  for (let more = true; more; steps++)
    more = (await runImportStep(jobId, () => 300_000, { now: later })).more;
  return steps;
};

describe('an import step that crashes after writing a batch', () => {
  it('resumes without creating anyone twice', async () => {
    const res = await request<{ id: string }>('POST', '/imports', {
      body: { format: 'csv', csv: file('First'), defaults: { subscriptions: { [typeId]: 'subscribed' } } },
    });
    expect(res.status).toBe(201);
    await runWithCrash(res.body.id, 1);
    expect(await job(res.body.id)).toMatchObject({
      status: 'done',
      total: rows,
      processed: rows,
      created: rows,
      failed: 0,
      unchanged: 0,
    });

    const items = await scan();
    const contactsWritten = items.filter((i) => i.sk === 'PROFILE');
    expect(contactsWritten).toHaveLength(rows);
    // Each written once: version 1, one creation in its history.
    expect(contactsWritten.every((c) => c.version === 1)).toBe(true);
    expect(contactsWritten.every((c) => Object.keys(c.outbox as object).length === 2)).toBe(true);
    expect(items.filter((i) => String(i.pk).startsWith('E#'))).toHaveLength(rows);
    const members = await stack().dynamo.send(
      new QueryCommand({
        TableName: stack().tableNames.contacts,
        IndexName: 'members',
        KeyConditionExpression: 'gpk = :g',
        ExpressionAttributeValues: marshall({ ':g': `T#${typeId}#0` }),
        Select: 'COUNT',
      }),
    );
    expect(members.Count).toBeGreaterThan(0);
  }, 120_000);

  it('resumes an update without changing anyone twice', async () => {
    const res = await request<{ id: string }>('POST', '/imports', {
      body: { format: 'csv', mode: 'update', csv: file('Second') },
    });
    await runWithCrash(res.body.id, 2);
    expect(await job(res.body.id)).toMatchObject({
      status: 'done',
      processed: rows,
      updated: rows,
      created: 0,
      unchanged: 0,
    });
    const contactsWritten = (await scan()).filter((i) => i.sk === 'PROFILE');
    expect(contactsWritten).toHaveLength(rows);
    // One change each: version 2, the first name as the file says.
    expect(contactsWritten.every((c) => c.version === 2)).toBe(true);
    expect(contactsWritten.every((c) => String(c.firstName).startsWith('Second '))).toBe(true);
    const sample = contactsWritten[0] as { id: string };
    const history = await request<{ items: Array<{ change: string; requestId?: string }> }>(
      'GET',
      `/contacts/${sample.id}/history?limit=100`,
    );
    expect(history.body.items.filter((e) => e.change === 'profile')).toHaveLength(1);
  }, 120_000);
});

describe('a contact changed by others on every attempt', () => {
  it('fails its own row and lets the rest of the batch through', async () => {
    const busy = await request<{ items: Array<{ id: string }> }>('GET', '/contacts?email=p1@crash.example');
    const busyId = busy.body.items[0]?.id as string;
    expect(busyId).toBeTruthy();
    // Every conditional write of that contact loses, as if others kept changing it.
    const remove = injectOnWire(dynamo as unknown as FaultableClient, 'busy-contact', (call) =>
      call.commandName === 'UpdateItemCommand' && call.body.includes(`C#${busyId}`)
        ? new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} })
        : undefined,
    );
    try {
      const res = await request<{ id: string }>('POST', '/imports', {
        body: {
          format: 'csv',
          mode: 'update',
          csv: 'email,first_name\np0@crash.example,Third\np1@crash.example,Third\np2@crash.example,Third\n',
        },
      });
      for (let more = true; more; ) more = (await runImportStep(res.body.id, () => 300_000)).more;
      const done = await job(res.body.id);
      expect(done).toMatchObject({ status: 'done', updated: 2, failed: 1 });
      expect((done.errors as unknown as Array<{ line: number; code: string }>)[0]).toMatchObject({
        line: 3,
        code: 'conflict',
      });
    } finally {
      remove();
    }
  }, 60_000);
});
