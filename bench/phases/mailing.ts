/**
 * One mailing, from `POST /mailings/{id}/send` to the last mail at the local SES, with every SDK
 * call counted and every consumer invocation timed.
 *
 * - End to end: from just before the send request to the local SES's answer accepting the last
 *   message (the time the SES client received it).
 * - Planning: from the send request to the planner's last `SendMessageBatch` to the send queue (all
 *   recipients enqueued).
 * - Then the pipeline is let run dry (every queue empty, no invocation running, no SQS message
 *   sent for a while) so that the counts include every write a chunk's end makes, and, when the
 *   feedback consumer runs, every SES event processed.
 */
import type { Api } from '../lib/api.ts';
import { expectStatus, sleep } from '../lib/api.ts';
import type { BenchStack, Consumers, InvocationStats } from '../lib/local-stack.ts';
import type { Progress } from '../lib/progress.ts';
import { type Counts, diffCounts, total } from '../lib/sdk-counter.ts';

export interface MailingRun {
  label: string;
  mailingId: string;
  recipients: number;
  accepted: number;
  e2eSeconds: number;
  planningSeconds: number;
  /** After the last mail: until everything (feedback included, when it runs) was processed. */
  settleSeconds: number;
  counts: Counts;
  invocations: Record<string, InvocationStats>;
  mailing: { status: string; counts: Record<string, number> };
}

export const mailingBody = (typeId: string, listId: string, name: string) => ({
  name,
  subscriptionTypeId: typeId,
  listId,
  from: 'News <news@sc.example.com>',
  subject: 'Hello {{firstName}}, the May news',
  text:
    'Hi {{firstName}} {{lastName}},\n\nHere is what happened this month at {{fields.company}}.\n' +
    'Read more on our site.\n\nManage your subscriptions: {{preferencesUrl}}\nUnsubscribe: {{unsubscribeUrl}}\n',
  html:
    '<h1>Hello {{firstName}}</h1><p>Here is what happened this month at {{fields.company}}.</p>' +
    '<p><a href="{{preferencesUrl}}">Manage your subscriptions</a> · <a href="{{unsubscribeUrl}}">Unsubscribe</a></p>',
});

const invocationDiff = (
  after: Record<string, InvocationStats>,
  before: Record<string, InvocationStats>,
): Record<string, InvocationStats> =>
  Object.fromEntries(
    Object.entries(after).map(([name, a]) => {
      const b = before[name];
      return [
        name,
        b
          ? {
              ...a,
              invocations: a.invocations - b.invocations,
              records: a.records - b.records,
              billedMs: a.billedMs - b.billedMs,
            }
          : a,
      ];
    }),
  );

const sqsMessagesSent = (counts: Counts) =>
  total(
    counts,
    (k) => k.service === 'sqs' && (k.operation === 'SendMessageBatch' || k.operation === 'SendMessage'),
  ).messages;

/**
 * Waits until the queues are empty, no consumer invocation runs and no SQS message was sent for
 * `quietMs` (SES events are published a moment after each send). Answers when that began.
 */
export const settle = async (
  stack: BenchStack,
  consumers: Consumers[],
  queues: readonly string[],
  progress: Progress,
  quietMs = 1500,
  limitMs = 900_000,
): Promise<number> => {
  const started = performance.now();
  let lastSent = -1;
  let quietSince = 0;
  for (;;) {
    const [counts, depths] = await Promise.all([
      stack.counts(),
      Promise.all(queues.map((q) => stack.depth(q))),
    ]);
    const sent = sqsMessagesSent(counts);
    const pending = depths.reduce((a, b) => a + b, 0);
    const running = consumers.reduce((n, c) => n + c.running(), 0);
    const t = performance.timeOrigin + performance.now();
    if (pending === 0 && running === 0 && sent === lastSent) {
      quietSince ||= t;
      if (t - quietSince >= quietMs) return quietSince;
    } else quietSince = 0;
    lastSent = sent;
    progress.update(pending, `${pending} messages queued, ${running} invocations running`);
    if (performance.now() - started > limitMs)
      throw new Error(`the queues did not drain within ${limitMs / 1000} s`);
    await sleep(250);
  }
};

