/**
 * The local DynamoDB alone, with the CSV import's requests: how many rows a second it can take,
 * and the CPU each row costs it, with nothing else running. The emulator (dynalite, behind the
 * stack's stream proxy as infra/local/emulators.ts wires them, or dynalite alone) runs in a process
 * of its own, as in the benchmark's stack process; this process is the client, `concurrency`
 * requests in flight.
 *
 *   npx node bench/emulator-rate.ts [rows=20000] [concurrency=8] [mix=import] [proxy|one-thread|direct]
 *   (proxy: as the in-memory stack runs it, dynalite on a thread of its own; one-thread: dynalite on
 *   the proxy's thread, as with a data folder; direct: dynalite alone, which knows no PartiQL: no
 *   batched claims)
 *
 * Mixes, per row:
 * - `claims`: one conditional PutItem (an address claim, as sent one at a time before);
 * - `batched-claims`: 1/25 of a BatchExecuteStatement of 25 claim INSERTs;
 * - `import`: what the import worker sends for a new contact: the lookup (claim and suppression
 *   keys, 100 keys a BatchGetItem), the claim (25 INSERTs a BatchExecuteStatement), the contact
 *   item and its membership item (25 a BatchWriteItem each), items the size of the benchmark's;
 * - any of `lookup`, `batched-claims`, `contacts`, `memberships`, comma-separated: those parts alone.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import {
  BatchExecuteStatementCommand,
  BatchGetItemCommand,
  BatchWriteItemCommand,
  DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';

if (process.argv[2] === '--server') {
  const { default: dynalite } = await import('dynalite');
  const { startDynamoProxy } = await import('#infra/local/dynamodb-streams.ts');
  const { startDynaliteThread } = await import('#infra/local/dynalite-thread.ts');
  const mode = process.argv[3];
  let url: string;
  if (mode === 'proxy') {
    // As the in-memory local stack wires them (infra/local/emulators.ts): dynalite on its own thread.
    const thread = await startDynaliteThread();
    url = (
      await startDynamoProxy({ upstream: 'http://127.0.0.1:0', handle: thread.handle, ownOperations: true })
    ).url;
  } else if (mode === 'one-thread') {
    // As with a data folder (in memory here): dynalite on the proxy's thread.
    const { createDynalite } = await import('#infra/local/dynalite-local.ts');
    const { handle } = createDynalite();
    url = (await startDynamoProxy({ upstream: 'http://127.0.0.1:0', handle, ownOperations: true })).url;
  } else {
    const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  }
  process.send?.({ url });
  process.on('message', (m: { type: string }) => {
    if (m.type === 'cpu') process.send?.({ cpu: process.cpuUsage() });
    if (m.type === 'stop') process.exit(0);
  });
} else {
  const rows = Number(process.argv[2] ?? 20_000);
  const concurrency = Number(process.argv[3] ?? 8);
  const mix = process.argv[4] ?? 'import';
  const mode = process.argv[5] ?? 'proxy';
  // dynalite alone knows no PartiQL: only single claims go to it directly.
  if (mode === 'direct' && (mix === 'import' || mix.includes('batched-claims')))
    throw new Error('direct: dynalite alone runs no BatchExecuteStatement');
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
  const table = (await createTables(client)).contacts;

  const email = (i: number) => `csv.reader.${i}@example${i % 97}.com`;
  const id = (i: number) => `01m92gsrzs2vadm3r5gp${String(i).padStart(6, '0')}`;
  const claimItem = (i: number) => ({
    pk: { S: `E#${email(i)}` },
    sk: { S: 'CLAIM' },
    contactId: { S: id(i) },
    claimedAt: { S: new Date().toISOString() },
  });
  const at = '2026-12-05T07:00:00.000Z';
  const contactItem = (i: number) =>
    marshall({
      pk: `C#${id(i)}`,
      sk: 'PROFILE',
      id: id(i),
      email: email(i),
      emailKey: email(i),
      firstName: 'Clara',
      lastName: 'Schumann',
      locale: 'de',
      fields: { company: `Company ${i % 1000}`, city: 'Stockholm' },
      consent: { status: 'granted', source: 'form', at: '2024-03-13T00:00:00.000Z', updatedAt: at },
      subscriptions: { '01m92gsqz4x7b0n9m2a1c3d5e7': { status: 'subscribed', at, source: 'import' } },
      version: 1,
      createdAt: at,
      updatedAt: at,
      outbox: {
        [`${id(i)}a`]: {
          id: `${id(i)}a`,
          at,
          kind: 'consent',
          from: 'unknown',
          to: 'granted',
          source: 'import',
          actor: 'key:01m92gsqz4x7b0n9m2a1c3d5e8',
          requestId: '01m92gsrzs2vadm3r5gpchsfv0',
        },
        [`${id(i)}b`]: {
          id: `${id(i)}b`,
          at,
          kind: 'subscription',
          typeId: '01m92gsqz4x7b0n9m2a1c3d5e7',
          to: 'subscribed',
          source: 'import',
          actor: 'key:01m92gsqz4x7b0n9m2a1c3d5e8',
          requestId: '01m92gsrzs2vadm3r5gpchsfv0',
        },
      },
    });
  const membershipItem = (i: number) =>
    marshall({
      pk: `C#${id(i)}`,
      sk: 'M#T#01m92gsqz4x7b0n9m2a1c3d5e7',
      gpk: `T#01m92gsqz4x7b0n9m2a1c3d5e7#${i % 16}`,
      gsk: id(i),
      v: 1,
      contactId: id(i),
      email: email(i),
      consent: 'granted',
      subscriptions: { '01m92gsqz4x7b0n9m2a1c3d5e7': 'subscribed' },
      locale: 'de',
      firstName: 'Clara',
      lastName: 'Schumann',
      interests: [],
      fields: { company: `Company ${i % 1000}`, city: 'Stockholm' },
      status: 'subscribed',
    });
  const insertClaims = (first: number, count: number) =>
    client.send(
      new BatchExecuteStatementCommand({
        Statements: Array.from({ length: count }, (_, k) => {
          const item = claimItem(first + k);
          return {
            Statement: `INSERT INTO "${table}" VALUE {'pk': ?, 'sk': ?, 'contactId': ?, 'claimedAt': ?}`,
            Parameters: [item.pk, item.sk, item.contactId, item.claimedAt],
          };
        }),
      }),
    );
  const writeAll = (items: Record<string, unknown>[]) =>
    client.send(
      new BatchWriteItemCommand({
        RequestItems: { [table]: items.map((Item) => ({ PutRequest: { Item: Item as never } })) },
      }),
    );
  /** Rows [first, first + 25): the requests of `mix`. */
  const parts = new Set(
    mix === 'import' ? ['lookup', 'batched-claims', 'contacts', 'memberships'] : mix.split(','),
  );
  const unit = mix === 'claims' ? 1 : 25;
  const run = async (first: number) => {
    const count = Math.min(unit, rows - first);
    const range = Array.from({ length: count }, (_, k) => first + k);
    if (parts.has('claims'))
      await client.send(
        new PutItemCommand({
          TableName: table,
          Item: claimItem(first),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    // The worker reads 100 keys a request: half a request per 25 rows, as one of 50 keys here.
    if (parts.has('lookup'))
      await client.send(
        new BatchGetItemCommand({
          RequestItems: {
            [table]: {
              ConsistentRead: true,
              Keys: range.flatMap((i) => [
                { pk: { S: `E#${email(i)}` }, sk: { S: 'CLAIM' } },
                { pk: { S: `S#fingerprint-${i}` }, sk: { S: 'SUPPRESSION' } },
              ]),
            },
          },
        }),
      );
    if (parts.has('batched-claims')) await insertClaims(first, count);
    if (parts.has('contacts')) await writeAll(range.map(contactItem));
    if (parts.has('memberships')) await writeAll(range.map(membershipItem));
  };
  const units = Array.from({ length: Math.ceil(rows / unit) }, (_, k) => k * unit);
  const warmUp = async () => {
    for (let i = 0; i < 500; i++)
      await client.send(new PutItemCommand({ TableName: table, Item: claimItem(-100_000 - i) }));
  };
  await warmUp();
  const serverBefore = await ask();
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < units.length) await run(units[next++] as number);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const serverAfter = await ask();
  const serverMs = (serverAfter.user + serverAfter.system - serverBefore.user - serverBefore.system) / 1000;
  const clientCpu = process.cpuUsage(clientBefore);
  process.stdout.write(
    `${JSON.stringify({
      mix,
      emulator:
        mode === 'direct'
          ? 'dynalite'
          : mode === 'proxy'
            ? 'dynalite on its own thread behind the stream proxy'
            : "dynalite on the stream proxy's thread",
      rows,
      concurrency,
      seconds: Number(seconds.toFixed(2)),
      rowsPerSecond: Math.round(rows / seconds),
      emulatorCpuMsPerRow: Number((serverMs / rows).toFixed(3)),
      emulatorRowsPerCoreSecond: Math.round(rows / (serverMs / 1000)),
      clientCpuMsPerRow: Number(((clientCpu.user + clientCpu.system) / 1000 / rows).toFixed(3)),
    })}\n`,
  );
  child.send({ type: 'stop' });
  client.destroy();
}
