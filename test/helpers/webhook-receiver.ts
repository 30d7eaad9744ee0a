/**
 * A webhook receiver on localhost for tests: records every request (headers, body, arrival time)
 * and answers as the test says — a status, after a delay, with a body of any size, or never.
 */
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** How to answer one request: a status (default 204), after `delayMs`, with `bodyBytes` of body, or `hang`. */
export interface Answer {
  status?: number;
  delayMs?: number;
  bodyBytes?: number;
  hang?: boolean;
}

export interface Receiver {
  url: (path?: string) => string;
  received: Received[];
  /** Requests to one path. */
  at: (path: string) => Received[];
  /** Decides each answer (by path and how many came to that path before). */
  answer: (decide: (request: Received, countOnPath: number) => Answer) => void;
  close: () => Promise<void>;
}

export const startReceiver = async (): Promise<Receiver> => {
  const received: Received[] = [];
  let decide: (request: Received, count: number) => Answer = () => ({});
  const hanging = new Set<ServerResponse>();
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request: Received = {
      path: req.url ?? '/',
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
      at: Date.now(),
    };
    const count = received.filter((r) => r.path === request.path).length;
    received.push(request);
    const answer = decide(request, count);
    if (answer.hang) {
      hanging.add(res);
      return;
    }
    if (answer.delayMs) await new Promise((r) => setTimeout(r, answer.delayMs));
    res.writeHead(answer.status ?? 204, { 'content-type': 'text/plain' });
    if (!answer.bodyBytes) {
      res.end();
      return;
    }
    // A large body in 64 KB pieces, as a misbehaving receiver might stream it.
    const piece = Buffer.alloc(65_536, 'x');
    let left = answer.bodyBytes;
    const write = () => {
      while (left > 0) {
        const part = left >= piece.length ? piece : piece.subarray(0, left);
        left -= part.length;
        if (!res.write(part)) {
          res.once('drain', write);
          return;
        }
      }
      res.end();
    };
    res.on('error', () => undefined);
    write();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: (path = '/hook') => `http://localhost:${port}${path}`,
    received,
    at: (path) => received.filter((r) => r.path === path),
    answer: (next) => {
      decide = next;
    },
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
};
