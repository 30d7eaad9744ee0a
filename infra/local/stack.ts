/**
 * The whole local stack in one process: the emulators, tables and queues from the shared
 * definitions, the gateway serving the route table, a poller per queue consumer, the TTL sweeper.
 * `npm start` runs it on fixed ports with data on disk; tests run it in memory on random ports.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type QueueDefinition, type QueueName, queues } from '#infra/queues.ts';
import { type TableName, tables } from '#infra/tables.ts';
import { logger } from '#shared/observability/logger.ts';
import { createQueues, createTables } from './bootstrap.ts';
import { type Emulators, PortInUseError, startEmulators } from './emulators.ts';
import { createGateway } from './gateway.ts';
import { loadHandler } from './lambda.ts';
import { type Poller, type PollerOptions, pollOnce, startPoller } from './poller.ts';
import { publishedSesEvents } from '#infra/ses-events.ts';
import { acceptedMessages, simulateEvents } from './ses-simulator.ts';
import { resumeAfterRestart, scheduleReconciler, sentMailLog } from './recovery.ts';
import { sweepExpired } from './ttl-sweeper.ts';

export interface LocalStackOptions {
  /** API port; 0 picks a free one. */
  port?: number;
  sesPort?: number;
  /** Folder for the database and signing keys; in memory when absent. */
  dataDir?: string;
  /** Fixes the admin key; otherwise one is generated. */
  adminKey?: string;
  seedDemo?: boolean;
  ttlSweepMs?: number;
  /** Long-poll wait of the pollers (short in tests). */
  pollWaitSeconds?: number;
  /** The account's SES sending rate the senders pace to (SES_RATE_PER_SECOND; default 14/s, SES's usual start). */
  sesRatePerSecond?: number;
  /**
   * Whether SES publishes Delivery events, as the deployment's `deliveryEvents` setting (default
   * true; else `SES_DELIVERY_EVENTS`).
   */
  sesDeliveryEvents?: boolean;
  /**
   * Run the queue consumers in the background, as Lambda's event source mappings do (default).
   * Tests that must see each step turn this off and call `consume` themselves.
   */
  autoConsume?: boolean;
  /** How often the reconciler runs, as its schedule does in AWS (default every minute; 0: never). */
  reconcileMs?: number;
}

export interface LocalStack {
  apiUrl: string;
  sesUrl: string;
  adminKey: string;
  queueUrls: Record<QueueName, { url: string; dlqUrl: string }>;
  tableNames: Record<TableName, string>;
  dynamo: DynamoDBClient;
  sqs: SQSClient;
  /** Waits until every queue consumer is idle with nothing left to receive. */
  drain: () => Promise<void>;
  /** Invokes a queue's consumer with what is waiting, batch by batch, until the queue is empty. */
  consume: (queue: QueueName) => Promise<number>;
  sweep: () => Promise<number>;
  /** Turns the simulator's Delivery events on or off from now on (`sesDeliveryEvents`). */
  setSesDeliveryEvents: (on: boolean) => void;
  seeded?: { preferenceUrl?: string };
  stop: () => Promise<void>;
}

export { PortInUseError };

const listenApi = (server: Server, port: number) =>
  new Promise<number>((resolvePort, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port) : error),
    );
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      resolvePort(typeof address === 'object' && address ? address.port : port);
    });
  });

/**
 * HMAC keys for tokens and fingerprints: kept in DATA_DIR so links survive a restart. A fresh set
 * has its own `fingerprint` key, so rotating `current` later never changes address fingerprints
 * (shared/adapters/secrets/signing-keys.ts).
 */
const signingKeys = (dataDir: string | undefined): string => {
  const fresh = () =>
    JSON.stringify({
      current: 'local1',
      keys: { local1: randomBytes(32).toString('base64url') },
      fingerprint: randomBytes(32).toString('base64url'),
    });
  if (!dataDir) return fresh();
  const file = join(dataDir, 'signing-keys.json');
  if (!existsSync(file)) writeFileSync(file, fresh(), { mode: 0o600 });
  return readFileSync(file, 'utf8');
};

