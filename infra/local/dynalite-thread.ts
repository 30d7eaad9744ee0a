/**
 * dynalite on a thread of its own, for the in-memory local stack: the stream proxy
 * (./dynamodb-streams.ts) on the main thread hands it each request as a message and gets the answer
 * back the same way, so the database and everything else of the stack use two cores, not one.
 * A stack with a data folder keeps dynalite on the main thread (its LevelDB files are opened and
 * closed with the stack).
 */
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import type { IncomingHttpHeaders } from 'node:http';
import type { HandleRequest, HandlerAnswer } from './handler-call.ts';

interface Call {
  id: number;
  headers: IncomingHttpHeaders;
  body: Uint8Array;
  method: string;
  url: string;
}

export interface DynaliteThread {
  handle: HandleRequest;
  stop: () => Promise<void>;
}

export const startDynaliteThread = async (): Promise<DynaliteThread> => {
  const worker = new Worker(new URL(import.meta.url));
  const waiting = new Map<number, { resolve: (answer: HandlerAnswer) => void; reject: (e: Error) => void }>();
  let failure: Error | undefined;
  const fail = (error: Error) => {
    failure ??= error;
    for (const { reject } of waiting.values()) reject(error);
    waiting.clear();
  };
  worker.on('message', (m: { id: number; answer: HandlerAnswer }) => {
    const resolve = waiting.get(m.id)?.resolve;
    waiting.delete(m.id);
    const { payload } = m.answer;
    resolve?.({ ...m.answer, payload: Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength) });
  });
  // A request in flight when the thread dies fails (the proxy answers it with a 500), none hangs.
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the dynalite thread exited (${code})`)));
  await new Promise<void>((resolve, reject) => {
    worker.once('online', resolve);
    worker.once('error', reject);
  });
  // Nothing else keeps the process alive for it: the proxy's server does while it runs.
  worker.unref();
  let next = 0;
  return {
    handle: (headers, body, method, url) => {
      if (failure) return Promise.reject(failure);
      const id = next++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, headers, body, method, url } satisfies Call);
      });
    },
    stop: async () => {
      await worker.terminate();
    },
  };
};

if (!isMainThread && parentPort) {
  const port = parentPort;
  const { createDynalite } = await import('./dynalite-local.ts');
  const { handle } = createDynalite();
  port.on('message', (call: Call) => {
    void handle(call.headers, call.body, call.method, call.url).then(
      (answer) => port.postMessage({ id: call.id, answer }),
      // A request it could not run is answered (the proxy passes the 500 on), not left waiting.
      (error: unknown) =>
        port.postMessage({
          id: call.id,
          answer: {
            status: 500,
            headers: { 'content-type': 'application/x-amz-json-1.0' },
            payload: Buffer.from(
              JSON.stringify({
                __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
                message: (error as Error)?.message ?? 'internal error',
              }),
            ),
          } satisfies HandlerAnswer,
        }),
    );
  });
}
