/**
 * A large mailing under faults: SQS redelivering messages (again after success, and concurrently to
 * the other consumer), the sender crashing right after SES accepted a call, SES throttling 20 % of
 * its calls, DynamoDB throttling writes. Whatever happens, nobody gets the mail twice, nobody is
 * lost (every recipient ends sent, excluded, or failed with a reason — or waits, unsent or
 * `sending`, in a chunk whose message went to the DLQ after maxReceiveCount receives), and the
 * counts equal the rows.
 *
 * The consumers run only when the test says so, two at a time per queue (Lambda's minimum
 * concurrency), each inside its own fault context (AsyncLocalStorage) so a crash kills one
 * invocation only: its remaining calls fail and none of its messages is deleted. What an invocation
 * left undeleted comes back when the consumer's round ends, in place of the queue's visibility
 * timeout, or goes to the DLQ after maxReceiveCount receives. Fault decisions are seeded (keyed by
 * what the call is about, so they do not depend on which consumer asks first). FAULT_SIZE (default
 * 10,000) sets the number of recipients, FAULT_SEED another set of fault decisions (timing between
 * the two consumers still varies from run to run).
 *
 * DynamoDB throttling is the kind the SDK's retries absorb (never on the last attempt). A write that
 * fails for good is, for the sender, a crash at that write; the crash modelled here is the one the
 * design is about: the process dying right after SES accepted a call, before its rows are recorded.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type QueueName, queues } from '#infra/queues.ts';
import { dynamo } from '#shared/adapters/dynamodb/client.ts';
import { ses } from '#shared/adapters/ses/client.ts';
import { logger, setLogSink } from '#shared/observability/logger.ts';
import {
  decide,
  dynamoThrottle,
  type FaultableClient,
  injectOnCommand,
  injectOnWire,
  prng,
  SimulatedCrash,
  sesThrottle,
} from '#test/helpers/faults.ts';
import { type RecipientRow, useLocalStack } from '#test/helpers/local-stack.ts';
import { inbox } from '#test/helpers/ses-inbox.ts';

// The account's SES rate is not what is under test here: let the sender go as fast as it can.
process.env.SES_RATE_PER_SECOND = '100000';

const size = Number(process.env.FAULT_SIZE ?? 10_000);
/** Subscribed without consent: excluded at planning, never mailed. */
const withoutConsent = Math.max(10, Math.round(size / 100));
const seed = Number(process.env.FAULT_SEED ?? 20_250_901);
const rates = {
  /** A received message is delivered once more, concurrently, to whichever consumer asks next. */
  duplicate: 0.1,
  /** A message handled successfully is not deleted: it comes back (and finds its chunk done). */
  redeliver: 0.1,
  /** SendBulkEmail calls answered 429 TooManyRequestsException on their first attempt. */
  sesThrottle: 0.2,
  /** Each retry of a throttled SendBulkEmail is throttled again (all three: the call fails). */
  sesThrottleAgain: 0.5,
  /** DynamoDB write attempts answered ProvisionedThroughputExceededException (never the last one). */
  dynamoThrottle: 0.02,
  /** After SES accepted a call, the process dies on the next write to the recipients table. */
  crash: 0.1,
};

const { request, createKey, stack, recipientRows } = useLocalStack({ autoConsume: false });

interface MailingView {
  status: string;
  counts: Record<string, number>;
  reasons: Record<string, number>;
}

/** One consumer's running invocation, as the faults see it. */
interface Invocation {
  /** Crashed: every further AWS call of this invocation fails, and none of its messages is deleted. */
  dead: boolean;
  /** SES has just accepted a call: the next recipients write is where a crash hurts most. */
  armed: boolean;
  /** Received and not deleted: receipt handle → where it came from and what it says. */
  inFlight: Map<string, { queueUrl: string; id: string; body: string }>;
  random: () => number;
}
const invocation = new AsyncLocalStorage<Invocation>();
/** Bodies of send messages moved to the DLQ. */
const deadLetters: string[] = [];
/** Receives per message, copies made by {@link release} included. */
const receives = new Map<string, number>();

