/**
 * The local stack for the benchmark, over two processes so both cores work:
 * - a child process runs `startLocalStack` (bench/lib/stack-process.ts): the emulators;
 * - this process runs every handler: the local gateway (infra/local/gateway.ts) for the API, and the
 *   queue consumers through the same poller the stack uses (infra/local/poller.ts), each invocation
 *   timed, as Lambda bills it.
 * The SDK clients of this process (the shared adapters' singletons, and the poller's own client,
 * which stands for Lambda's event source mapping) are counted by bench/lib/sdk-counter.ts.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { openSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { totalmem } from 'node:os';
import { GetQueueAttributesCommand, PurgeQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import type { QueueDefinition, QueueName } from '#infra/queues.ts';
import { type Counts, mergeCounts, SdkCounter } from './sdk-counter.ts';

export interface StackInfo {
  apiUrl: string;
  sesUrl: string;
  adminKey: string;
  queueUrls: Record<string, { url: string; dlqUrl: string }>;
  tableNames: Record<string, string>;
}

export interface InvocationStats {
  invocations: number;
  records: number;
  /** Sum of each invocation's duration rounded up to the millisecond, as Lambda bills. */
  billedMs: number;
  maxMs: number;
  firstAt: number;
  lastEndAt: number;
}

export interface Consumers {
  stats: () => Record<string, InvocationStats>;
  /** Invocations running now. */
  running: () => number;
  stop: () => Promise<void>;
}

export interface BenchStack {
  info: StackInfo;
  /** The API as served by this process's gateway. */
  apiUrl: string;
  /** Every SDK call so far, of both processes. */
  counts: () => Promise<Counts>;
  /** The SDK calls of this process only (no round trip to the stack's process). */
  localCounts: () => Counts;
  /** Starts the consumers of these queues (their event source mappings) in this process. */
  startConsumers: (names: readonly string[]) => Promise<Consumers>;
  /**
   * Starts the change-stream consumers (infra/streams.ts) in this process, reading from the newest
   * record on: Lambda reads streams at no charge, so their reads are not counted.
   */
  startStreamConsumers: () => Promise<Consumers>;
  /** Turns the local SES's Delivery events on or off, as a deployment's `deliveryEvents` setting. */
  setDeliveryEvents: (on: boolean) => Promise<void>;
  /** Deletes every message of a queue (PurgeQueue), with an uncounted client. */
  purge: (queue: string) => Promise<void>;
  /** Queue depth (visible, in flight and delayed), read with an uncounted client. */
  depth: (queue: string) => Promise<number>;
  stop: () => Promise<void>;
}

const now = () => performance.timeOrigin + performance.now();

type AnyHandler = (event: { Records?: unknown[] }, context: Context) => Promise<unknown>;