export const runMailing = async (options: {
  stack: BenchStack;
  api: Api;
  /** Consumers whose invocations this run times. */
  consumers: Consumers[];
  /** Queues to watch while it settles. */
  queues: readonly string[];
  typeId: string;
  listId: string;
  recipients: number;
  label: string;
  progress: Progress;
  /**
   * A queue whose messages nobody consumes in this run (the SES events while the feedback
   * consumer waits): purged every minute so the emulator does not hold millions of them.
   */
  discard?: string;
}): Promise<MailingRun> => {
  const { stack, api, consumers, progress, recipients } = options;
  const mailing = expectStatus(
    await api<{ id: string }>(
      'POST',
      '/mailings',
      mailingBody(options.typeId, options.listId, options.label),
    ),
    201,
    'POST /mailings',
  );
  await fetch(`${stack.info.sesUrl}/clear-store`, { method: 'POST' });
  const before = await stack.counts();
  const invocationsBefore = Object.assign({}, ...consumers.map((c) => c.stats())) as Record<
    string,
    InvocationStats
  >;

  progress.start(`${options.label}: send → last mail at SES`, recipients, 'mails');
  const sentAt = performance.timeOrigin + performance.now();
  expectStatus(await api('POST', `/mailings/${mailing.id}/send`), 202, 'POST /mailings/{id}/send');

  const accepted = () => {
    const d = diffCounts(stack.localCounts(), before);
    const ses = total(d, (k) => k.service === 'ses');
    return { accepted: ses.sesAccepted, entries: ses.sesEntries, lastAt: ses.lastAcceptedAt };
  };
  let last = accepted();
  let progressAt = performance.now();
  // PurgeQueue takes effect 60 s after it is asked for, as in AWS, and at most once a minute.
  let purgedAt = performance.now();
  const purge = async () => {
    if (!options.discard) return;
    purgedAt = performance.now();
    await stack.purge(options.discard).catch(() => undefined);
  };
  await purge();
  // The local SES keeps every mail in memory: a large run empties its store as it goes.
  let clearedAt = 0;
  while (last.entries < recipients) {
    await sleep(100);
    if (performance.now() - purgedAt > 61_000) await purge();
    const now = accepted();
    if (now.accepted - clearedAt >= 100_000) {
      clearedAt = now.accepted;
      await fetch(`${stack.info.sesUrl}/clear-store`, { method: 'POST' });
    }
    if (now.entries !== last.entries) progressAt = performance.now();
    last = now;
    progress.update(now.accepted, now.entries > now.accepted ? `${now.entries - now.accepted} refused` : '');
    if (performance.now() - progressAt > 120_000)
      throw new Error(`${options.label}: no mail handed to SES for 120 s (${now.entries}/${recipients})`);
  }
  const e2eSeconds = (last.lastAt - sentAt) / 1000;
  progress.end(`last mail after ${e2eSeconds.toFixed(1)} s`);

  progress.start(`${options.label}: letting the pipeline run dry`);
  const settledAt = await settle(stack, consumers, options.queues, progress);
  progress.end();
  const counts = diffCounts(await stack.counts(), before);
  const invocationsAfter = Object.assign({}, ...consumers.map((c) => c.stats())) as Record<
    string,
    InvocationStats
  >;
  const planned = total(
    counts,
    (k) => k.origin === 'plan' && k.operation === 'SendMessageBatch' && k.target === 'send',
  );
  const view = expectStatus(
    await api<{ status: string; counts: Record<string, number> }>('GET', `/mailings/${mailing.id}`),
    200,
    'GET /mailings/{id}',
  );
  return {
    label: options.label,
    mailingId: mailing.id,
    recipients,
    accepted: last.accepted,
    e2eSeconds,
    planningSeconds: (planned.lastAt - sentAt) / 1000,
    settleSeconds: Math.max(0, (settledAt - last.lastAt) / 1000),
    counts,
    invocations: invocationDiff(invocationsAfter, invocationsBefore),
    mailing: { status: view.status, counts: view.counts },
  };
};
