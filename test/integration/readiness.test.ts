/**
 * Ready means ready: the local stack's port accepts connections before the stack is configured
 * (the port is part of its configuration), so every request that arrives early waits, and the
 * first `{"ok": true}` of /health comes when every route can serve. Requests fired from the first
 * moment the port accepts, at /health and at a route that reads the database, all get their real
 * answer: never a 500.
 */
import { connect, createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '#infra/local/stack.ts';

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

let stack: LocalStack | undefined;
afterAll(async () => {
  await stack?.stop();
});

describe('a starting local stack', () => {
  it('answers nothing before every route can serve, and every request after', async () => {
    const port = await freePort();
    const adminKey = `sck_${'r'.repeat(43)}`;
    const starting = startLocalStack({ port, adminKey, pollWaitSeconds: 0 }).then((s) => {
      stack = s;
      return performance.now();
    });
    const base = `http://localhost:${port}`;
    const answers: Array<{ path: string; status: number; body: string; at: number }> = [];
    const ask = async (path: string, key?: string) => {
      const res = await fetch(base + path, key ? { headers: { authorization: `Bearer ${key}` } } : {});
      answers.push({ path, status: res.status, body: await res.text(), at: performance.now() });
    };
    // Knock until the port accepts a connection, then fire at once: health and a route that needs
    // its table. A TCP connect tells listening from not (refused) however slow the machine is.
    const accepts = () =>
      new Promise<boolean>((resolve) => {
        const socket = connect({ host: 'localhost', port });
        socket.once('connect', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      });
    const inFlight: Promise<void>[] = [];
    const deadline = Date.now() + 30_000;
    while (!(await accepts())) {
      if (Date.now() > deadline) throw new Error(`Port ${port} never accepted a connection`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    for (let i = 0; i < 5; i++)
      inFlight.push(ask('/health'), ask('/settings', adminKey), ask('/subscription-types', adminKey));
    const readyAt = await starting;
    await Promise.all(inFlight);
    expect(answers).toHaveLength(15);
    for (const answer of answers) {
      expect(answer.status, `${answer.path}: ${answer.body}`).toBe(200);
      // Held until the stack said it was ready: none was answered before.
      expect(answer.at).toBeGreaterThanOrEqual(readyAt - 5);
    }
    expect(answers.filter((a) => a.path === '/health').map((a) => JSON.parse(a.body))).toEqual(
      Array(5).fill({ ok: true }),
    );
  });
});