export const startBenchStack = async (logFile: string): Promise<BenchStack> => {
  const logFd = openSync(logFile, 'a');
  const child: ChildProcess = fork(new URL('./stack-process.ts', import.meta.url), [], {
    // The emulators keep everything in memory (a million contacts, every mail the local SES
    // accepted): let the heap grow to most of the machine's memory.
    execArgv: [...process.execArgv, `--max-old-space-size=${Math.floor((totalmem() / 1024 / 1024) * 0.75)}`],
    stdio: ['ignore', logFd, logFd, 'ipc'],
    env: { ...process.env, BENCH_LOG: logFile },
  });
  const [ready] = (await Promise.race([
    once(child, 'message'),
    once(child, 'exit').then(([code]) => {
      throw new Error(`the local stack process exited (${code}); see ${logFile}`);
    }),
  ])) as [{ type: string; env: Record<string, string>; info: StackInfo }];
  Object.assign(process.env, ready.env);

  // Everything below reads the variables just set when it loads.
  const { createGateway } = await import('#infra/local/gateway.ts');
  const { loadHandler } = await import('#infra/local/lambda.ts');
  const { startPoller } = await import('#infra/local/poller.ts');
  const { queues } = await import('#infra/queues.ts');
  const [{ dynamo }, { sqs }, { ses }] = await Promise.all([
    import('#shared/adapters/dynamodb/client.ts'),
    import('#shared/adapters/sqs/client.ts'),
    import('#shared/adapters/ses/client.ts'),
  ]);
  // Each SDK call is put down to the function making it: the queue consumer whose invocation it
  // belongs to, else an API handler.
  const fn = new AsyncLocalStorage<string>();
  const counter = new SdkCounter('handlers', () => fn.getStore() ?? 'api');
  counter.instrument(dynamo, 'dynamodb');
  counter.instrument(sqs, 'sqs');
  counter.instrument(ses, 'ses');
  const esm = new SQSClient({});
  const esmCounter = new SdkCounter('esm');
  esmCounter.instrument(esm, 'sqs');
  const plain = new SQSClient({});

  const { server: gateway, open } = createGateway();
  gateway.listen(0, '127.0.0.1');
  await once(gateway, 'listening');
  const apiUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
  // Links in mail and pages point at the API this process serves.
  process.env.PUBLIC_BASE_URL = apiUrl;
  open();

  let requestId = 0;
  const childCounts = () =>
    new Promise<Counts>((resolve) => {
      const id = ++requestId;
      const listener = (message: { type?: string; id?: number; counts?: Counts }) => {
        if (message.type !== 'counts' || message.id !== id) return;
        child.off('message', listener);
        resolve(message.counts ?? {});
      };
      child.on('message', listener);
      child.send({ type: 'counts', id });
    });

  const setDeliveryEvents = (on: boolean) =>
    new Promise<void>((resolve) => {
      const id = ++requestId;
      const listener = (message: { type?: string; id?: number }) => {
        if (message.type !== 'deliveryEvents' || message.id !== id) return;
        child.off('message', listener);
        resolve();
      };
      child.on('message', listener);
      child.send({ type: 'deliveryEvents', id, on });
    });

  const startConsumers = async (names: readonly string[]): Promise<Consumers> => {
    const stats: Record<string, InvocationStats> = {};
    let running = 0;
    const pollers: Array<{ stop: () => Promise<void> }> = [];
    for (const [name, def] of Object.entries(queues) as [QueueName, QueueDefinition][]) {
      if (!def.consumer || !names.includes(name)) continue;
      const queueUrl = ready.info.queueUrls[name]?.url ?? '';
      const { Attributes } = await plain.send(
        new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
      );
      const handler = (await loadHandler(def.consumer.entry)) as AnyHandler;
      const s: InvocationStats = {
        invocations: 0,
        records: 0,
        billedMs: 0,
        maxMs: 0,
        firstAt: 0,
        lastEndAt: 0,
      };
      stats[name] = s;
      const timed: AnyHandler = async (event, context) => {
        const started = performance.now();
        running++;
        if (!s.firstAt) s.firstAt = now();
        try {
          return await fn.run(name, () => handler(event, context));
        } finally {
          running--;
          const ms = performance.now() - started;
          s.invocations++;
          s.records += event.Records?.length ?? 0;
          s.billedMs += Math.ceil(ms);
          s.maxMs = Math.max(s.maxMs, ms);
          s.lastEndAt = now();
        }
      };
      pollers.push(
        startPoller({
          sqs: esm,
          queueUrl,
          queueArn: Attributes?.QueueArn ?? '',
          handler: timed,
          functionName: def.id,
          batchSize: def.consumer.batchSize,
          maxBatchingWindowSeconds: def.consumer.maxBatchingWindowSeconds,
          maxConcurrency: def.consumer.maxConcurrency,
          timeoutMs: def.consumer.timeoutSeconds * 1000,
          waitTimeSeconds: 1,
        }),
      );
    }
    return {
      stats: () => structuredClone(stats),
      running: () => running,
      stop: async () => {
        await Promise.all(pollers.map((p) => p.stop()));
      },
    };
  };

  const startStreamConsumers = async (): Promise<Consumers> => {
    const { DynamoDBStreamsClient } = await import('@aws-sdk/client-dynamodb-streams');
    const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
    const { startStreamPoller } = await import('#infra/local/stream-poller.ts');
    const { streamConsumers } = await import('#infra/streams.ts');
    const streams = new DynamoDBStreamsClient({});
    const control = new DynamoDBClient({});
    const stats: Record<string, InvocationStats> = {};
    let running = 0;
    const pollers: Array<{ stop: () => Promise<void> }> = [];
    for (const [name, def] of Object.entries(streamConsumers)) {
      const handler = (await loadHandler(def.entry)) as AnyHandler;
      const s: InvocationStats = {
        invocations: 0,
        records: 0,
        billedMs: 0,
        maxMs: 0,
        firstAt: 0,
        lastEndAt: 0,
      };
      stats[name] = s;
      const timed: AnyHandler = async (event, context) => {
        const started = performance.now();
        running++;
        if (!s.firstAt) s.firstAt = now();
        try {
          return await fn.run(name, () => handler(event, context));
        } finally {
          running--;
          const ms = performance.now() - started;
          s.invocations++;
          s.records += event.Records?.length ?? 0;
          s.billedMs += Math.ceil(ms);
          s.maxMs = Math.max(s.maxMs, ms);
          s.lastEndAt = now();
        }
      };
      for (const source of def.sources)
        pollers.push(
          startStreamPoller({
            streams,
            dynamo: control,
            tableName: ready.info.tableNames[source.table] ?? '',
            filters: source.filters,
            handler: timed,
            functionName: def.id,
            batchSize: def.batchSize,
            timeoutMs: def.timeoutSeconds * 1000,
            pollMs: 200,
            fromLatest: true,
          }),
        );
    }
    return {
      stats: () => structuredClone(stats),
      running: () => running,
      stop: async () => {
        await Promise.all(pollers.map((p) => p.stop()));
        streams.destroy();
        control.destroy();
      },
    };
  };

  return {
    info: ready.info,
    startStreamConsumers,
    apiUrl,
    counts: async () => mergeCounts(counter.snapshot(), esmCounter.snapshot(), await childCounts()),
    localCounts: () => mergeCounts(counter.snapshot(), esmCounter.snapshot()),
    purge: async (queue) => {
      const url = ready.info.queueUrls[queue]?.url;
      if (url) await plain.send(new PurgeQueueCommand({ QueueUrl: url }));
    },
    startConsumers,
    setDeliveryEvents,
    depth: async (queue) => {
      const url = ready.info.queueUrls[queue]?.url;
      if (!url) return 0;
      const { Attributes } = await plain.send(
        new GetQueueAttributesCommand({
          QueueUrl: url,
          AttributeNames: [
            'ApproximateNumberOfMessages',
            'ApproximateNumberOfMessagesNotVisible',
            'ApproximateNumberOfMessagesDelayed',
          ],
        }),
      );
      return (
        Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
        Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0) +
        Number(Attributes?.ApproximateNumberOfMessagesDelayed ?? 0)
      );
    },
    stop: async () => {
      await new Promise<void>((resolve) => {
        gateway.closeAllConnections();
        gateway.close(() => resolve());
      });
      child.send({ type: 'stop' });
      await Promise.race([once(child, 'exit'), new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill();
      esm.destroy();
      plain.destroy();
    },
  };
};
