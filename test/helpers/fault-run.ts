/**
 * A large mailing under faults, at a given SES rate: SQS delivering messages twice (concurrently to
 * the other consumer) and again after success, the sender crashing right after SES accepted a call,
 * SES throttling calls and losing the answer to some it accepted, DynamoDB throttling writes.
 * Whatever happens, nobody gets the mail twice, nobody is lost (every recipient ends sent, excluded,
 * or failed with a reason), nothing is stuck (the mailing ends `sent`), and the counts equal the
 * rows. test/integration/faults.test.ts runs it at 14/s (or SES_RATE_PER_SECOND),
 * faults-unbounded.test.ts at an unbounded rate.
 *
 * Time is simulated (test/helpers/clock.ts `SimClock`): it stands still while a consumer works and
 * jumps when both wait for the rate, so sending at 14/s costs only the work, and every rate window,
 * lease and invocation deadline holds in virtual time exactly as in real time. At 14/s a chunk of 50
 * needs four SES calls, an invocation runs out of time and hands chunks back, and a chunk's crashed
 * holder keeps it until its lease ends: the cases the rate makes real.
 *
 * The consumers run only when the test says so, two at a time per queue (Lambda's minimum
 * concurrency), each inside its own fault context (AsyncLocalStorage) so a crash kills one
 * invocation only: its remaining calls fail and none of its messages is deleted. What an invocation
 * left undeleted comes back when the consumer's round ends, in place of the queue's visibility
 * timeout, or goes to the DLQ after maxReceiveCount receives. Messages handed back with a delay
 * wait in virtual time, then go to the queue. When nothing is left to receive, the reconciler runs
 * (as its schedule would, once the mailing stopped moving) and the DLQ is redriven, without faults.
 * Fault decisions are seeded (keyed by what the call is about, so they do not depend on which
 * consumer asks first); FAULT_SEED picks another set.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type QueueName, queues } from '#infra/queues.ts';
import { dynamo } from '#shared/adapters/dynamodb/client.ts';
import { ses } from '#shared/adapters/ses/client.ts';
import { sqs as productSqs } from '#shared/adapters/sqs/client.ts';
import { redrive } from '#shared/adapters/sqs/redrive.ts';
import { logger, setLogSink } from '#shared/observability/logger.ts';
import { SimClock } from './clock.ts';
import {
  decide,
  dynamoThrottle,
  type FaultableClient,
  injectOnCommand,
  injectOnWire,
  prng,
  SimulatedCrash,
  sesThrottle,
} from './faults.ts';
import { type RecipientRow, useLocalStack } from './local-stack.ts';
import { inbox } from './ses-inbox.ts';

export interface FaultRun {
  /** SES_RATE_PER_SECOND of the run. */
  rate: number;
  size: number;
  seed: number;
}

const rates = {
  /** A received message is delivered once more, concurrently, to whichever consumer asks next. */
  duplicate: 0.1,
  /** A message handled successfully is not deleted: it comes back (and finds its chunk done). */
  redeliver: 0.1,
  // Each fault below (and the two above) also strikes the first time it can, so every run has it.
  /**
   * SendBulkEmail calls answered 429 TooManyRequestsException (one attempt: SDK retries are off);
   * the run's first call always is.
   */
  sesThrottle: 0.05,
  /**
   * SendBulkEmail calls SES accepts whose answer never arrives (a timeout after the request); the
   * run's first accepted call always is.
   */
  sesLostAnswer: 0.02,
  /** DynamoDB write attempts answered ProvisionedThroughputExceededException (never the last one). */
  dynamoThrottle: 0.02,
  /** After SES accepted a call, the process dies on the next write of its chunk. */
  crash: 0.1,
};

interface MailingView {
  status: string;
  counts: Record<string, number>;
  reasons: Record<string, number>;
  deadLetters?: { chunks: number; recipients: number };
}

/** One consumer's running invocation, as the faults see it. */
interface Invocation {
  /** Crashed: every further AWS call of this invocation fails, and none of its messages is deleted. */
  dead: boolean;
  /** SES has just accepted a call: the next chunk write is where a crash hurts most. */
  armed: boolean;
  /** Received and not deleted: receipt handle → where it came from and what it says. */
  inFlight: Map<string, { queueUrl: string; id: string; body: string }>;
  random: () => number;
}

