/**
 * The local stand-ins for AWS, each a real implementation of the service's wire protocol:
 * dynalite (DynamoDB), local-aws-sqs (SQS) and aws-ses-v2-local (SES v2) behind a thin guard that
 * enforces what SES enforces and the emulator does not (≤ 50 entries per SendBulkEmail).
 */
import { once } from 'node:events';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { createSqsServer } from 'local-aws-sqs';
import { createRequire } from 'node:module';

// CommonJS with an `exports.default`; require() reads it the same way under Node and vitest.
const sesServer = (createRequire(import.meta.url)('aws-ses-v2-local') as typeof import('aws-ses-v2-local'))
  .default;

export interface EmulatorOptions {
  /** LevelDB folder for dynalite; in memory when absent. */
  dynamoPath?: string;
  dynamoPort?: number;
  sqsPort?: number;
  /** Port of the SES endpoint (and its web inbox). */
  sesPort?: number;
  /** Called with each SES request the guard let through and SES accepted. */
  onSesSent?: (operation: 'SendEmail' | 'SendBulkEmail', request: unknown, response: unknown) => void;
}

export interface Emulators {
  dynamoUrl: string;
  sqsUrl: string;
  sesUrl: string;
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

export const startEmulators = async (options: EmulatorOptions = {}): Promise<Emulators> => {
  const dynamo: Server = dynalite({
    path: options.dynamoPath,
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  const dynamoPort = await listen(dynamo, options.dynamoPort ?? 0);

  const sqs = await createSqsServer({
    port: options.sqsPort ?? 0,
    hostname: '127.0.0.1',
    emulateQueueCreationLifecycle: false,
  });
  const sqsPort = (sqs.address() as AddressInfo).port;

  // The real emulator listens on a private port; the guard in front of it owns the public one.
  const ses = await sesServer({ host: '127.0.0.1', port: 0 });
  const innerSesPort = (ses.address() as AddressInfo).port;
  const guard = createServer(async (req, res) => {
    const body = await readBody(req);
    const operation =
      req.method === 'POST' && req.url === '/v2/email/outbound-bulk-emails'
        ? 'SendBulkEmail'
        : req.method === 'POST' && req.url === '/v2/email/outbound-emails'
          ? 'SendEmail'
          : undefined;
    let parsed: { BulkEmailEntries?: unknown[] } | undefined;
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
    const upstream = httpRequest(
      { host: '127.0.0.1', port: innerSesPort, method: req.method, path: req.url, headers: req.headers },
      async (answer) => {
        const payload = await readBody(answer);
        // The listener hears of an accepted message before the sender does, as SES would know it
        // before its answer arrives: a process killed in between cannot leave a mail untold.
        if (operation && parsed && (answer.statusCode ?? 500) < 300 && options.onSesSent) {
          try {
            options.onSesSent(operation, parsed, JSON.parse(payload.toString('utf8')));
          } catch {
            // A listener's failure must not affect the SES answer.
          }
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        res.end(payload);
      },
    );
    upstream.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    upstream.end(body);
  });
  const sesPort = await listen(guard, options.sesPort ?? 0);

  return {
    dynamoUrl: `http://127.0.0.1:${dynamoPort}`,
    sqsUrl: `http://127.0.0.1:${sqsPort}`,
    sesUrl: `http://127.0.0.1:${sesPort}`,
    stop: async () => {
      await Promise.all([close(guard), close(ses), close(sqs), close(dynamo)]);
    },
  };
};