const figures = {
  duplicated: 0,
  redelivered: 0,
  sesAttempts: 0,
  sesCallsThrottled: 0,
  sesThrottled: 0,
  sesGaveUp: 0,
  sesAccepted: 0,
  dynamoWrites: 0,
  dynamoThrottled: 0,
  crashes: 0,
  released: 0,
  deadLettered: 0,
  rounds: 0,
};

/** Whether the current SendBulkEmail call to a chunk (named by its first address) is being throttled. */
const throttledCall = new Map<string, boolean>();
const writes = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand']);
const seen = new Map<string, number>();
/** The n-th time a key comes up: gives retries of the same thing their own decision. */
const occurrence = (key: string) => {
  const n = (seen.get(key) ?? 0) + 1;
  seen.set(key, n);
  return `${key}#${n}`;
};
const firstDestination = (body: string) => /"ToAddresses":\["([^"]+)"/.exec(body)?.[1] ?? 'unknown';
const chunkOf = (body: string) => /"sk":\{"S":"(K#[^"]+)"/.exec(body)?.[1] ?? 'unknown';

const installFaults = (): (() => void) => {
  const recipientsTable = `"TableName":"${stack().tableNames.recipients}"`;
  const removers = [
    injectOnWire(
      ses as unknown as FaultableClient,
      'faults-ses',
      (call) => {
        const current = invocation.getStore();
        if (!current) return undefined;
        if (current.dead) return new SimulatedCrash('a call after the crash');
        if (call.commandName !== 'SendBulkEmailCommand') return undefined;
        figures.sesAttempts++;
        const to = firstDestination(call.body);
        if (call.attempt === 1) {
          const throttled = decide(seed, occurrence(`ses:${to}`), rates.sesThrottle);
          throttledCall.set(to, throttled);
          if (throttled) figures.sesCallsThrottled++;
        }
        if (
          throttledCall.get(to) &&
          (call.attempt === 1 || decide(seed, occurrence(`ses-again:${to}`), rates.sesThrottleAgain))
        ) {
          figures.sesThrottled++;
          if (call.attempt === call.maxAttempts) figures.sesGaveUp++;
          return sesThrottle();
        }
        return undefined;
      },
      (call, status) => {
        const current = invocation.getStore();
        if (current && call.commandName === 'SendBulkEmailCommand' && status < 300) {
          figures.sesAccepted++;
          current.armed = true;
        }
      },
    ),
    injectOnWire(dynamo as unknown as FaultableClient, 'faults-dynamo', (call) => {
      const current = invocation.getStore();
      if (!current) return undefined;
      if (current.dead) return new SimulatedCrash('a call after the crash');
      if (!writes.has(call.commandName)) return undefined;
      figures.dynamoWrites++;
      if (current.armed && call.commandName === 'PutItemCommand' && call.body.includes(recipientsTable)) {
        current.armed = false;
        if (decide(seed, occurrence(`crash:${chunkOf(call.body)}`), rates.crash)) {
          current.dead = true;
          figures.crashes++;
          return new SimulatedCrash('recording what SES accepted');
        }
      }
      if (call.attempt < call.maxAttempts && current.random() < rates.dynamoThrottle) {
        figures.dynamoThrottled++;
        return dynamoThrottle();
      }
      return undefined;
    }),
    // The poller's own client stands in for Lambda's event source mapping: faults of delivery.
    injectOnCommand(
      stack().sqs as unknown as FaultableClient,
      'faults-delivery',
      async (name, input, next) => {
        const current = invocation.getStore();
        if (!current) return next(input);
        if (name === 'ReceiveMessageCommand') {
          // A new invocation: a crashed one is gone, its messages wait for their visibility timeout.
          current.dead = false;
          current.armed = false;
          const answer = await next(input);
          const messages = (answer.output as { Messages?: Message[] }).Messages ?? [];
          const queueUrl = String(input.QueueUrl);
          for (const message of messages) {
            const id = message.MessageId ?? '';
            const body = message.Body ?? '';
            const count = (receives.get(id) ?? 0) + 1;
            receives.set(id, count);
            current.inFlight.set(message.ReceiptHandle ?? '', { queueUrl, id, body });
            if (decide(seed, occurrence(`duplicate:${body}:${count}`), rates.duplicate)) {
              figures.duplicated++;
              await stack().sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
            }
          }
          return answer;
        }
        if (name === 'DeleteMessageBatchCommand') {
          const entries = (input.Entries ?? []) as Array<{ Id: string; ReceiptHandle: string }>;
          // A crashed invocation acknowledges nothing: its whole batch comes back.
          if (current.dead) return { response: {}, output: { Successful: [], Failed: [], $metadata: {} } };
          // The rest is deleted, but for a few that stay to be delivered again.
          const kept = entries.filter((entry) => {
            const message = current.inFlight.get(entry.ReceiptHandle);
            const key = `redeliver:${message?.body}:${receives.get(message?.id ?? '')}`;
            if (decide(seed, occurrence(key), rates.redeliver)) {
              figures.redelivered++;
              return false;
            }
            current.inFlight.delete(entry.ReceiptHandle);
            return true;
          });
          if (!kept.length) return { response: {}, output: { Successful: [], Failed: [], $metadata: {} } };
          return next({ ...input, Entries: kept });
        }
        return next(input);
      },
    ),
  ];
  return () => {
    for (const remove of removers) remove();
  };
};

