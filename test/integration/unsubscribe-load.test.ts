/**
 * Unsubscribe under load: 1,000 one-click POSTs (RFC 8058, form-urlencoded), all in flight at once,
 * while a mailing of the same type is being sent to those 1,000 and 1,000 others.
 *
 * The sender runs one chunk (one SQS message, ≤ 50 recipients) per step, interleaved with the
 * POSTs. Every SES call is recorded with the moment it started, every POST with the moment its
 * answer arrived. Then:
 * - every POST was answered 200 and persisted: the contact is unsubscribed from the type, and its
 *   history says so with source `one_click`;
 * - nobody is mailed after their POST was answered: not by a chunk whose step began after it, not
 *   by an SES call whose last-moment check read them after it, not by an SES call handed over after
 *   it (the sender checks each call's contacts right before the call, without yielding in between;
 *   in AWS the remaining window is the SES request's own latency);
 * - nobody gets the mail twice, and the rows and counts agree with what happened.
 */
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadHandler } from '#infra/local/lambda.ts';
import { type PollerOptions, pollOnce } from '#infra/local/poller.ts';
import { queues } from '#infra/queues.ts';
import { signingKeys } from '#shared/adapters/secrets/signing-keys.ts';
import { dynamo } from '#shared/adapters/dynamodb/client.ts';
import { ses } from '#shared/adapters/ses/client.ts';
import { signToken } from '#shared/domain/tokens.ts';
import { logger, setLogSink } from '#shared/observability/logger.ts';
import { type FaultableClient, injectOnCommand, injectOnWire } from '#test/helpers/faults.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { inbox } from '#test/helpers/ses-inbox.ts';

// Pacing is not under test here; an unsubscribe racing the sender is.
process.env.SES_RATE_PER_SECOND = '100000';

const unsubscribers = 1000;
const stayers = 1000;

const { request, stack, createKey, recipientRows } = useLocalStack({ autoConsume: false });

let marketer: string;
let typeId: string;
let mailingId: string;
const ids = new Map<string, string>();
const addressOf = (i: number, who: 'leaves' | 'stays') => `${who}${String(i).padStart(4, '0')}@load.example`;

/** Every SES call: when it started, whom it addressed, whether SES accepted it. */
const calls: Array<{ start: number; to: string[]; accepted: boolean }> = [];
/** When each contact was read by a last-moment check. */
const checks = new Map<string, number[]>();
/** When each unsubscriber's POST answer arrived. */
const answeredAt = new Map<string, number>();
/** When each send step (one chunk) began, and the addresses its SES calls carried. */
const steps: Array<{ start: number; to: string[] }> = [];

let removeRecorder: () => void = () => undefined;
const logs: string[] = [];

beforeAll(async () => {
  setLogSink((line) => logs.push(line));
  marketer = await createKey('marketer', 'load marketer');
  typeId = (
    await request<{ id: string }>('POST', '/subscription-types', {
      key: marketer,
      body: { name: 'Daily deals' },
    })
  ).body.id;
  const people = [
    ...Array.from({ length: unsubscribers }, (_, i) => addressOf(i, 'leaves')),
    ...Array.from({ length: stayers }, (_, i) => addressOf(i, 'stays')),
  ];
  for (let i = 0; i < people.length; i += 1000) {
    const slice = people.slice(i, i + 1000);
    const res = await request<{ results: Array<{ status: string; id: string }> }>('POST', '/contacts/batch', {
      key: marketer,
      body: {
        contacts: slice.map((email) => ({
          email,
          consent: { status: 'granted', source: 'import' },
          subscriptions: { [typeId]: 'subscribed' },
        })),
      },
    });
    expect(res.status, res.text.slice(0, 200)).toBe(200);
    res.body.results.forEach((result, j) => {
      expect(result.status).toBe('created');
      ids.set(slice[j] as string, result.id);
    });
  }
  const list = await request<{ id: string }>('POST', '/lists', {
    key: marketer,
    body: { name: 'Deal hunters', criteria: { subscribedTo: typeId } },
  });
  const mailing = await request<{ id: string }>('POST', '/mailings', {
    key: marketer,
    body: {
      name: 'Today’s deals',
      subscriptionTypeId: typeId,
      listId: list.body.id,
      from: 'Deals <deals@load.example>',
      subject: 'Deals',
      text: 'Today only.',
    },
  });
  expect(mailing.status, mailing.text).toBe(201);
  mailingId = mailing.body.id;
  const emailOf = new Map([...ids].map(([email, id]) => [id, email]));
  const removers = [
    // When the sender hands a call to SES (the first thing ses.send does), and to whom.
    injectOnCommand(
      ses as unknown as FaultableClient,
      'record-ses-calls',
      async (name, input, next) => {
        if (name !== 'SendBulkEmailCommand') return next(input);
        const entries = (input.BulkEmailEntries ?? []) as Array<{ Destination?: { ToAddresses?: string[] } }>;
        const record = {
          start: performance.now(),
          to: entries.flatMap((e) => e.Destination?.ToAddresses ?? []).map((to) => to.toLowerCase()),
          accepted: false,
        };
        calls.push(record);
        const answer = await next(input);
        record.accepted = true;
        return answer;
      },
      'high',
    ),
    // When each last-moment check (a strongly consistent read of contacts) began, and for whom.
    injectOnWire(dynamo as unknown as FaultableClient, 'record-checks', (call) => {
      if (call.commandName === 'BatchGetItemCommand' && call.body.includes('"ConsistentRead":true')) {
        const start = performance.now();
        for (const match of call.body.matchAll(/"pk":\{"S":"C#([^"]+)"/g)) {
          const email = emailOf.get(match[1] ?? '');
          if (email) (checks.get(email) ?? checks.set(email, []).get(email))?.push(start);
        }
      }
      return undefined;
    }),
  ];
  removeRecorder = () => {
    for (const remove of removers) remove();
  };
}, 120_000);

