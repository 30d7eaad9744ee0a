/**
 * One mailing at a real account's SES rate, on its own local stack (the emulators in a child
 * process, the handlers and the two senders here, as in the main benchmark: bench/lib/local-stack.ts):
 * how close the senders come to the rate, whether any one-second window at SES holds more, and how
 * long the mailing takes from the send request to `sent`. Its own process: the rate is read once
 * per process, as in a Lambda container.
 *
 *   node bench/rates.ts <rate per second> <recipients> [log file]
 *
 * Prints `{"rate", "recipients", …}` as the last line of stdout.
 */
import { startBenchStack } from './lib/local-stack.ts';

const rate = Number(process.argv[2] ?? 14);
const recipients = Number(process.argv[3] ?? 1000);
process.env.SES_RATE_PER_SECOND = String(rate);

const { setLogSink } = await import('#shared/observability/logger.ts');
setLogSink(() => undefined);
const stack = await startBenchStack(process.argv[4] ?? '/dev/null');
const consumers = await stack.startConsumers(['plan', 'send']);
const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
  const res = await fetch(stack.apiUrl + path, {
    method,
    headers: { authorization: `Bearer ${stack.info.adminKey}`, 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
};

try {
  const typeId = (await call<{ id: string }>('POST', '/subscription-types', { name: `At ${rate}/s` })).id;
  for (let i = 0; i < recipients; i += 1000) {
    const contacts = Array.from({ length: Math.min(1000, recipients - i) }, (_, j) => ({
      email: `paced${i + j}@example.com`,
      consent: { status: 'granted', source: 'import' },
      subscriptions: { [typeId]: 'subscribed' },
    }));
    await call('POST', '/contacts/batch', { contacts });
  }
  const listId = (
    await call<{ id: string }>('POST', '/lists', { name: 'l', criteria: { subscribedTo: typeId } })
  ).id;
  const mailingId = (
    await call<{ id: string }>('POST', '/mailings', {
      name: 'paced',
      subscriptionTypeId: typeId,
      listId,
      from: 'news@sc.example.com',
      subject: 'Hello {{firstName}}',
      text: 'Paced at the account’s rate.',
    })
  ).id;

  // Every SendBulkEmail as it leaves for SES: when, and how many messages.
  const { ses } = await import('#shared/adapters/ses/client.ts');
  const calls: Array<{ at: number; count: number }> = [];
  ses.middlewareStack.add(
    (next) => async (args) => {
      calls.push({
        at: performance.now(),
        count: (args.input as { BulkEmailEntries?: unknown[] }).BulkEmailEntries?.length ?? 1,
      });
      return next(args);
    },
    { step: 'initialize', name: 'pacing' },
  );
  const started = performance.now();
  await call('POST', `/mailings/${mailingId}/send`);
  let status = '';
  while (status !== 'sent') {
    if (performance.now() - started > ((3 * recipients) / rate) * 1000 + 120_000)
      throw new Error('not sent in time');
    await new Promise((r) => setTimeout(r, 200));
    status = (await call<{ status: string }>('GET', `/mailings/${mailingId}`)).status;
  }
  const finishedSeconds = (performance.now() - started) / 1000;
  const sent = calls.reduce((n, c) => n + c.count, 0);
  const first = calls[0]?.at ?? started;
  const last = calls.at(-1)?.at ?? started;
  // Sliding one-second windows, starting at each call.
  let busiest = 0;
  let above = 0;
  for (const c of calls) {
    const inWindow = calls.filter((d) => d.at >= c.at && d.at < c.at + 1000).reduce((n, d) => n + d.count, 0);
    busiest = Math.max(busiest, inWindow);
    if (inWindow > rate) above++;
  }
  const sendingSeconds = (last - first + 1000) / 1000;
  process.stdout.write(
    `${JSON.stringify({
      rate,
      recipients,
      sent,
      calls: calls.length,
      finishedSeconds,
      sendingSeconds,
      achievedPerSecond: sent / sendingSeconds,
      busiestWindow: busiest,
      windowsAbove: above,
    })}\n`,
  );
} finally {
  await consumers.stop();
  await stack.stop();
}
process.exit(0);