/**
 * What an invocation left undeleted (failed, crashed, or kept for redelivery) comes back, as after
 * the queue's visibility timeout, or moves to the DLQ after `maxReceiveCount` receives, as SQS's
 * redrive does. The emulator's ChangeMessageVisibility counts as a receive (AWS's does not), so
 * the message is sent again as a copy that inherits its receive count instead.
 */
const release = async (current: Invocation, queue: QueueName) => {
  const left = [...current.inFlight];
  current.inFlight.clear();
  for (const [receipt, { queueUrl, id, body }] of left) {
    const count = receives.get(id) ?? 0;
    if (count >= queues[queue].maxReceiveCount) {
      figures.deadLettered++;
      if (queue === 'send') deadLetters.push(body);
      await stack().sqs.send(
        new SendMessageCommand({ QueueUrl: stack().queueUrls[queue].dlqUrl, MessageBody: body }),
      );
    } else {
      figures.released++;
      const copy = await stack().sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
      receives.set(copy.MessageId ?? '', count);
    }
    await stack().sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: receipt }));
  }
};

const consumers: Invocation[] = [0, 1].map((i) => ({
  dead: false,
  armed: false,
  inFlight: new Map(),
  random: prng(seed + i),
}));

/** Both consumers of a queue, concurrently, until neither finds a message; then failed ones come back. */
const consumeAll = async (queue: QueueName): Promise<number> => {
  const counts = await Promise.all(
    consumers.map((consumer) =>
      invocation.run(consumer, async () => {
        const count = await stack().consume(queue);
        await release(consumer, queue);
        return count;
      }),
    ),
  );
  return counts.reduce((a, b) => a + b, 0);
};

const queueDepth = async (url: string) => {
  const { Attributes } = await stack().sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
};

let marketer: string;
let mailingId: string;
const logs: string[] = [];

let seedingMs = 0;