afterAll(() => {
  removeRecorder();
  setLogSink((line) => process.stdout.write(`${line}\n`));
});

describe('one-click unsubscribe under load', () => {
  it('persists 1,000 concurrent unsubscribes and mails none of them after their answer', async () => {
    const started = performance.now();
    expect((await request('POST', `/mailings/${mailingId}/send`, { key: marketer })).status).toBe(202);
    await stack().consume('plan');

    // The sender, one chunk per step, as Lambda's event source mapping would run it.
    const { Attributes } = await stack().sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: stack().queueUrls.send.url, AttributeNames: ['QueueArn'] }),
    );
    const consumer = queues.send.consumer;
    const sender: PollerOptions = {
      sqs: stack().sqs,
      queueUrl: stack().queueUrls.send.url,
      queueArn: Attributes?.QueueArn ?? '',
      handler: await loadHandler(consumer.entry),
      functionName: queues.send.id,
      batchSize: 1,
      maxConcurrency: 1,
      timeoutMs: consumer.timeoutSeconds * 1000,
      waitTimeSeconds: 0,
    };
    const step = async () => {
      const record = { start: performance.now(), to: [] as string[] };
      const before = calls.length;
      const handled = await pollOnce(sender);
      for (const call of calls.slice(before)) if (call.accepted) record.to.push(...call.to);
      if (handled) steps.push(record);
      return handled;
    };

    // A few chunks go out first; then every unsubscriber clicks at once, while sending goes on.
    for (let i = 0; i < 3; i++) await step();
    const keys = await signingKeys();
    let inFlight = unsubscribers;
    const posts = Array.from({ length: unsubscribers }, async (_, i) => {
      const email = addressOf(i, 'leaves');
      const token = signToken(keys, { p: 'unsubscribe', c: ids.get(email) ?? '', m: mailingId, t: typeId });
      const res = await fetch(`${stack().apiUrl}/u/${token}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
        redirect: 'manual',
      });
      answeredAt.set(email, performance.now());
      inFlight--;
      await res.text();
      return { email, status: res.status, cookie: res.headers.get('set-cookie') };
    });
    let stepsWhilePosting = 0;
    while (await step()) if (inFlight > 0) stepsWhilePosting++;
    const answers = await Promise.all(posts);
    const elapsed = performance.now() - started;

    // Every POST answered 200, no redirect, no cookie, and persisted with its source.
    expect(answers.filter((a) => a.status !== 200 || a.cookie)).toEqual([]);
    const notPersisted: string[] = [];
    for (let i = 0; i < unsubscribers; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(50, unsubscribers - i) }, async (_, j) => {
          const email = addressOf(i + j, 'leaves');
          const id = ids.get(email) ?? '';
          const [contact, history] = await Promise.all([
            request<{ subscriptions: Record<string, { status: string; source: string }> }>(
              'GET',
              `/contacts/${id}`,
              {
                key: marketer,
              },
            ),
            request<{ items: Array<{ typeId?: string; to: string | null; source: string }> }>(
              'GET',
              `/contacts/${id}/history?limit=100`,
              { key: marketer },
            ),
          ]);
          const subscription = contact.body.subscriptions[typeId];
          const recorded = history.body.items.some(
            (h) => h.typeId === typeId && h.to === 'unsubscribed' && h.source === 'one_click',
          );
          return subscription?.status === 'unsubscribed' && subscription.source === 'one_click' && recorded
            ? undefined
            : email;
        }),
      );
      notPersisted.push(...batch.filter((email): email is string => email !== undefined));
    }
    expect(notPersisted).toEqual([]);

    // Nobody is mailed by a chunk whose step began after their POST was answered.
    const mailedAfterAnswer = steps.flatMap((s) =>
      s.to
        .filter((to) => (answeredAt.get(to) ?? Number.POSITIVE_INFINITY) < s.start)
        .map((to) => ({ to, step: s.start })),
    );
    // Nor by an SES call whose last-moment check read them after the answer (that read must see the
    // unsubscribe). A call checked before the answer and handed to SES after it is the window the
    // design cannot close (check, then hand-off): counted, not hidden.
    const answered = (to: string) => answeredAt.get(to) ?? Number.POSITIVE_INFINITY;
    const checkedAfterAnswer: string[] = [];
    let handedAfterAnswer = 0;
    for (const call of calls.filter((c) => c.accepted)) {
      for (const to of call.to) {
        const lastCheck = Math.max(...(checks.get(to) ?? []).filter((t) => t < call.start));
        if (lastCheck > answered(to)) checkedAfterAnswer.push(to);
        if (call.start > answered(to)) handedAfterAnswer++;
      }
    }
    const mails = await inbox(stack().sesUrl);
    const perAddress = new Map<string, number>();
    for (const mail of mails)
      for (const to of mail.destination.to)
        perAddress.set(to.toLowerCase(), (perAddress.get(to.toLowerCase()) ?? 0) + 1);
    const leaverMails = [...perAddress.keys()].filter((to) => to.startsWith('leaves')).length;
    const rows = await recipientRows(mailingId, { key: marketer });
    const mailing = await request<{ status: string; counts: Record<string, number> }>(
      'GET',
      `/mailings/${mailingId}`,
      {
        key: marketer,
      },
    );
    setLogSink((line) => process.stdout.write(`${line}\n`));
    logger.info('unsubscribe under load', {
      posts: answers.length,
      persisted: unsubscribers - notPersisted.length,
      steps: steps.length,
      stepsWhilePosting,
      unsubscribersMailedBeforeTheirAnswer: leaverMails,
      unsubscribersSkippedAtTheLastCheck: rows.filter((r) => r.reason === 'unsubscribed').length,
      mailedAfterAnswer: mailedAfterAnswer.length,
      checkedAfterAnswer: checkedAfterAnswer.length,
      handedToSesAfterAnswerButCheckedBefore: handedAfterAnswer,
      seconds: Math.round(elapsed / 100) / 10,
      counts: mailing.body.counts,
    });
    setLogSink((line) => logs.push(line));

    expect(mailedAfterAnswer).toEqual([]);
    expect(checkedAfterAnswer).toEqual([]);
    // Between the check and the hand-off the sender does not yield: no answer can land in between.
    expect(handedAfterAnswer).toBe(0);
    expect([...perAddress.values()].filter((n) => n > 1)).toEqual([]);
    // The POSTs and the sending did overlap: some unsubscribers were caught at the last check.
    expect(stepsWhilePosting).toBeGreaterThan(0);
    expect(rows.filter((r) => r.reason === 'unsubscribed').length).toBeGreaterThan(0);
    // Rows, mails and counts tell the same story.
    expect(mailing.body.status).toBe('sent');
    expect(rows).toHaveLength(unsubscribers + stayers);
    const sent = rows.filter((r) => r.status === 'sent');
    expect(sent).toHaveLength(mails.length);
    expect(rows.filter((r) => r.status !== 'sent' && r.status !== 'skipped')).toEqual([]);
    for (const row of rows.filter((r) => r.status === 'skipped')) expect(row.reason).toBe('unsubscribed');
    for (const row of rows.filter((r) => r.email?.startsWith('stays'))) expect(row.status).toBe('sent');
    expect(mailing.body.counts).toMatchObject({
      sent: sent.length,
      excluded: unsubscribers + stayers - sent.length,
    });
  }, 180_000);
});