export const describeFaultRun = ({ rate, size, seed }: FaultRun) => {
  process.env.SES_RATE_PER_SECOND = String(rate);
  /** Subscribed without consent: excluded at planning, never mailed. */
  const withoutConsent = Math.max(10, Math.round(size / 100));
  const { request, createKey, stack, recipientRows } = useLocalStack({
    autoConsume: false,
    sesRatePerSecond: rate,
  });

  const invocation = new AsyncLocalStorage<Invocation>();
  const clock = new SimClock();
  let restoreClock: (() => void) | undefined;
  /** Bodies of send messages moved to the DLQ. */
  const deadLetters: string[] = [];
  /** Receives per message, copies made by {@link release} included. */
  const receives = new Map<string, number>();
  /** Messages handed back with a delay, waiting in virtual time. */
  const delayed: Array<{ due: number; queueUrl: string; body: string }> = [];
  const figures = {
    duplicated: 0,
    redelivered: 0,
    sesCalls: 0,
    sesThrottled: 0,
    sesAnswersLost: 0,
    sesAccepted: 0,
    dynamoWrites: 0,
    dynamoThrottled: 0,
    crashes: 0,
    released: 0,
    deadLettered: 0,
    handedBack: 0,
    rounds: 0,
    reconciled: 0,
    redriven: 0,
    virtualSeconds: 0,
  };

  const writes = new Set([
    'PutItemCommand',
    'UpdateItemCommand',
    'DeleteItemCommand',
    'BatchWriteItemCommand',
  ]);
  const seen = new Map<string, number>();
  /** The n-th time a key comes up: gives repeats of the same thing their own decision. */
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
          figures.sesCalls++;
          const first = figures.sesCalls === 1;
          if (first || decide(seed, occurrence(`ses:${firstDestination(call.body)}`), rates.sesThrottle)) {
            figures.sesThrottled++;
            return sesThrottle();
          }
          return undefined;
        },
        (call, status) => {
          const current = invocation.getStore();
          if (!current || call.commandName !== 'SendBulkEmailCommand' || status >= 300) return;
          figures.sesAccepted++;
          current.armed = true;
          const first = figures.sesAccepted === 1;
          if (first || decide(seed, occurrence(`lost:${firstDestination(call.body)}`), rates.sesLostAnswer)) {
            figures.sesAnswersLost++;
            // Accepted at SES; the answer never comes back to the sender.
            throw Object.assign(new Error('a request has exceeded the configured requestTimeout'), {
              name: 'TimeoutError',
              code: 'ETIMEDOUT',
            });
          }
        },
      ),
      injectOnWire(dynamo as unknown as FaultableClient, 'faults-dynamo', (call) => {
        const current = invocation.getStore();
        if (!current) return undefined;
        if (current.dead) return new SimulatedCrash('a call after the crash');
        if (!writes.has(call.commandName)) return undefined;
        figures.dynamoWrites++;
        const chunkWrite = call.body.includes(recipientsTable) && call.body.includes('#rows');
        if (current.armed && call.commandName === 'UpdateItemCommand' && chunkWrite) {
          current.armed = false;
          if (!figures.crashes || decide(seed, occurrence(`crash:${chunkOf(call.body)}`), rates.crash)) {
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
              if (
                !figures.duplicated ||
                decide(seed, occurrence(`duplicate:${body}:${count}`), rates.duplicate)
              ) {
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
              if (!figures.redelivered || decide(seed, occurrence(key), rates.redeliver)) {
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
   * A message the product hands back with a delay waits in virtual time (SQS's DelaySeconds are
   * real seconds): it is sent when the clock reaches it.
   */
  const installDelays = () =>
    injectOnCommand(
      productSqs as unknown as FaultableClient,
      'virtual-delays',
      async (name, input, next) => {
        const delay = Number(input.DelaySeconds ?? 0);
        if (name !== 'SendMessageCommand' || !delay) return next(input);
        figures.handedBack++;
        delayed.push({
          due: clock.now() + delay * 1000,
          queueUrl: String(input.QueueUrl),
          body: String(input.MessageBody),
        });
        return { response: {}, output: { MessageId: 'delayed', $metadata: {} } };
      },
      'high',
    );

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
        const copy = await stack().sqs.send(
          new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }),
        );
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
          clock.enter();
          try {
            return await stack().consume(queue);
          } finally {
            clock.leave();
            await release(consumer, queue);
          }
        }),
      ),
    );
    return counts.reduce((a, b) => a + b, 0);
  };

  /** The delayed messages whose time has come (the clock moved to the first of them if need be). */
  const deliverDelayed = async (): Promise<number> => {
    if (!delayed.length) return 0;
    clock.advanceTo(Math.min(...delayed.map((d) => d.due)));
    const due = delayed.filter((d) => d.due <= clock.now());
    for (const d of due) {
      delayed.splice(delayed.indexOf(d), 1);
      await stack().sqs.send(new SendMessageCommand({ QueueUrl: d.queueUrl, MessageBody: d.body }));
    }
    return due.length;
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
    restoreClock = clock.install();
  }, 300_000);

  afterAll(() => {
    restoreClock?.();
    setLogSink((line) => process.stdout.write(`${line}\n`));
  });

  const status = async () =>
    (await request<MailingView>('GET', `/mailings/${mailingId}`, { key: marketer })).body.status;

  /** Rounds of both queues until the mailing is sent or nothing is left to receive or wait for. */
  const runRounds = async (limit: number) => {
    for (let round = 0; round < limit; round++) {
      figures.rounds++;
      const handled = (await consumeAll('plan')) + (await consumeAll('send'));
      if ((await status()) === 'sent') return;
      if (!handled && !(await deliverDelayed())) return;
    }
    throw new Error(`still sending after ${limit} rounds`);
  };

  describe(`a ${size.toLocaleString('en')}-recipient mailing under faults at ${rate.toLocaleString('en')}/s`, () => {
    it('reaches everyone at most once, loses no one, ends sent, and counts what the rows say', async () => {
      const started = Date.now();
      const virtualStart = clock.now();
      setLogSink((line) => logs.push(line));
      const removeDelays = installDelays();
      const removeFaults = installFaults();
      try {
        const send = await request('POST', `/mailings/${mailingId}/send`, { key: marketer });
        expect(send.status, send.text).toBe(202);
        await runRounds(400);
        removeFaults();
        // Nothing left to receive: the reconciler finds the mailing stopped, and what failed every
        // receive is redriven from the DLQ, as an operator's `npm run redrive` does.
        if ((await status()) !== 'sent') {
          const { reconcile } = await import('#shared/use-cases/reconcile.ts');
          figures.reconciled = (await reconcile({ stalledAfterMs: 0 })).length;
          figures.redriven = await redrive(
            stack().sqs,
            stack().queueUrls.send.dlqUrl,
            stack().queueUrls.send.url,
          );
          await runRounds(100);
        }
      } finally {
        removeFaults();
        removeDelays();
        setLogSink((line) => process.stdout.write(`${line}\n`));
      }
      const sendingMs = Date.now() - started;
      figures.virtualSeconds = Math.round((clock.now() - virtualStart) / 1000);

      // Every fault actually happened, so the outcome below means something.
      expect(figures.duplicated).toBeGreaterThan(0);
      expect(figures.redelivered).toBeGreaterThan(0);
      expect(figures.sesThrottled).toBeGreaterThan(0);
      expect(figures.sesAnswersLost).toBeGreaterThan(0);
      expect(figures.dynamoThrottled).toBeGreaterThan(0);
      expect(figures.crashes).toBeGreaterThan(0);
      expect(figures.handedBack).toBeGreaterThan(0);

      const rows = await recipientRows(mailingId, { key: marketer });
      const mails = await inbox(stack().sesUrl);
      const mailsTo = new Map<string, number>();
      for (const mail of mails) {
        for (const to of mail.destination.to)
          mailsTo.set(to.toLowerCase(), (mailsTo.get(to.toLowerCase()) ?? 0) + 1);
      }
      const duplicates = [...mailsTo.values()].filter((n) => n > 1).length;
      // Chunks whose message went to the DLQ during the faults, as they ended.
      const dlqChunks: string[] = [];
      for (const body of deadLetters) {
        const { m, k } = JSON.parse(body) as { m: string; k: string };
        const { Item } = await stack().dynamo.send(
          new GetItemCommand({
            TableName: stack().tableNames.recipients,
            Key: { pk: { S: `R#${m}` }, sk: { S: `K#${k}` } },
            ConsistentRead: true,
          }),
        );
        dlqChunks.push(`${k}:${Item ? unmarshall(Item).state : 'missing'}`);
      }

      const final = (r: RecipientRow) =>
        r.status === 'sent' ||
        (r.status === 'failed' && Boolean(r.detail)) ||
        (r.status === 'skipped' && r.verdict === 'excluded' && Boolean(r.reason));
      const lost = rows.filter((r) => !final(r));
      const byStatus = (s: string) => rows.filter((r) => r.status === s);
      const sent = byStatus('sent');
      const failed = byStatus('failed');
      const skipped = byStatus('skipped');
      const unknown = failed.filter((r) => r.detail === 'outcome_unknown');
      const mailsOf = (r: RecipientRow) => mailsTo.get(r.email?.toLowerCase() ?? '') ?? 0;

      const mailing = await request<MailingView>('GET', `/mailings/${mailingId}`, { key: marketer });
      const report = {
        rate,
        recipients: size,
        excluded: skipped.length,
        duplicates,
        lost: lost.length,
        sent: sent.length,
        failed: failed.length,
        outcomeUnknown: unknown.length,
        failedDetails: Object.fromEntries(
          [...new Set(failed.map((r) => r.detail))].map((d) => [
            d,
            failed.filter((r) => r.detail === d).length,
          ]),
        ),
        mails: mails.length,
        dlqChunks,
        sendDlq: await queueDepth(stack().queueUrls.send.dlqUrl),
        planDlq: await queueDepth(stack().queueUrls.plan.dlqUrl),
        seedingSeconds: Math.round(seedingMs / 100) / 10,
        sendingSeconds: Math.round(sendingMs / 100) / 10,
        ...figures,
        takenOver: logs.filter((l) => l.includes('chunk taken over from an attempt whose lease ended'))
          .length,
        lostToAnother: logs.filter((l) => l.includes('chunk written by another attempt first')).length,
        messagesFailed: logs.filter((l) => l.includes('"message":"message failed"')).length,
        counts: mailing.body.counts,
      };
      logger.info('fault injection: outcome', report);

      expect(duplicates).toBe(0);
      expect(lost).toEqual([]);
      expect(rows).toHaveLength(size + withoutConsent);
      expect(new Set(rows.map((r) => r.contactId)).size).toBe(rows.length);
      expect(skipped).toHaveLength(withoutConsent);
      for (const row of skipped) expect(row.reason).toBe('no_consent');
      // What the rows say went out did go out, once; what they say did not, did not.
      expect(sent.filter((r) => mailsOf(r) !== 1)).toEqual([]);
      expect(skipped.filter((r) => mailsOf(r) !== 0)).toEqual([]);
      expect(failed.filter((r) => r.detail !== 'outcome_unknown' && mailsOf(r) !== 0)).toEqual([]);
      // An unknown outcome only ever comes from a call SES accepted (a crash, a lost answer): no
      // live attempt's rows were taken over and then never sent.
      expect(unknown.length).toBeGreaterThan(0);
      expect(unknown.filter((r) => mailsOf(r) !== 1)).toEqual([]);
      expect(mails.length).toBe(sent.length + unknown.length);
      // Nothing stuck, and the counts are the rows.
      expect(mailing.body.status).toBe('sent');
      expect(mailing.body.counts).toMatchObject({
        eligible: sent.length + failed.length,
        excluded: skipped.length,
        queued: 0,
        sent: sent.length,
        failed: failed.length,
      });
      expect(mailing.body.reasons).toMatchObject({ eligible: size, no_consent: withoutConsent });
      expect(report.planDlq).toBe(0);
    }, 900_000);
  });
};
