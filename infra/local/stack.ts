/**
 * The whole local stack in one process: the emulators, tables, queues and buckets from the shared
 * definitions, the gateway serving the route table, a poller per queue consumer and per stream
 * consumer's table (Lambda's event source mappings), the SMTP server of the unsubscribe mailbox (SES
 * inbound), the TTL sweeper.
 * `npm start` runs it on fixed ports with data on disk; tests run it in memory on random ports.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import {
  GetQueueAttributesCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { type BucketDefinition, type BucketName, buckets } from '#infra/buckets.ts';
import { inboundMail } from '#infra/inbound-mail.ts';
import { deadLetterEnvVars } from '#infra/env-vars.ts';
import { type QueueDefinition, type QueueName, queues } from '#infra/queues.ts';
import { type StreamConsumerDefinition, streamConsumers } from '#infra/streams.ts';
import { type TableName, tables } from '#infra/tables.ts';
import { logger } from '#shared/observability/logger.ts';
import { createBuckets, createQueues, createTables } from './bootstrap.ts';
import {
  type BusEntry,
  type Emulators,
  localAccessKey,
  PortInUseError,
  type S3Notification,
  startEmulators,
} from './emulators.ts';
import { createGateway } from './gateway.ts';
import { type InboundSmtp, startInboundSmtp } from './inbound-smtp.ts';
import { lambdaContext, loadHandler } from './lambda.ts';
import { type Poller, type PollerOptions, pollOnce, startPoller } from './poller.ts';
import { routeList } from '#infra/routes.ts';
import { publishedSesEvents } from '#infra/ses-events.ts';
import { acceptedMessages, simulateEvents } from './ses-simulator.ts';
import { resumeAfterRestart, scheduleReconciler, sentMailLog } from './recovery.ts';
import { type StreamPoller, startStreamPoller } from './stream-poller.ts';
import { sweepExpired } from './ttl-sweeper.ts';

export interface LocalStackOptions {
  /** API port; 0 picks a free one. */
  port?: number;
  sesPort?: number;
  /** SMTP port of the unsubscribe mailbox (SES inbound); 0 picks a free one. */
  smtpPort?: number;
  /**
   * The `mailto:` of every List-Unsubscribe header, the one address the SMTP port accepts
   * (default `UNSUBSCRIBE_ADDRESS`, else `unsubscribe@localhost`).
   */
  unsubscribeAddress?: string;
  /**
   * Whether suppressions are mirrored into the local SES's account-level suppression list, as the
   * deployment's `sesSuppressionMirror` (default true; else `SES_SUPPRESSION_MIRROR`).
   */
  sesSuppressionMirror?: boolean;
  /** Folder for the database, the local S3's objects and the signing keys; in memory when absent. */
  dataDir?: string;
  /** Fixes the admin key; otherwise one is generated. */
  adminKey?: string;
  seedDemo?: boolean;
  ttlSweepMs?: number;
  /** Long-poll wait of the pollers (short in tests). */
  pollWaitSeconds?: number;
  /** How often the stream pollers read an idle stream (default 200 ms; Lambda reads a few times a second). */
  streamPollMs?: number;
  /** A webhook request's timeout (WEBHOOK_TIMEOUT_MS; default 10 s, as deployed). */
  webhookTimeoutMs?: number;
  /**
   * Publish outgoing events to an EventBridge bus too (`subscription-center-local`, on the local
   * stand-in), as a deployment with `eventBus=true` (default false; else `EVENT_BUS`).
   */
  eventBus?: boolean;
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
  s3Url: string;
  /** The SMTP port of the unsubscribe mailbox, and its address. */
  smtpPort: number;
  unsubscribeAddress: string;
  bucketNames: Record<BucketName, string>;
  adminKey: string;
  queueUrls: Record<QueueName, { url: string; dlqUrl: string }>;
  tableNames: Record<TableName, string>;
  dynamo: DynamoDBClient;
  sqs: SQSClient;
  /** Waits until every queue consumer is idle with nothing left to receive. */
  drain: () => Promise<void>;
  /** Invokes a queue's consumer with what is waiting, batch by batch, until the queue is empty. */
  consume: (queue: QueueName) => Promise<number>;
  /**
   * Hands the stream consumers what their tables' streams hold, until they are caught up (or a
   * batch fails: it stays for the next call). Answers how many records were read.
   */
  consumeChanges: () => Promise<number>;
  /** Records appended to each table's stream so far. */
  streamRecords: () => number;
  /** What was put on the local EventBridge bus (with `eventBus`). */
  busEvents: () => BusEntry[];
  sweep: () => Promise<number>;
  /** Turns the simulator's Delivery events on or off from now on (`sesDeliveryEvents`). */
  setSesDeliveryEvents: (on: boolean) => void;
  seeded?: { preferenceUrl?: string };
  stop: () => Promise<void>;
}

export { PortInUseError };

/** A key pattern of infra/buckets.ts (`*`: any run of characters) against a key. */
export const keyMatches = (pattern: string, key: string): boolean =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  ).test(key);

