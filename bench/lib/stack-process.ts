/**
 * The local stack's own process during the benchmark: `startLocalStack` (infra/local/stack.ts)
 * unchanged, with its queue consumers off. The emulators (dynalite, local SQS, local SES and
 * whatever the stack wires to them) run here, on one core; the benchmark process runs the handlers
 * (gateway and queue consumers) on the other, as Lambda's machines are not DynamoDB's.
 *
 * Protocol (IPC): sends `{type: 'ready', env, info}` once up; answers `{type: 'counts'}` with the
 * SDK calls made in this process (by handlers the stack itself runs, if any), turns the SES
 * simulator's Delivery events on or off on `{type: 'deliveryEvents', on}` (answering
 * `{type: 'deliveryEvents', id}`), and stops on `{type: 'stop'}`.
 */
import { createWriteStream } from 'node:fs';
import { startLocalStack } from '#infra/local/stack.ts';
import { SdkCounter } from './sdk-counter.ts';

const log = createWriteStream(process.env.BENCH_LOG ?? '/dev/null', { flags: 'a' });
const before = { ...process.env };
const stack = await startLocalStack({
  autoConsume: false,
  pollWaitSeconds: 1,
  // TTL deletions are free in AWS and not part of any figure.
  ttlSweepMs: 24 * 3600_000,
});
const env: Record<string, string> = {};
for (const [name, value] of Object.entries(process.env))
  if (value !== undefined && before[name] !== value) env[name] = value;

const { setLogSink } = await import('#shared/observability/logger.ts');
setLogSink((line) => log.write(`[stack] ${line}\n`));
const counter = new SdkCounter('stack');
const [{ dynamo }, { sqs }, { ses }] = await Promise.all([
  import('#shared/adapters/dynamodb/client.ts'),
  import('#shared/adapters/sqs/client.ts'),
  import('#shared/adapters/ses/client.ts'),
]);
counter.instrument(dynamo, 'dynamodb');
counter.instrument(sqs, 'sqs');
counter.instrument(ses, 'ses');
// The stack's own clients: the pollers it would run, bootstrap, the TTL sweeper, and anything it
// wires to the SES simulator.
counter.instrument(stack.sqs, 'sqs');

const send = (message: unknown) => process.send?.(message);
send({
  type: 'ready',
  env,
  info: {
    apiUrl: stack.apiUrl,
    sesUrl: stack.sesUrl,
    adminKey: stack.adminKey,
    queueUrls: stack.queueUrls,
    tableNames: stack.tableNames,
  },
});

process.on('message', (message: { type?: string; id?: number; on?: boolean }) => {
  if (message.type === 'counts') send({ type: 'counts', id: message.id, counts: counter.snapshot() });
  if (message.type === 'deliveryEvents') {
    stack.setSesDeliveryEvents(message.on !== false);
    send({ type: 'deliveryEvents', id: message.id });
  }
  if (message.type === 'stop') {
    void stack.stop().finally(() => {
      log.end();
      process.exit(0);
    });
  }
});
process.on('disconnect', () => process.exit(0));