beforeAll(async () => {
  const seedingStarted = Date.now();
  marketer = await createKey('marketer');
  const type = await request<{ id: string }>('POST', '/subscription-types', {
    key: marketer,
    body: { name: 'Fault-tolerant news' },
  });
  expect(type.status, type.text).toBe(201);
  const typeId = type.body.id;
  const contacts = Array.from({ length: size + withoutConsent }, (_, i) => ({
    email: `r${String(i).padStart(6, '0')}@faults.example`,
    ...(i < size ? { consent: { status: 'granted', legalBasis: 'consent', source: 'import' } } : {}),
    subscriptions: { [typeId]: 'subscribed' },
  }));
  // Two imports at a time, as two API clients would.
  const batches: Array<typeof contacts> = [];
  for (let i = 0; i < contacts.length; i += 1000) batches.push(contacts.slice(i, i + 1000));
  for (let i = 0; i < batches.length; i += 2) {
    await Promise.all(
      batches.slice(i, i + 2).map(async (batch) => {
        const res = await request<{ results: Array<{ status: string }> }>('POST', '/contacts/batch', {
          key: marketer,
          body: { contacts: batch },
        });
        expect(res.status, res.text.slice(0, 300)).toBe(200);
        expect(res.body.results.filter((r) => r.status !== 'created')).toEqual([]);
      }),
    );
  }
  const list = await request<{ id: string }>('POST', '/lists', {
    key: marketer,
    body: { name: 'Everyone on the news', criteria: { subscribedTo: typeId } },
  });
  expect(list.status, list.text).toBe(201);
  const mailing = await request<{ id: string }>('POST', '/mailings', {
    key: marketer,
    body: {
      name: 'Under fire',
      subscriptionTypeId: typeId,
      listId: list.body.id,
      from: 'News <news@faults.example>',
      subject: 'Exactly once',
      text: 'One copy of this, and only one.',
    },
  });
  expect(mailing.status, mailing.text).toBe(201);
  mailingId = mailing.body.id;
  seedingMs = Date.now() - seedingStarted;
}, 300_000);

afterAll(() => setLogSink((line) => process.stdout.write(`${line}\n`)));

