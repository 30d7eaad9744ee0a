/**
 * The local stand-ins for AWS, each a real implementation of the service's wire protocol:
 * dynalite (DynamoDB) behind a proxy that adds DynamoDB Streams (./dynamodb-streams.ts),
 * local-aws-sqs (SQS), s3rver (S3) and aws-ses-v2-local (SES v2) behind a thin
 * guard that enforces what SES enforces and the emulator does not (≤ 50 entries per SendBulkEmail),
 * and answers what it lacks: the account-level suppression list (./ses-suppression-list.ts), with
 * SES's handling of a send to a suppressed address.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqsServer } from 'local-aws-sqs';
import { createRequire } from 'node:module';
import { createDynalite, type LocalDynalite } from './dynalite-local.ts';
import { startDynaliteThread } from './dynalite-thread.ts';
import { type DynamoProxy, startDynamoProxy } from './dynamodb-streams.ts';
import { LocalSuppressionList } from './ses-suppression-list.ts';

const require = createRequire(import.meta.url);
// CommonJS with an `exports.default`; require() reads it the same way under Node and vitest.
const sesServer = (require('aws-ses-v2-local') as typeof import('aws-ses-v2-local')).default;

/** s3rver 3.7 (CommonJS): a Koa app that serves S3's REST protocol from a folder. */
interface S3rverServer {
  run(): Promise<AddressInfo>;
  /** S3 event notifications (`Records[…]`), for every object put, posted, copied or deleted. */
  on(event: 'event', listener: (notification: S3Notification) => void): void;
  /** Set by run(). */
  httpServer?: Server;
}
const S3rver = require('s3rver') as new (options: Record<string, unknown>) => S3rverServer;

/** The access key (and secret) the local stack's functions sign with (infra/local/stack.ts). */
export const localAccessKey = 'local';
// s3rver knows one access key of its own; it learns ours too. It checks that a SigV4 request's key
// exists, not its signature.
(
  require('s3rver/lib/models/account') as {
    DUMMY_ACCOUNT: { createKeyPair(id: string, secret: string): void };
  }
).DUMMY_ACCOUNT.createKeyPair(localAccessKey, localAccessKey);

/** What s3rver emits for an object event: S3's notification format. */
export interface S3Notification {
  Records: Array<{
    eventName: string;
    eventTime: string;
    s3: {
      bucket: { name: string };
      object: { key: string; size?: number; eTag?: string; sequencer?: string };
    };
  }>;
}

export interface EmulatorOptions {
  /** Called with each object event of the local S3. */
  onS3Event?: (notification: S3Notification) => void;
  /** LevelDB folder for dynalite; in memory when absent. */
  dynamoPath?: string;
  /** Folder of the DynamoDB streams and their records; in memory when absent. */
  streamsPath?: string;
  dynamoPort?: number;
  sqsPort?: number;
  /** Port of the SES endpoint (and its web inbox). */
  sesPort?: number;
  /** Folder of the local S3's buckets; a temporary one, removed on stop, when absent. */
  s3Path?: string;
  s3Port?: number;
  /** File keeping the local SES suppression list across restarts; in memory when absent. */
  sesSuppressionFile?: string;
  /**
   * Called with each send SES accepted: the request, the answer, and the destinations SES accepted
   * but will not deliver because they are on the account's suppression list (lower-cased).
   */
  onSesSent?: (
    operation: 'SendEmail' | 'SendBulkEmail',
    request: unknown,
    response: unknown,
    suppressed: ReadonlySet<string>,
  ) => void;
}

/** One PutEvents entry as the local EventBridge stand-in kept it. */
export interface BusEntry {
  EventBusName?: string;
  Source?: string;
  DetailType?: string;
  Detail: string;
  Time?: number | string;
}

export interface Emulators {
  /** The local EventBridge stand-in (PutEvents only): what was put on any bus. */
  eventsUrl: string;
  busEntries: BusEntry[];
  /** DynamoDB and DynamoDB Streams (one endpoint serves both). */
  dynamoUrl: string;
  dynamoProxy: DynamoProxy;
  sqsUrl: string;
  sesUrl: string;
  s3Url: string;
  /** The local SES's account-level suppression list. */
  sesSuppressionList: LocalSuppressionList;
  stop: () => Promise<void>;
}

/** SES v2's limit on destinations per SendBulkEmail call; the emulator would take any number. */
export const sesMaxBulkEntries = 50;

export class PortInUseError extends Error {
  readonly port: number;
  constructor(port: number) {
    super(`Port ${port} is in use`);
    this.port = port;
  }
}

const listen = async (server: Server, port: number, host = '127.0.0.1'): Promise<number> => {
  server.listen(port, host);
  await Promise.race([
    once(server, 'listening'),
    once(server, 'error').then(([error]) => {
      throw (error as NodeJS.ErrnoException).code === 'EADDRINUSE' ? new PortInUseError(port) : error;
    }),
  ]);
  return (server.address() as AddressInfo).port;
};

const close = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections?.();
    server.close(() => resolve());
  });

