/**
 * The local stack enforces what AWS enforces where the emulators are laxer, and behaves like the
 * Lambda event source it stands in for.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutItemCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { startPoller } from '#infra/local/poller.ts';
import { PortInUseError, startLocalStack } from '#infra/local/stack.ts';
import { eventually } from '#test/helpers/eventually.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';

const { stack } = useLocalStack({ autoConsume: false });

describe('the local SES', () => {
  it('refuses more than 50 SendBulkEmail entries, as SES does', async () => {
    const { sendBulk } = await import('#shared/adapters/ses/client.ts');
    const entry = { to: 'a@example.com', subject: 's', text: 't', headers: [], tags: {} };
    await expect(sendBulk('x@sc.example', undefined, Array(50).fill(entry))).resolves.toHaveLength(50);
    const { ses } = await import('#shared/adapters/ses/client.ts');
    const { SendBulkEmailCommand } = await import('@aws-sdk/client-sesv2');
    await expect(
      ses.send(
        new SendBulkEmailCommand({
          FromEmailAddress: 'x@sc.example',
          DefaultContent: { Template: { TemplateContent: { Subject: 's', Text: 't' }, TemplateData: '{}' } },
          BulkEmailEntries: Array(51).fill({ Destination: { ToAddresses: ['a@example.com'] } }),
        }),
      ),
    ).rejects.toMatchObject({ name: 'BadRequestException' });
  });
});

describe('TTL', () => {
  it('deletes items whose TTL has passed, and keeps the others', async () => {
    const table = stack().tableNames.app;
    const past = Math.floor(Date.now() / 1000) - 10;
    const future = past + 3600;
    for (const [pk, at] of [
      ['TTL#old', past],
      ['TTL#new', future],
    ] as const) {
      await stack().dynamo.send(
        new PutItemCommand({
          TableName: table,
          Item: { pk: { S: pk }, sk: { S: 'x' }, expiresAt: { N: String(at) } },
        }),
      );
    }
    expect(await stack().sweep()).toBeGreaterThanOrEqual(1);
    const get = (pk: string) =>
      stack().dynamo.send(new GetItemCommand({ TableName: table, Key: { pk: { S: pk }, sk: { S: 'x' } } }));
    expect((await get('TTL#old')).Item).toBeUndefined();
    expect((await get('TTL#new')).Item).toBeDefined();
  });
});

describe('the SQS event source', () => {
  it('deletes what succeeded, retries what failed, and redrives to the DLQ after maxReceiveCount', async () => {
    const sqs = stack().sqs;
    const dlq = await sqs.send(new CreateQueueCommand({ QueueName: 'poller-test-dlq' }));
    const dlqArn = (
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))
    ).Attributes?.QueueArn;
    const queue = await sqs.send(
      new CreateQueueCommand({
        QueueName: 'poller-test',
        Attributes: {
          VisibilityTimeout: '1',
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }),
        },
      }),
    );
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queue.QueueUrl,
        Entries: ['ok-1', 'bad-1', 'ok-2', 'throw'].map((body, i) => ({ Id: String(i), MessageBody: body })),
      }),
    );
    const seen: string[] = [];
    const batches: number[] = [];
    const poller = startPoller({
      sqs,
      queueUrl: queue.QueueUrl as string,
      queueArn: 'arn:aws:sqs:us-east-1:000000000000:poller-test',
      functionName: 'test',
      batchSize: 10,
      maxConcurrency: 1,
      timeoutMs: 10_000,
      waitTimeSeconds: 0,
      handler: async (event: SQSEvent): Promise<SQSBatchResponse> => {
        batches.push(event.Records.length);
        seen.push(...event.Records.map((r) => r.body));
        // A consumer that throws fails the whole batch, as in Lambda.
        if (event.Records.some((r) => r.body === 'throw') && event.Records.length === 1)
          throw new Error('boom');
        return {
          batchItemFailures: event.Records.filter((r) => r.body.startsWith('bad') || r.body === 'throw').map(
            (r) => ({
              itemIdentifier: r.messageId,
            }),
          ),
        };
      },
    });
    try {
      const dead = await eventually(async () => {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: dlq.QueueUrl,
            MaxNumberOfMessages: 10,
            VisibilityTimeout: 30,
          }),
        );
        const bodies = Messages.map((m) => m.Body).sort();
        if (bodies.length < 2) throw new Error(`only ${bodies.length} in the DLQ`);
        return bodies;
      }, 20_000);
      expect(dead).toEqual(['bad-1', 'throw']);
    } finally {
      await poller.stop();
    }
    expect(batches[0]).toBe(4);
    expect(seen.filter((b) => b === 'ok-1')).toHaveLength(1);
    expect(seen.filter((b) => b === 'ok-2')).toHaveLength(1);
    expect(seen.filter((b) => b === 'bad-1')).toHaveLength(2);
  });
});

// Last in this file: a second stack in the same process points the process-wide variables at itself.
describe('starting and stopping', () => {
  it('keeps the data across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sc-restart-'));
    try {
      const first = await startLocalStack({
        dataDir: dir,
        adminKey: 'sck_restart-test-admin-key-0000000000',
      });
      const created = await fetch(`${first.apiUrl}/api-keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${first.adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'kept', role: 'marketer' }),
      });
      const { key } = (await created.json()) as { key: string };
      await first.stop();
      const second = await startLocalStack({
        dataDir: dir,
        adminKey: 'sck_restart-test-admin-key-0000000000',
      });
      try {
        const res = await fetch(`${second.apiUrl}/settings`, { headers: { authorization: `Bearer ${key}` } });
        expect(res.status).toBe(200);
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the busy port', async () => {
    const port = Number(new URL(stack().apiUrl).port);
    await expect(startLocalStack({ port })).rejects.toBeInstanceOf(PortInUseError);
    await expect(startLocalStack({ port })).rejects.toMatchObject({ port });
  });
});