describe(`a ${size.toLocaleString('en')}-recipient mailing under faults`, () => {
  it('reaches everyone at most once, loses no one, and counts what the rows say', async () => {
    const started = Date.now();
    setLogSink((line) => logs.push(line));
    const removeFaults = installFaults();
    try {
      const send = await request('POST', `/mailings/${mailingId}/send`, { key: marketer });
      expect(send.status, send.text).toBe(202);
      for (;;) {
        figures.rounds++;
        const handled = (await consumeAll('plan')) + (await consumeAll('send'));
        const mailing = await request<MailingView>('GET', `/mailings/${mailingId}`, { key: marketer });
        if (mailing.body.status === 'sent') break;
        // Every failed message came back: a round that found none means the rest is in a DLQ.
        if (!handled) break;
        if (figures.rounds > 50)
          throw new Error(`still sending after 50 rounds: ${JSON.stringify(mailing.body)}`);
      }
    } finally {
      removeFaults();
      setLogSink((line) => process.stdout.write(`${line}\n`));
    }
    const sendingMs = Date.now() - started;

    // Every fault actually happened, so the outcome below means something.
    expect(figures.duplicated).toBeGreaterThan(0);
    expect(figures.redelivered).toBeGreaterThan(0);
    expect(figures.sesThrottled).toBeGreaterThan(0);
    expect(figures.sesGaveUp).toBeGreaterThan(0);
    expect(figures.dynamoThrottled).toBeGreaterThan(0);
    expect(figures.crashes).toBeGreaterThan(0);

    const rows = await recipientRows(mailingId, { key: marketer });
    // Recipients of a chunk whose message ended in the DLQ, unfinished: "failed, in the DLQ".
    const inDlq = new Set<string>();
    for (const body of deadLetters) {
      const { m, k } = JSON.parse(body) as { m: string; k: string };
      const { Item } = await stack().dynamo.send(
        new GetItemCommand({
          TableName: stack().tableNames.recipients,
          Key: { pk: { S: `R#${m}` }, sk: { S: `K#${k}` } },
          ConsistentRead: true,
        }),
      );
      const chunk = Item ? unmarshall(Item) : undefined;
      if (chunk?.state === 'done') continue;
      for (const row of (chunk?.rows ?? []) as Array<{ c: string; s: string }>)
        if (row.s === 'queued' || row.s === 'sending') inDlq.add(row.c);
    }
    const mails = await inbox(stack().sesUrl);
    const mailsTo = new Map<string, number>();
    for (const mail of mails) {
      for (const to of mail.destination.to)
        mailsTo.set(to.toLowerCase(), (mailsTo.get(to.toLowerCase()) ?? 0) + 1);
    }
    const duplicates = [...mailsTo.values()].filter((n) => n > 1).length;

    // One row per list member, each in a final state with its reason.
    expect(rows).toHaveLength(size + withoutConsent);
    expect(new Set(rows.map((r) => r.contactId)).size).toBe(rows.length);
    const final = (r: RecipientRow) =>
      r.status === 'sent' ||
      (r.status === 'failed' && Boolean(r.detail)) ||
      (r.status === 'skipped' && r.verdict === 'excluded' && Boolean(r.reason));
    const lost = rows.filter((r) => !final(r) && !inDlq.has(r.contactId));
    const waiting = rows.filter((r) => inDlq.has(r.contactId));
    const byStatus = (status: string) => rows.filter((r) => r.status === status);
    const sent = byStatus('sent');
    const failed = byStatus('failed');
    const skipped = byStatus('skipped');
    const unknown = failed.filter((r) => r.detail === 'outcome_unknown');
    const mailsOf = (r: RecipientRow) => mailsTo.get(r.email?.toLowerCase() ?? '') ?? 0;
    const unknownButMailed = unknown.filter((r) => mailsOf(r) === 1).length;

    const mailing = await request<MailingView>('GET', `/mailings/${mailingId}`, { key: marketer });
    const report = {
      recipients: size,
      excluded: skipped.length,
      duplicates,
      lost: lost.length,
      inDlq: waiting.length,
      sent: sent.length,
      failed: failed.length,
      outcomeUnknown: unknown.length,
      outcomeUnknownButMailed: unknownButMailed,
      failedDetails: Object.fromEntries(
        [...new Set(failed.map((r) => r.detail))].map((d) => [
          d,
          failed.filter((r) => r.detail === d).length,
        ]),
      ),
      mails: mails.length,
      sendDlq: await queueDepth(stack().queueUrls.send.dlqUrl),
      planDlq: await queueDepth(stack().queueUrls.plan.dlqUrl),
      seedingSeconds: Math.round(seedingMs / 100) / 10,
      sendingSeconds: Math.round(sendingMs / 100) / 10,
      ...figures,
      crashedAttemptsFound: logs.filter((l) => l.includes('rows of a crashed attempt not resent')).length,
      retriedLater: logs.filter((l) => l.includes('"detail":"SES: TooManyRequestsException"')).length,
      messagesFailed: logs.filter((l) => l.includes('"message":"message failed"')).length,
      counts: mailing.body.counts,
    };
    logger.info('fault injection: outcome', report);

    expect(duplicates).toBe(0);
    expect(lost).toEqual([]);
    expect(skipped).toHaveLength(withoutConsent);
    for (const row of skipped) expect(row.reason).toBe('no_consent');
    // What the rows say went out did go out, once; what they say did not, did not.
    expect(sent.filter((r) => mailsOf(r) !== 1)).toEqual([]);
    expect(skipped.filter((r) => mailsOf(r) !== 0)).toEqual([]);
    expect(failed.filter((r) => r.detail !== 'outcome_unknown' && mailsOf(r) !== 0)).toEqual([]);
    expect(waiting.filter((r) => r.status === 'queued' && mailsOf(r) !== 0)).toEqual([]);
    expect(mails.length).toBe(
      sent.length + unknownButMailed + waiting.filter((r) => mailsOf(r) === 1).length,
    );
    // A crash after SES accepted leaves rows whose outcome is unknown; they are never sent again.
    expect(unknown.length).toBeGreaterThan(0);
    // The counts are the rows; the mailing is sent unless a chunk waits in the DLQ.
    expect(mailing.body.status).toBe(waiting.length ? 'sending' : 'sent');
    expect(mailing.body.counts).toMatchObject({
      eligible: sent.length + failed.length + waiting.length,
      excluded: skipped.length,
      queued: waiting.length,
      sent: sent.length,
      failed: failed.length,
    });
    expect(mailing.body.reasons).toMatchObject({ eligible: size, no_consent: withoutConsent });
    expect(report.sendDlq).toBe(deadLetters.length);
    expect(report.planDlq).toBe(0);
  }, 600_000);
});
