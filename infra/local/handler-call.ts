/**
 * Hands a request to a Node HTTP request handler in the same thread, without a socket: a request
 * with the fields a plain handler reads (method, url, headers, the body as `data` and `end` events)
 * and a response that collects status, headers and body. The local stack calls dynalite's handler
 * this way (./dynamodb-streams.ts), on this thread or on its own (./dynalite-thread.ts).
 */
import { EventEmitter } from 'node:events';
import type { IncomingHttpHeaders } from 'node:http';

export interface HandlerAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  payload: Buffer;
}

export type RequestHandler = (req: EventEmitter, res: unknown) => void;

/** A request handed over as its parts, answered in full: dynalite's handler however it is reached. */
export type HandleRequest = (
  headers: IncomingHttpHeaders,
  body: Uint8Array,
  method: string,
  url: string,
) => Promise<HandlerAnswer>;

export const callHandler = (
  handler: RequestHandler,
  headers: IncomingHttpHeaders,
  body: Uint8Array,
  method: string,
  url: string,
): Promise<HandlerAnswer> =>
  new Promise((resolve) => {
    const req = Object.assign(new EventEmitter(), { headers, method, url });
    const answerHeaders: IncomingHttpHeaders = {};
    const res = {
      statusCode: 200,
      contentType: '',
      setHeader: (name: string, value: unknown) => {
        answerHeaders[name.toLowerCase()] = String(value);
      },
      end: (payload?: string | Uint8Array) =>
        resolve({ status: res.statusCode, headers: answerHeaders, payload: Buffer.from(payload ?? '') }),
    };
    handler(req, res);
    req.emit('data', Buffer.from(body));
    req.emit('end');
  });
