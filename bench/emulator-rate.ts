/**
 * The local DynamoDB's own rate for the CSV import's one unbatchable request — the conditional
 * PutItem of an address claim — measured alone: dynalite (and optionally the stream proxy in front
 * of it, infra/local/dynamodb-streams.ts) in a process of its own, a client in this one sending
 * claims with `concurrency` in flight. Prints requests per second and each process's CPU time per
 * request.
 *
 *   npx node bench/emulator-rate.ts [requests=20000] [concurrency=64] [direct|proxy]
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';

if (process.argv[2] === '--server') {
  const { default: dynalite } = await import('dynalite');
  const { startDynamoProxy } = await import('#infra/local/dynamodb-streams.ts');
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const inner = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const url = process.argv[3] === 'proxy' ? (await startDynamoProxy({ upstream: inner })).url : inner;
  process.send?.({ url });
  process.on('message', (m: { type: string }) => {
    if (m.type === 'cpu') process.send?.({ cpu: process.cpuUsage() });
    if (m.type === 'stop') process.exit(0);
  });
} else {
  const requests = Number(process.argv[2] ?? 20_000);
  const concurrency = Number(process.argv[3] ?? 64);
  const mode = process.argv[4] ?? 'direct';
  const child = fork(import.meta.filename, ['--server', mode]);
  const [{ url }] = (await once(child, 'message')) as [{ url: string }];
  const ask = async (): Promise<NodeJS.CpuUsage> => {
    child.send({ type: 'cpu' });
    const [m] = (await once(child, 'message')) as [{ cpu: NodeJS.CpuUsage }];
    return m.cpu;
  };
  const client = new DynamoDBClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const { createTables } = await import('#infra/local/bootstrap.ts');
  const names = await createTables(client);
  const table = names.contacts;
  const claim = (i: number) =>
    client.send(
      new PutItemCommand({
        TableName: table,
        Item: {
          pk: { S: `E#csv.reader.${i}@example${i % 97}.com` },
          sk: { S: 'CLAIM' },
          contactId: { S: `01m92gsrzs2vadm3r5gp${String(i).padStart(6, '0')}` },
          claimedAt: { S: new Date().toISOString() },
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  for (let i = 0; i < 500; i++) await claim(-1 - i); // warm up
  const serverBefore = await ask();
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) await claim(next++);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const serverAfter = await ask();
  const serverUsed = (serverAfter.user + serverAfter.system - serverBefore.user - serverBefore.system) / 1000;
  const clientCpu = process.cpuUsage(clientBefore);
  process.stdout.write(
    `${JSON.stringify({
      mode,
      requests,
      concurrency,
      seconds: Number(seconds.toFixed(2)),
      perSecond: Math.round(requests / seconds),
      serverCpuMsPerRequest: Number((serverUsed / requests).toFixed(3)),
      clientCpuMsPerRequest: Number(((clientCpu.user + clientCpu.system) / 1000 / requests).toFixed(3)),
    })}\n`,
  );
  child.send({ type: 'stop' });
  client.destroy();
}
