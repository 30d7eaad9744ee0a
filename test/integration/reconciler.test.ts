/**
 * Nothing stuck: the reconciler queues again the work of a mailing that stopped moving; a chunk
 * whose message failed every receive is reported on the mailing and waits in the DLQ for a person,
 * who brings it back with `POST /mailings/{id}/resume` or `npm run redrive`.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '#infra/local/lambda.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { inbox } from '#test/helpers/ses-inbox.ts';

const { request, stack, recipientRows, createKey } = useLocalStack({ autoConsume: false });
const size = 80;
let typeId: string;
let listId: string;

const sentMailing = async () => {
  const id = (
    await request<{ id: string }>('POST', '/mailings', {
      body: { name: 'm', subscriptionTypeId: typeId, listId, from: 'n@sc.example', subject: 's', text: 't' },
    })
  ).body.id;
  expect((await request('POST', `/mailings/${id}/send`)).status).toBe(202);
  await stack().consume('plan');
  return id;
};

const depth = async (url: string) =>
  Number(
    (
      await stack().sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
      )
    ).Attributes?.ApproximateNumberOfMessages,
  );

const { reconcile } = await import('#shared/use-cases/reconcile.ts');

/** Loses every message of a queue, now (a purge takes a minute to act, as in AWS). */
const lose = async (url: string) => {
  for (;;) {
    const { Messages = [] } = await stack().sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 300 }),
    );
    if (!Messages.length) return;
    await stack().sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }
};

beforeAll(async () => {
  typeId = (await request<{ id: string }>('POST', '/subscription-types', { body: { name: 'R' } })).body.id;
  const contacts = Array.from({ length: size }, (_, i) => ({
    email: `reconciled${i}@example.com`,
    consent: { status: 'granted', source: 'import' },
    subscriptions: { [typeId]: 'subscribed' },
  }));
  await request('POST', '/contacts/batch', { body: { contacts } });
  listId = (
    await request<{ id: string }>('POST', '/lists', {
      body: { name: 'l', criteria: { subscribedTo: typeId } },
    })
  ).body.id;
});

describe('the reconciler', () => {
  it('queues again the work of a mailing that stopped moving, and leaves a moving one alone', async () => {
    const before = (await inbox(stack().sesUrl)).length;
    const id = await sentMailing();
    // Its chunk messages are lost.
    await lose(stack().queueUrls.send.url);
    expect(await stack().consume('send')).toBe(0);
    // Sent moments ago: not stopped yet by the schedule's measure.
    expect(await reconcile({ stalledAfterMs: 15 * 60_000 })).toEqual([]);
    // Fifteen minutes without progress later:
    expect(await reconcile({ stalledAfterMs: 15 * 60_000, now: Date.now() + 16 * 60_000 })).toEqual([id]);
    await stack().consume('plan');
    await stack().consume('send');
    expect((await inbox(stack().sesUrl)).length - before).toBe(size);
    expect((await request<{ status: string }>('GET', `/mailings/${id}`)).body.status).toBe('sent');
    // Finished: no longer watched.
    expect(await reconcile({ stalledAfterMs: 0 })).not.toContain(id);
  });

  it('runs as the scheduled function it is in AWS', async () => {
    const { loadHandler, lambdaContext } = await import('#infra/local/lambda.ts');
    const { reconcilerDefinition } = await import('#infra/constructs/reconciler.ts');
    const handler = await loadHandler(reconcilerDefinition.entry);
    expect(await handler({}, lambdaContext('Reconciler'))).toEqual({ requeued: 0 });
  });
});

describe('a chunk whose message failed every receive', () => {
  it('is reported on the mailing, left alone by the reconciler, and sent after a resume', async () => {
    await stack().sqs.send(
      new SetQueueAttributesCommand({
        QueueUrl: stack().queueUrls.send.url,
        Attributes: { VisibilityTimeout: '1' },
      }),
    );
    const before = (await inbox(stack().sesUrl)).length;
    const id = await sentMailing();
    // Every last-moment read of this mailing's contacts fails: the sender can never send it.
    const { dynamo } = await import('#shared/adapters/dynamodb/client.ts');
    dynamo.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as { RequestItems?: Record<string, unknown> };
        if (input.RequestItems && stack().tableNames.contacts in input.RequestItems)
          throw Object.assign(new Error('a broken dependency'), { name: 'InternalServerError' });
        return next(args);
      },
      { step: 'initialize', name: 'broken' },
    );
    try {
      for (let i = 0; i < 6; i++) {
        await stack().consume('send');
        await new Promise((r) => setTimeout(r, 1100));
      }
    } finally {
      dynamo.middlewareStack.remove('broken');
    }
    expect(await depth(stack().queueUrls.send.dlqUrl)).toBeGreaterThan(0);
    const reported = await request<{ status: string; deadLetters?: { chunks: number; recipients: number } }>(
      'GET',
      `/mailings/${id}`,
    );
    expect(reported.body.status).toBe('sending');
    expect(reported.body.deadLetters?.chunks).toBeGreaterThan(0);
    expect(reported.body.deadLetters?.recipients).toBe(size);
    // The reconciler leaves them to a person: they failed every receive.
    await reconcile({ stalledAfterMs: 0 });
    await stack().consume('plan');
    expect(await stack().consume('send')).toBe(0);
    // A marketer may not resume; an admin does.
    expect(
      (await request('POST', `/mailings/${id}/resume`, { key: await createKey('marketer') })).status,
    ).toBe(403);
    const resumed = await request<{ status: string; deadLetters?: unknown }>(
      'POST',
      `/mailings/${id}/resume`,
    );
    expect(resumed.status).toBe(200);
    await stack().consume('plan');
    await stack().consume('send');
    expect((await inbox(stack().sesUrl)).length - before).toBe(size);
    const done = await request<{ status: string; deadLetters?: unknown }>('GET', `/mailings/${id}`);
    expect(done.body.status).toBe('sent');
    expect(done.body.deadLetters).toBeUndefined();
    expect((await recipientRows(id)).every((r) => r.status === 'sent')).toBe(true);
    // Nothing left to resume.
    expect((await request('POST', `/mailings/${id}/resume`)).status).toBe(409);
  });

  it('comes back to its queue with npm run redrive', async () => {
    await lose(stack().queueUrls.send.dlqUrl);
    await stack().sqs.send(
      new SendMessageCommand({ QueueUrl: stack().queueUrls.send.dlqUrl, MessageBody: '{"m":"x","k":"y"}' }),
    );
    const endpoint = new URL(stack().queueUrls.send.url).origin;
    // Its own process (not spawnSync: the emulator it talks to runs in this one).
    const run = await promisify(execFile)(
      process.execPath,
      [join(projectRoot, 'infra/scripts/redrive.ts'), 'send', '--endpoint', endpoint],
      { cwd: projectRoot, encoding: 'utf8' },
    );
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('1 message(s) moved');
    expect(await depth(stack().queueUrls.send.dlqUrl)).toBe(0);
    const { Messages = [] } = await stack().sqs.send(
      new ReceiveMessageCommand({ QueueUrl: stack().queueUrls.send.url, MaxNumberOfMessages: 10 }),
    );
    expect(Messages.map((m) => m.Body)).toContain('{"m":"x","k":"y"}');
  });
});
