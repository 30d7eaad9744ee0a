/**
 * Outgoing events, measured end to end on the local stack: 200 contacts, each unsubscribed with one
 * click (`POST /u/{token}` over HTTP), one after the other; for each, the time from sending the
 * POST to the signed `contact.subscription.updated` arriving at a webhook receiver on localhost
 * (verified with the Standard Webhooks reference library), through everything a deployment runs:
 * the contact's write, its stream, the change-stream consumer, the webhook queue, the delivery
 * worker, the receiver. p50 and p99 over the 200.
 *
 * And the cost per 1 M events, from the AWS calls the two functions made (counted on their SDK
 * clients), their billed Lambda time and the queue's receives: one event at a time is the worst
 * case for batching (each invocation carries one record), so this is an upper bound.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { Api } from '../lib/api.ts';
import { expectStatus } from '../lib/api.ts';
import type { BenchStack, InvocationStats } from '../lib/local-stack.ts';
import { prices } from '../lib/prices.ts';
import type { Progress } from '../lib/progress.ts';
import { type Counts, diffCounts, total } from '../lib/sdk-counter.ts';

export interface EventFigures {
  changes: number;
  delivered: number;
  verified: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  maxMs: number;
  invocations: Record<string, InvocationStats>;
  counts: Counts;
  costPerMillion: {
    lambda: number;
    dynamodb: number;
    sqs: number;
    total: number;
    readUnitsPerEvent: number;
    writeUnitsPerEvent: number;
    sqsRequestsPerEvent: number;
    lambdaMsPerEvent: number;
  };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)] ?? 0;

export const runEvents = async (
  stack: BenchStack,
  api: Api,
  count: number,
  memoryMb: number,
  progress: Progress,
): Promise<EventFigures> => {
  // The receiver: answers 204 at once, keeps each arrival's time by the contact it names.
  const arrivals = new Map<string, { at: number; body: string; headers: Record<string, string> }>();
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const at = performance.now();
    const body = Buffer.concat(chunks).toString('utf8');
    const contactId = (JSON.parse(body) as { data?: { contactId?: string } }).data?.contactId ?? '';
    arrivals.set(contactId, { at, body, headers: req.headers as Record<string, string> });
    res.writeHead(204);
    res.end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const receiverUrl = `http://localhost:${(server.address() as AddressInfo).port}/events`;

  const typeId = expectStatus(
    await api<{ id: string }>('POST', '/subscription-types', { name: 'Webhook bench' }),
    201,
    'POST /subscription-types',
  ).id;
  const imported = expectStatus(
    await api<{ results: Array<{ id: string }> }>('POST', '/contacts/batch', {
      contacts: Array.from({ length: count }, (_, i) => ({
        email: `events-${i}@bench.example`,
        consent: { status: 'granted', source: 'form' },
        subscriptions: { [typeId]: 'subscribed' },
      })),
    }),
    200,
    'POST /contacts/batch',
  );
  const contacts = imported.results.map((r) => r.id);
  const hook = expectStatus(
    await api<{ id: string; secret: string }>('POST', '/webhooks', {
      url: receiverUrl,
      events: ['contact.subscription.updated'],
    }),
    201,
    'POST /webhooks',
  );

  // The consumers start after the contacts exist: their creation events are not part of the run.
  const streamConsumers = await stack.startStreamConsumers();
  const deliveries = await stack.startConsumers(['webhooks']);
  const { signingKeys } = await import('#shared/adapters/secrets/signing-keys.ts');
  const { signToken } = await import('#shared/domain/tokens.ts');
  const keys = await signingKeys();
  await new Promise((r) => setTimeout(r, 500));
  const before = stack.localCounts();

  const latencies: number[] = [];
  let verified = 0;
  const verifier = new Webhook(hook.secret);
  progress.start(
    `events: ${count} one-click unsubscribes → signed event at a local receiver`,
    count,
    'events',
  );
  try {
    for (const [i, contactId] of contacts.entries()) {
      const token = signToken(keys, { p: 'unsubscribe', c: contactId, t: typeId });
      const sent = performance.now();
      const res = await fetch(`${stack.apiUrl}/u/${token}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
      if (res.status !== 200) throw new Error(`POST /u/{token}: ${res.status}`);
      await res.arrayBuffer();
      const deadline = sent + 30_000;
      for (;;) {
        const got = arrivals.get(contactId);
        if (got) {
          latencies.push(got.at - sent);
          try {
            verifier.verify(got.body, got.headers);
            verified++;
          } catch {
            // Counted as not verified: the report says how many were.
          }
          break;
        }
        if (performance.now() > deadline) throw new Error(`no event for contact ${i} within 30 s`);
        await new Promise((r) => setTimeout(r, 2));
      }
      progress.update(i + 1);
    }
  } finally {
    progress.end();
  }
  // What the last deliveries wrote after answering, before counting.
  await new Promise((r) => setTimeout(r, 500));
  const counts = diffCounts(stack.localCounts(), before);
  const invocations = { ...streamConsumers.stats(), ...deliveries.stats() };
  await deliveries.stop();
  await streamConsumers.stop();
  await new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

  const sorted = [...latencies].sort((a, b) => a - b);
  const n = latencies.length;
  const fns = (k: { origin: string }) => k.origin === 'changes' || k.origin === 'webhooks';
  const ddb = total(counts, (k) => fns(k) && k.service === 'dynamodb');
  const sqsFns = total(counts, (k) => fns(k) && k.service === 'sqs');
  const esm = total(counts, (k) => k.origin === 'esm' && k.target === 'webhooks');
  // Idle long polls are billed by the hour of polling, not per event (as in the mailing figures).
  const sqsRequests = sqsFns.billedRequests + esm.billedRequests - esm.emptyReceives;
  const billedMs = Object.values(invocations).reduce((sum, s) => sum + s.billedMs, 0);
  const requests = Object.values(invocations).reduce((sum, s) => sum + s.invocations, 0);
  const perMillion = (x: number) => (x / n) * 1e6;
  const lambda = perMillion(
    (billedMs / 1000) * (memoryMb / 1024) * prices.lambdaGbSecond + requests * prices.lambdaRequest,
  );
  const dynamodb = perMillion(ddb.rcu * prices.dynamoRead + (ddb.wcu + ddb.indexWcu) * prices.dynamoWrite);
  const sqs = perMillion(sqsRequests * prices.sqsRequest);
  return {
    changes: count,
    delivered: n,
    verified,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    meanMs: latencies.reduce((a, b) => a + b, 0) / Math.max(1, n),
    maxMs: sorted.at(-1) ?? 0,
    invocations,
    counts,
    costPerMillion: {
      lambda,
      dynamodb,
      sqs,
      total: lambda + dynamodb + sqs,
      readUnitsPerEvent: ddb.rcu / n,
      writeUnitsPerEvent: (ddb.wcu + ddb.indexWcu) / n,
      sqsRequestsPerEvent: sqsRequests / n,
      lambdaMsPerEvent: billedMs / n,
    },
  };
};