export const startLocalStack = async (options: LocalStackOptions = {}): Promise<LocalStack> => {
  const dataDir = options.dataDir ? resolve(options.dataDir) : undefined;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  let emulators: Emulators | undefined;
  const gateway = createGateway();
  // SES event publishing: every message the local SES accepts produces the SNS-wrapped events SES
  // would publish (ses-simulator.ts), delivered to the feedback queue as the SNS → SQS
  // subscription does. Sends still in flight are awaited before a consumer runs.
  let publishEvents: ((bodies: string[]) => Promise<void>) | undefined;
  const publishing = new Set<Promise<void>>();
  let publishedCount = 0;
  const published = async () => {
    while (publishing.size) await Promise.all(publishing);
  };
  let publishedTypes = publishedSesEvents(
    options.sesDeliveryEvents ?? process.env.SES_DELIVERY_EVENTS !== 'false',
  );
  const logSent = dataDir ? sentMailLog(dataDir) : undefined;
  const onSesSent = (operation: 'SendEmail' | 'SendBulkEmail', request: unknown, response: unknown) => {
    logSent?.(operation, request, response);
    const bodies = acceptedMessages(operation, request, response).flatMap((m) =>
      simulateEvents(m, new Date(), publishedTypes),
    );
    if (!publishEvents || !bodies.length) return;
    const sending: Promise<void> = publishEvents(bodies)
      .catch((error: unknown) =>
        logger.error('local SES events not delivered', { error: (error as Error)?.message }),
      )
      .finally(() => publishing.delete(sending));
    publishing.add(sending);
    publishedCount++;
  };
  try {
    emulators = await startEmulators({
      ...(dataDir ? { dynamoPath: join(dataDir, 'dynamodb') } : {}),
      sesPort: options.sesPort ?? 0,
      onSesSent,
    });
    const apiPort = await listenApi(gateway, options.port ?? 0);
    const apiUrl = `http://localhost:${apiPort}`;

    // The same variables the functions get in AWS; only the endpoints differ.
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamoUrl,
      AWS_ENDPOINT_URL_SQS: emulators.sqsUrl,
      AWS_ENDPOINT_URL_SESV2: emulators.sesUrl,
      PUBLIC_BASE_URL: apiUrl,
      SIGNING_KEYS: signingKeys(dataDir),
      SES_RATE_PER_SECOND: String(options.sesRatePerSecond ?? process.env.SES_RATE_PER_SECOND ?? 14),
    });
    const dynamo = new DynamoDBClient({});
    const sqs = new SQSClient({});
    const tableNames = await createTables(dynamo);
    for (const [name, physical] of Object.entries(tableNames))
      process.env[tables[name as TableName].envVar] = physical;
    const queueUrls = await createQueues(sqs);
    for (const [name, urls] of Object.entries(queueUrls))
      process.env[queues[name as QueueName].envVar] = urls.url;
    publishEvents = async (bodies) => {
      for (let i = 0; i < bodies.length; i += 10) {
        await sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrls.feedback.url,
            Entries: bodies.slice(i, i + 10).map((body, j) => ({ Id: String(j), MessageBody: body })),
          }),
        );
      }
    };

    const pollers: Poller[] = [];
    const consumers = new Map<QueueName, PollerOptions>();
    for (const [name, def] of Object.entries(queues) as [QueueName, QueueDefinition][]) {
      if (!def.consumer) continue;
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: queueUrls[name].url, AttributeNames: ['QueueArn'] }),
      );
      const poller: PollerOptions = {
        sqs,
        queueUrl: queueUrls[name].url,
        queueArn: Attributes?.QueueArn ?? '',
        handler: await loadHandler(def.consumer.entry),
        functionName: def.id,
        batchSize: def.consumer.batchSize,
        maxConcurrency: def.consumer.maxConcurrency,
        timeoutMs: def.consumer.timeoutSeconds * 1000,
        waitTimeSeconds: options.pollWaitSeconds ?? 1,
      };
      consumers.set(name, poller);
      if (options.autoConsume !== false) pollers.push(startPoller(poller));
    }

    const sweep = () => sweepExpired(dynamo, tableNames);
    const sweeper = setInterval(() => void sweep().catch(() => undefined), options.ttlSweepMs ?? 60_000);
    sweeper.unref();
    // Nothing stuck (recovery.ts): a restart on DATA_DIR resumes what its lost queues held; the
    // reconciler runs on a timer. Only while the consumers run: tests that drive them do not want it.
    const stopReconciler =
      options.autoConsume !== false && options.reconcileMs !== 0
        ? scheduleReconciler(options.reconcileMs ?? 60_000)
        : () => undefined;
    if (dataDir && options.autoConsume !== false) await resumeAfterRestart();

    // Imported only now: the modules read the variables set above when they load.
    const { installApiKey } = await import('#shared/use-cases/api-keys.ts');
    const adminKey = options.adminKey ?? `sck_${randomBytes(32).toString('base64url')}`;
    await installApiKey(adminKey, 'local admin', 'admin');

    const stack: LocalStack = {
      apiUrl,
      sesUrl: emulators.sesUrl,
      adminKey,
      queueUrls,
      tableNames,
      dynamo,
      sqs,
      sweep,
      setSesDeliveryEvents: (on) => {
        publishedTypes = publishedSesEvents(on);
      },
      drain: async () => {
        // Until a round passes in which sending published no new events for the feedback consumer.
        let seen: number;
        do {
          seen = publishedCount;
          await published();
          await Promise.all(pollers.map((p) => p.idle()));
        } while (seen !== publishedCount);
      },
      consume: async (queue) => {
        await published();
        const poller = consumers.get(queue);
        if (!poller) throw new Error(`queue ${queue} has no consumer`);
        let total = 0;
        for (;;) {
          const count = await pollOnce({ ...poller, waitTimeSeconds: 0 });
          if (!count) return total;
          total += count;
        }
      },
      stop: async () => {
        publishEvents = undefined;
        await published();
        clearInterval(sweeper);
        stopReconciler();
        await Promise.all(pollers.map((p) => p.stop()));
        await new Promise<void>((r) => {
          gateway.closeAllConnections();
          gateway.close(() => r());
        });
        await emulators?.stop();
        dynamo.destroy();
        sqs.destroy();
      },
    };
    if (options.seedDemo) {
      const { seedDemo } = await import('./seed.ts');
      stack.seeded = await seedDemo(stack);
    }
    return stack;
  } catch (error) {
    gateway.close();
    await emulators?.stop();
    throw error;
  }
};