const readBody = async (req: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/** A message id in SES's form, for a message the guard answers itself. */
const sesMessageId = () =>
  `${randomBytes(8).toString('hex')}-${randomBytes(4).toString('hex')}-${randomBytes(2).toString('hex')}-${randomBytes(2).toString('hex')}-${randomBytes(6).toString('hex')}-000000`;

interface SendRequest {
  Destination?: { ToAddresses?: string[]; CcAddresses?: string[]; BccAddresses?: string[] };
  BulkEmailEntries?: Array<{ Destination?: { ToAddresses?: string[] } }>;
}
interface BulkAnswer {
  BulkEmailEntryResults?: Array<{ Status?: string; MessageId?: string; Error?: string }>;
}

const destinationsOf = (destination: SendRequest['Destination']) => [
  ...(destination?.ToAddresses ?? []),
  ...(destination?.CcAddresses ?? []),
  ...(destination?.BccAddresses ?? []),
];

export const startEmulators = async (options: EmulatorOptions = {}): Promise<Emulators> => {
  // In memory, dynalite gets a thread of its own; with a data folder it stays on this one (with its
  // port), its LevelDB files opened and closed with the stack.
  const dynamoThread = options.dynamoPath ? undefined : await startDynaliteThread();
  const dynamoHere = options.dynamoPath ? createDynalite(options.dynamoPath) : undefined;
  const dynamo: Server | undefined = dynamoHere?.server;
  const innerDynamoPort = dynamo ? await listen(dynamo, 0) : 0;
  const dynamoProxy = await startDynamoProxy({
    upstream: `http://127.0.0.1:${innerDynamoPort}`,
    handle: (dynamoThread ?? (dynamoHere as LocalDynalite)).handle,
    ownOperations: true,
    ...(options.dynamoPort ? { port: options.dynamoPort } : {}),
    ...(options.streamsPath ? { dataDir: options.streamsPath } : {}),
  });

  const sqs = await createSqsServer({
    port: options.sqsPort ?? 0,
    hostname: '127.0.0.1',
    emulateQueueCreationLifecycle: false,
  });
  const sqsPort = (sqs.address() as AddressInfo).port;

  // s3rver keeps objects in files: under DATA_DIR for `npm start`, in a temporary folder otherwise.
  const s3Directory = options.s3Path ?? mkdtempSync(join(tmpdir(), 'sc-s3-'));
  mkdirSync(s3Directory, { recursive: true });
  const s3 = new S3rver({
    address: '127.0.0.1',
    port: options.s3Port ?? 0,
    directory: s3Directory,
    silent: true,
    resetOnClose: false,
  });
  s3.on('event', (notification) => {
    try {
      options.onS3Event?.(notification);
    } catch {
      // A listener's failure must not affect the S3 answer.
    }
  });
  let s3Port: number;
  try {
    s3Port = (await s3.run()).port;
  } catch (error) {
    throw (error as NodeJS.ErrnoException).code === 'EADDRINUSE'
      ? new PortInUseError(options.s3Port ?? 0)
      : error;
  }

  // The real emulator listens on a private port; the guard in front of it owns the public one.
  const ses = await sesServer({ host: '127.0.0.1', port: 0 });
  const innerSesPort = (ses.address() as AddressInfo).port;
  const suppressionList = new LocalSuppressionList(options.sesSuppressionFile);

  /** Forwards a request to the emulator; resolves with its status, headers and body. */
  const forward = (req: IncomingMessage, body: Buffer) =>
    new Promise<{ status: number; headers: IncomingMessage['headers']; payload: Buffer }>(
      (resolve, reject) => {
        const headers = { ...req.headers, 'content-length': String(body.length) };
        const upstream = httpRequest(
          { host: '127.0.0.1', port: innerSesPort, method: req.method, path: req.url, headers },
          async (answer) =>
            resolve({
              status: answer.statusCode ?? 502,
              headers: answer.headers,
              payload: await readBody(answer),
            }),
        );
        upstream.on('error', reject);
        upstream.end(body);
      },
    );

  /**
   * Tells the listener of an accepted message before the sender hears of it, as SES knows it before
   * its answer arrives: a process killed in between cannot leave a mail untold.
   */
  const notify: NonNullable<EmulatorOptions['onSesSent']> = (...args) => {
    try {
      options.onSesSent?.(...args);
    } catch {
      // A listener's failure must not affect the SES answer.
    }
  };

  const guard = createServer(async (req, res) => {
    const body = await readBody(req);
    const own = suppressionList.handle(req.method ?? 'GET', req.url ?? '/', body);
    if (own) {
      res.writeHead(own.status, own.headers);
      res.end(own.body);
      return;
    }
    const operation =
      req.method === 'POST' && req.url === '/v2/email/outbound-bulk-emails'
        ? 'SendBulkEmail'
        : req.method === 'POST' && req.url === '/v2/email/outbound-emails'
          ? 'SendEmail'
          : undefined;
    let parsed: SendRequest | undefined;
    if (operation) {
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        parsed = undefined;
      }
    }
    if (operation === 'SendBulkEmail' && (parsed?.BulkEmailEntries?.length ?? 0) > sesMaxBulkEntries) {
      res.writeHead(400, { 'content-type': 'application/json', 'x-amzn-errortype': 'BadRequestException' });
      res.end(
        JSON.stringify({ message: `BulkEmailEntries: at most ${sesMaxBulkEntries} entries per request` }),
      );
      return;
    }

    // SES accepts a message to a suppressed address and does not deliver it: the emulator, whose
    // store is the recipients' inbox, never sees it, and the guard answers for it.
    const suppressed = new Set<string>();
    let forwardBody = body;
    let answerOf: ((payload: Buffer) => Buffer) | undefined;
    if (operation === 'SendEmail' && parsed) {
      const to = destinationsOf(parsed.Destination);
      if (to.length && to.every((a) => suppressionList.has(a))) {
        for (const a of to) suppressed.add(a.trim().toLowerCase());
        const answer = JSON.stringify({ MessageId: sesMessageId() });
        notify(operation, parsed, JSON.parse(answer), suppressed);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(answer);
        return;
      }
    }
    if (operation === 'SendBulkEmail' && parsed?.BulkEmailEntries) {
      const entries = parsed.BulkEmailEntries;
      const held = entries.map((entry) => {
        const to = destinationsOf(entry.Destination);
        return to.length > 0 && to.every((a) => suppressionList.has(a));
      });
      if (held.some(Boolean)) {
        entries.forEach((entry, i) => {
          if (held[i])
            for (const a of destinationsOf(entry.Destination)) suppressed.add(a.trim().toLowerCase());
        });
        const passed = entries.filter((_, i) => !held[i]);
        forwardBody = Buffer.from(JSON.stringify({ ...parsed, BulkEmailEntries: passed }));
        // The emulator's results for the entries it got, and ours for the held ones, in request order.
        answerOf = (payload) => {
          const upstream = passed.length ? (JSON.parse(payload.toString('utf8')) as BulkAnswer) : {};
          const results = [...(upstream.BulkEmailEntryResults ?? [])];
          return Buffer.from(
            JSON.stringify({
              ...upstream,
              BulkEmailEntryResults: held.map((h) =>
                h ? { Status: 'SUCCESS', MessageId: sesMessageId() } : results.shift(),
              ),
            }),
          );
        };
        if (!passed.length) {
          const payload = answerOf(Buffer.from('{}'));
          notify(operation, parsed, JSON.parse(payload.toString('utf8')), suppressed);
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(payload);
          return;
        }
      }
    }

    let upstream: Awaited<ReturnType<typeof forward>>;
    try {
      upstream = await forward(req, forwardBody);
    } catch {
      res.writeHead(502);
      res.end();
      return;
    }
    const ok = upstream.status < 300;
    const payload = ok && answerOf ? answerOf(upstream.payload) : upstream.payload;
    if (operation && parsed && ok) {
      try {
        notify(operation, parsed, JSON.parse(payload.toString('utf8')), suppressed);
      } catch {
        // An answer that is not JSON publishes nothing.
      }
    }
    res.writeHead(upstream.status, { ...upstream.headers, 'content-length': String(payload.length) });
    res.end(payload);
  });
  const sesPort = await listen(guard, options.sesPort ?? 0);

  // EventBridge has no emulator: a stand-in that speaks PutEvents (JSON 1.1, AWSEvents.PutEvents)
  // and keeps what was put, for the deployments that publish outgoing events to a bus.
  const busEntries: BusEntry[] = [];
  const events = createServer(async (req, res) => {
    const body = await readBody(req);
    const answer = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(payload));
    };
    if (req.headers['x-amz-target'] !== 'AWSEvents.PutEvents')
      return answer(400, { __type: 'UnknownOperationException', message: 'Only PutEvents is served here' });
    let entries: BusEntry[];
    try {
      entries = (JSON.parse(body.toString('utf8')) as { Entries?: BusEntry[] }).Entries ?? [];
    } catch {
      return answer(400, { __type: 'SerializationException', message: 'Not JSON' });
    }
    if (!entries.length || entries.length > 10)
      return answer(400, { __type: 'ValidationException', message: 'Entries: 1 to 10' });
    busEntries.push(...entries);
    answer(200, {
      FailedEntryCount: 0,
      Entries: entries.map(() => ({ EventId: randomBytes(16).toString('hex') })),
    });
  });
  const eventsPort = await listen(events, 0);

  return {
    dynamoUrl: dynamoProxy.url,
    dynamoProxy,
    eventsUrl: `http://127.0.0.1:${eventsPort}`,
    busEntries,
    sqsUrl: `http://127.0.0.1:${sqsPort}`,
    sesUrl: `http://127.0.0.1:${sesPort}`,
    s3Url: `http://127.0.0.1:${s3Port}`,
    sesSuppressionList: suppressionList,
    stop: async () => {
      await Promise.all([
        close(guard),
        close(events),
        close(ses),
        close(sqs),
        dynamoProxy.stop().then(() => (dynamo ? close(dynamo) : dynamoThread?.stop())),
        ...(s3.httpServer ? [close(s3.httpServer)] : []),
      ]);
      if (!options.s3Path) rmSync(s3Directory, { recursive: true, force: true });
    },
  };
};