/** S3's "Object Created" event as EventBridge delivers it to a queue. */
const objectCreatedEvent = (bucket: string, key: string, size: number, time: string) => ({
  version: '0',
  id: randomBytes(16).toString('hex'),
  'detail-type': 'Object Created',
  source: 'aws.s3',
  account: '000000000000',
  time,
  region: 'us-east-1',
  resources: [`arn:aws:s3:::${bucket}`],
  detail: {
    version: '0',
    bucket: { name: bucket },
    object: { key, size },
    reason: 'PutObject',
  },
});

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
  const { server: gateway, open: openGateway } = createGateway();
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
  const onSesSent = (
    operation: 'SendEmail' | 'SendBulkEmail',
    request: unknown,
    response: unknown,
    suppressed: ReadonlySet<string>,
  ) => {
    logSent?.(operation, request, response);
    const bodies = acceptedMessages(operation, request, response).flatMap((m) =>
      simulateEvents({ ...m, suppressed: suppressed.has(m.to.toLowerCase()) }, new Date(), publishedTypes),
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
  // S3 → EventBridge → SQS: object-created events of buckets that announce them (infra/buckets.ts),
  // in EventBridge's shape, to the queue the bucket names, as the deployed rule delivers them.
  let announce: ((notification: S3Notification) => void) | undefined;
  const announcing = new Set<Promise<unknown>>();
  let inbound: InboundSmtp | undefined;
  const unsubscribeAddress =
    options.unsubscribeAddress ?? process.env.UNSUBSCRIBE_ADDRESS ?? 'unsubscribe@localhost';
  try {
    emulators = await startEmulators({
      ...(dataDir
        ? {
            dynamoPath: join(dataDir, 'dynamodb'),
            streamsPath: join(dataDir, 'dynamodb-streams'),
            s3Path: join(dataDir, 's3'),
            sesSuppressionFile: join(dataDir, 'ses-suppression-list.json'),
          }
        : {}),
      sesPort: options.sesPort ?? 0,
      onSesSent,
      onS3Event: (notification) => announce?.(notification),
    });
    const apiPort = await listenApi(gateway, options.port ?? 0);
    const apiUrl = `http://localhost:${apiPort}`;

    // The same variables the functions get in AWS; only the endpoints differ.
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: localAccessKey,
      AWS_SECRET_ACCESS_KEY: localAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamoUrl,
      AWS_ENDPOINT_URL_DYNAMODB_STREAMS: emulators.dynamoUrl,
      AWS_ENDPOINT_URL_SQS: emulators.sqsUrl,
      AWS_ENDPOINT_URL_SESV2: emulators.sesUrl,
      AWS_ENDPOINT_URL_S3: emulators.s3Url,
      PUBLIC_BASE_URL: apiUrl,
      UNSUBSCRIBE_ADDRESS: unsubscribeAddress,
      SES_SUPPRESSION_MIRROR: String(
        options.sesSuppressionMirror ?? process.env.SES_SUPPRESSION_MIRROR !== 'false',
      ),
      [inboundMail.prefixEnvVar]: inboundMail.objectKeyPrefix,
      SIGNING_KEYS: signingKeys(dataDir),
      SES_RATE_PER_SECOND: String(options.sesRatePerSecond ?? process.env.SES_RATE_PER_SECOND ?? 14),
      // Receivers on this machine (http://localhost:…): the local stack allows them for itself only.
      WEBHOOK_ALLOW_LOCAL_RECEIVERS: 'true',
      ...(options.webhookTimeoutMs ? { WEBHOOK_TIMEOUT_MS: String(options.webhookTimeoutMs) } : {}),
      AWS_ENDPOINT_URL_EVENTBRIDGE: emulators.eventsUrl,
    });
    if (options.eventBus ?? process.env.EVENT_BUS === 'true')
      process.env.EVENT_BUS_NAME = 'subscription-center-local';
    else delete process.env.EVENT_BUS_NAME;
    const dynamo = new DynamoDBClient({});
    const sqs = new SQSClient({});
    const tableNames = await createTables(dynamo);
    for (const [name, physical] of Object.entries(tableNames))
      process.env[tables[name as TableName].envVar] = physical;
    const queueUrls = await createQueues(sqs);
    for (const [name, urls] of Object.entries(queueUrls))
      process.env[queues[name as QueueName].envVar] = urls.url;
    for (const [name, envVar] of Object.entries(deadLetterEnvVars))
      process.env[envVar] = queueUrls[name as keyof typeof deadLetterEnvVars].dlqUrl;
    // The local S3 serves buckets by path, not by host name.
    const s3 = new S3Client({ forcePathStyle: true });
    const bucketNames = await createBuckets(s3);
    for (const [name, physical] of Object.entries(bucketNames))
      process.env[buckets[name as BucketName].envVar] = physical;
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

    announce = (notification) => {
      for (const record of notification.Records ?? []) {
        if (!record.eventName.startsWith('ObjectCreated:')) continue;
        const name = (Object.keys(bucketNames) as BucketName[]).find(
          (b) => bucketNames[b] === record.s3.bucket.name,
        );
        const rule = name ? (buckets[name] as BucketDefinition).objectCreated : undefined;
        const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
        if (!rule || !keyMatches(rule.keyPattern, key)) continue;
        const sent = sqs
          .send(
            new SendMessageCommand({
              QueueUrl: queueUrls[rule.queue].url,
              MessageBody: JSON.stringify(
                objectCreatedEvent(record.s3.bucket.name, key, record.s3.object.size ?? 0, record.eventTime),
              ),
            }),
          )
          .catch((error: unknown) =>
            logger.error('local S3 event not delivered', { error: (error as Error)?.message }),
          )
          .finally(() => announcing.delete(sent));
        announcing.add(sent);
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
        maxBatchingWindowSeconds: def.consumer.maxBatchingWindowSeconds,
        maxConcurrency: def.consumer.maxConcurrency,
        timeoutMs: def.consumer.timeoutSeconds * 1000,
        waitTimeSeconds: options.pollWaitSeconds ?? 1,
      };
      consumers.set(name, poller);
      if (options.autoConsume !== false) pollers.push(startPoller(poller));
    }

    // The change streams: one poller per consumer and table, as Lambda makes one mapping per stream.
    const streamsClient = new DynamoDBStreamsClient({});
    const streamPollers: StreamPoller[] = [];
    for (const def of Object.values(streamConsumers) as StreamConsumerDefinition[]) {
      const handler = await loadHandler(def.entry);
      for (const source of def.sources) {
        streamPollers.push(
          startStreamPoller(
            {
              streams: streamsClient,
              dynamo,
              tableName: tableNames[source.table],
              filters: source.filters,
              handler,
              functionName: def.id,
              batchSize: def.batchSize,
              timeoutMs: def.timeoutSeconds * 1000,
              pollMs: options.streamPollMs ?? 200,
              ...(dataDir ? { checkpointFile: join(dataDir, 'stream-positions.json') } : {}),
            },
            options.autoConsume !== false,
          ),
        );
      }
    }
    const streamRecords = () =>
      Object.values(tableNames).reduce(
        (sum, table) => sum + (emulators?.dynamoProxy.recordCount(table) ?? 0),
        0,
      );

    // The unsubscribe mailbox: stored as the receipt rule's S3 action would, handled by the same handler.
    const inboundHandler = await loadHandler(inboundMail.entry);
    inbound = await startInboundSmtp({
      port: options.smtpPort ?? 0,
      address: unsubscribeAddress,
      objectKeyPrefix: inboundMail.objectKeyPrefix,
      store: async (key, raw) => {
        await s3.send(new PutObjectCommand({ Bucket: bucketNames[inboundMail.bucket], Key: key, Body: raw }));
      },
      handler: inboundHandler,
      context: () => lambdaContext('InboundMail', inboundMail.timeoutSeconds * 1000),
    });
    const mailbox = inbound;

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
    // Ready means ready: every route's handler loaded (with the variables set above) before the
    // gateway serves its first request, /health included. One that cannot load stops the start.
    await Promise.all(routeList().map((route) => loadHandler(route.entry)));
    openGateway();

    const stack: LocalStack = {
      apiUrl,
      sesUrl: emulators.sesUrl,
      s3Url: emulators.s3Url,
      smtpPort: mailbox.port,
      unsubscribeAddress,
      bucketNames,
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
        // Until a round passes in which nothing published new SES events for the feedback consumer
        // and nothing changed a table with a stream (whose consumers may queue more work).
        let seen: number;
        do {
          await mailbox.idle();
          while (announcing.size) await Promise.all(announcing);
          seen = publishedCount + streamRecords();
          await published();
          await Promise.all(streamPollers.map((p) => p.idle()));
          await Promise.all(pollers.map((p) => p.idle()));
        } while (seen !== publishedCount + streamRecords());
      },
      streamRecords,
      busEvents: () => [...(emulators?.busEntries ?? [])],
      consumeChanges: async () => {
        let total = 0;
        for (;;) {
          let round = 0;
          for (const poller of streamPollers) {
            const { read, failed } = await poller.pollOnce();
            if (failed) return total + read;
            round += read;
          }
          if (!round) return total;
          total += round;
        }
      },
      consume: async (queue) => {
        await published();
        while (announcing.size) await Promise.all(announcing);
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
        announce = undefined;
        while (announcing.size) await Promise.all(announcing);
        await mailbox.stop();
        publishEvents = undefined;
        await published();
        clearInterval(sweeper);
        stopReconciler();
        await Promise.all(streamPollers.map((p) => p.stop()));
        await Promise.all(pollers.map((p) => p.stop()));
        streamsClient.destroy();
        await new Promise<void>((r) => {
          gateway.closeAllConnections();
          gateway.close(() => r());
        });
        await emulators?.stop();
        dynamo.destroy();
        sqs.destroy();
        s3.destroy();
      },
    };
    if (options.seedDemo) {
      const { seedDemo } = await import('./seed.ts');
      stack.seeded = await seedDemo(stack);
    }
    return stack;
  } catch (error) {
    gateway.close();
    await inbound?.stop();
    await emulators?.stop();
    throw error;
  }
};
