/**
 * DynamoDB Streams for the local stack: dynalite has none, so this proxy stands in front of it and
 * adds them, speaking both wire protocols on one port (the functions reach it through
 * `AWS_ENDPOINT_URL_DYNAMODB`, the local event source mapping through
 * `AWS_ENDPOINT_URL_DYNAMODB_STREAMS`).
 *
 * - **DynamoDB** requests go to dynalite unchanged, except that a table created (or updated) with a
 *   `StreamSpecification` gets a stream, which DescribeTable then reports (`LatestStreamArn`).
 * - **Writes to a table with a stream** (PutItem, UpdateItem, DeleteItem, BatchWriteItem) are
 *   serialized per item key, and the item's image before and after is known (handed back by the
 *   write itself — PutItem and DeleteItem with `ALL_OLD`, a batch by dynalite's own batch write of
 *   ./dynalite-local.ts — or read), so each committed write that changed an item appends one record —
 *   INSERT, MODIFY or REMOVE with its keys and, as `NEW_AND_OLD_IMAGES` says, both images — exactly
 *   as DynamoDB appends it when it commits. A write whose condition fails, or that changes nothing,
 *   appends nothing (as in DynamoDB). Every write of the local stack passes here, so nothing can
 *   change an item between its two images.
 * - **BatchExecuteStatement** (dynalite has no PartiQL) runs batches of PartiQL inserts —
 *   `INSERT INTO "table" VALUE {'name': ?, …}`, the only statement the local stack knows — as
 *   DynamoDB does: each statement on its own (no transaction), an item whose key exists already
 *   answered with the statement's `DuplicateItem` error and left as it is. On a table with a stream
 *   the batch's keys are locked and the items written in one request that writes each only where no
 *   item is (./dynalite-local.ts; without it, the keys are read in one BatchGetItem and the new items
 *   written in one BatchWriteItem — nothing else writes them in between: every write takes the same
 *   locks): an insert that succeeds is an INSERT record with no old image, one that fails none; on a
 *   table without a stream, each statement is a conditional PutItem.
 * - **DynamoDB Streams** (`DynamoDBStreams_20120810.*`: ListStreams, DescribeStream,
 *   GetShardIterator, GetRecords) serves the records: one shard per stream (DynamoDB has several, and
 *   orders records per item key only: consumers may rely on nothing more), 24 hours of retention,
 *   iterators of every type, expiring after 15 minutes.
 *
 * With a data folder the streams and their records are kept on disk (one line per record), so a
 * restart of the local stack loses no change that its consumer had not yet read — as a stream in
 * AWS outlives a crash of its consumer.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

type Item = Record<string, AttributeValue>;
type Json = Record<string, unknown>;
type Answer = { status: number; headers: IncomingMessage['headers']; payload: Buffer };
type BatchGot = { Responses?: Record<string, Item[]>; UnprocessedKeys?: Record<string, unknown> };

/** Records older than this are trimmed, as DynamoDB Streams keeps them 24 hours. */
const retentionMs = 24 * 3600 * 1000;
/** A shard iterator is good for 15 minutes. */
const iteratorTtlMs = 15 * 60 * 1000;
const shardId = 'shardId-00000000000000000001-00000001';
const region = 'us-east-1';
const account = '000000000000';

/** One record as GetRecords answers it (DynamoDB's JSON: attribute values as `{S: …}`). */
export interface StreamRecord {
  eventID: string;
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  eventVersion: '1.1';
  eventSource: 'aws:dynamodb';
  awsRegion: string;
  dynamodb: {
    ApproximateCreationDateTime: number;
    Keys: Item;
    NewImage?: Item;
    OldImage?: Item;
    SequenceNumber: string;
    SizeBytes: number;
    StreamViewType: string;
  };
}

interface Stream {
  tableName: string;
  arn: string;
  label: string;
  viewType: string;
  enabled: boolean;
  createdAt: number;
  keySchema: Array<{ AttributeName: string; KeyType: string }>;
  /**
   * The records kept, in order, each as its JSON text (the answer of GetRecords is made of them):
   * a text is one object to the garbage collector, where a record's images are hundreds.
   */
  records: KeptRecord[];
  /** Records appended so far (the next sequence number). */
  next: number;
  /** Records trimmed so far: sequence numbers below this are gone. */
  trimmed: number;
}

/** A record as kept: when it was appended (seconds, for retention) and its JSON text. */
interface KeptRecord {
  at: number;
  json: string;
}

/** A body already in JSON (GetRecords' answer, made of kept records' texts). */
class RawJson {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

const sequenceNumber = (n: number) => (10n ** 20n + BigInt(n)).toString();
const ordinal = (sequence: string) => Number(BigInt(sequence) - 10n ** 20n);

/** Deep equality of two items in DynamoDB JSON (maps compared without regard to key order). */
const same = (a: unknown, b: unknown): boolean => {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && same((a as Json)[k], (b as Json)[k]));
};

/** DynamoDB's measure of an item: names and values, roughly as it bills them. */
const sizeOf = (item: Item | undefined) => (item ? Buffer.byteLength(JSON.stringify(item)) : 0);

/** The PartiQL the local stack runs: `INSERT INTO "table" VALUE {'a': ?, 'b': ?}`, values as parameters. */
const insertStatement = /^\s*INSERT\s+INTO\s+"([^"]+)"\s+VALUE\s+\{(.*)\}\s*$/is;
const parameterPair = /^\s*'([^']+)'\s*:\s*\?\s*$/;

/** One statement of a BatchExecuteStatement as an item to insert, or undefined if it is not such an insert. */
export const parseInsert = (
  statement: unknown,
  parameters: unknown,
): { table: string; item: Item } | undefined => {
  const match = typeof statement === 'string' ? insertStatement.exec(statement) : null;
  if (!match || !Array.isArray(parameters)) return undefined;
  const names = (match[2] as string).split(',').map((pair) => parameterPair.exec(pair)?.[1]);
  if (names.length !== parameters.length || names.some((n) => n === undefined)) return undefined;
  if (new Set(names).size !== names.length) return undefined;
  return {
    table: match[1] as string,
    item: Object.fromEntries(names.map((n, i) => [n as string, parameters[i] as AttributeValue])),
  };
};

/** DynamoDB's limit of statements per BatchExecuteStatement. */
const maxBatchStatements = 25;

class StreamError extends Error {
  readonly type: string;
  constructor(type: string, message: string) {
    super(message);
    this.type = type;
  }
}

export interface DynamoProxyOptions {
  /** dynalite's URL. */
  upstream: string;
  /**
   * Hands a request to dynalite without a network round trip (its handler on this thread, or on a
   * thread of its own: ./dynalite-thread.ts); without it, requests go to `upstream` over HTTP.
   */
  handle?: (
    headers: IncomingMessage['headers'],
    body: Buffer,
    method: string,
    url: string,
  ) => Promise<Answer>;
  /**
   * `handle` runs the stack's own batch writes that hand back the images before
   * (./dynalite-local.ts): the proxy then needs no read before a batch write.
   */
  ownOperations?: boolean;
  port?: number;
  /** Folder keeping streams and their records across restarts; in memory when absent. */
  dataDir?: string;
}

export interface DynamoProxy {
  url: string;
  /** Records appended to the table's stream so far (0 without a stream). */
  recordCount: (tableName: string) => number;
  stop: () => Promise<void>;
}

const readBody = async (req: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

export const startDynamoProxy = async (options: DynamoProxyOptions): Promise<DynamoProxy> => {
  const upstream = new URL(options.upstream);
  const streams = new Map<string, Stream>();
  const registryFile = options.dataDir && join(options.dataDir, 'streams.json');
  const recordsFile = (stream: Stream) =>
    options.dataDir ? join(options.dataDir, 'streams', `${stream.tableName}.jsonl`) : undefined;

  const saveRegistry = () => {
    if (!registryFile) return;
    const registry = [...streams.values()].map(({ records: _r, next: _n, trimmed: _t, ...rest }) => rest);
    writeFileSync(registryFile, JSON.stringify(registry));
  };
  if (options.dataDir) {
    mkdirSync(join(options.dataDir, 'streams'), { recursive: true });
    if (registryFile && existsSync(registryFile)) {
      const registry = JSON.parse(readFileSync(registryFile, 'utf8')) as Array<Omit<Stream, 'records'>>;
      for (const saved of registry) {
        const stream: Stream = { ...saved, records: [], next: 0, trimmed: 0 };
        const file = recordsFile(stream);
        const lines = file && existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
        const cutoff = (Date.now() - retentionMs) / 1000;
        for (const line of lines) {
          const record = JSON.parse(line) as StreamRecord;
          stream.next = ordinal(record.dynamodb.SequenceNumber) + 1;
          const at = record.dynamodb.ApproximateCreationDateTime;
          if (at >= cutoff) stream.records.push({ at, json: line });
        }
        stream.trimmed = stream.next - stream.records.length;
        // Rewritten without what is past retention, so the file does not grow for ever.
        if (file) writeFileSync(file, stream.records.map((r) => `${r.json}\n`).join(''));
        streams.set(stream.tableName, stream);
      }
    }
  }

  const streamOf = (tableName: unknown): Stream | undefined => {
    const stream = typeof tableName === 'string' ? streams.get(tableName) : undefined;
    return stream?.enabled ? stream : undefined;
  };

  const enableStream = async (tableName: string, viewType: string): Promise<Stream> => {
    const existing = streams.get(tableName);
    if (existing?.enabled) return existing;
    const { Table } = await call<{ Table?: { KeySchema?: Stream['keySchema'] } }>('DescribeTable', {
      TableName: tableName,
    });
    const createdAt = Date.now();
    const label = new Date(createdAt).toISOString().replace('Z', '');
    const stream: Stream = {
      tableName,
      arn: `arn:aws:dynamodb:${region}:${account}:table/${tableName}/stream/${label}`,
      label,
      viewType,
      enabled: true,
      createdAt,
      keySchema: (Table?.KeySchema ?? []) as Stream['keySchema'],
      records: [],
      next: existing?.next ?? 0,
      trimmed: existing?.next ?? 0,
    };
    streams.set(tableName, stream);
    saveRegistry();
    return stream;
  };

  const append = (stream: Stream, keys: Item, oldImage: Item | undefined, newImage: Item | undefined) => {
    if (!oldImage && !newImage) return;
    if (oldImage && newImage && same(oldImage, newImage)) return;
    const n = stream.next++;
    const withImages = stream.viewType === 'NEW_AND_OLD_IMAGES';
    const at = Math.floor(Date.now() / 1000);
    // The record's text, made of the images' texts (each stringified once: they also give its size).
    const keysJson = JSON.stringify(keys);
    const newJson =
      newImage && (withImages || stream.viewType === 'NEW_IMAGE') ? JSON.stringify(newImage) : undefined;
    const oldJson =
      oldImage && (withImages || stream.viewType === 'OLD_IMAGE') ? JSON.stringify(oldImage) : undefined;
    const bytes = (json: string | undefined) => (json ? Buffer.byteLength(json) : 0);
    const sizeBytes =
      bytes(keysJson) +
      (newJson !== undefined ? bytes(newJson) : sizeOf(newImage)) +
      (oldJson !== undefined ? bytes(oldJson) : sizeOf(oldImage));
    const head: Omit<StreamRecord, 'dynamodb'> = {
      eventID: `${stream.label}-${n}`.replace(/[^A-Za-z0-9]/g, '').slice(-32),
      eventName: !oldImage ? 'INSERT' : !newImage ? 'REMOVE' : 'MODIFY',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: region,
    };
    const json = `${JSON.stringify(head).slice(0, -1)},"dynamodb":{"ApproximateCreationDateTime":${at},"Keys":${keysJson}${
      newJson !== undefined ? `,"NewImage":${newJson}` : ''
    }${oldJson !== undefined ? `,"OldImage":${oldJson}` : ''},"SequenceNumber":"${sequenceNumber(n)}","SizeBytes":${sizeBytes},"StreamViewType":${JSON.stringify(stream.viewType)}}}`;
    stream.records.push({ at, json });
    const file = recordsFile(stream);
    if (file) appendFileSync(file, `${json}\n`);
    const cutoff = (Date.now() - retentionMs) / 1000;
    while (stream.records[0] && stream.records[0].at < cutoff) {
      stream.records.shift();
      stream.trimmed++;
    }
  };

  // ----- per-item locks: every write of an item with a stream waits for the one before it -----
  const locks = new Map<string, Promise<void>>();
  const lock = async (names: string[]): Promise<() => void> => {
    const releases: Array<() => void> = [];
    // Always in the same order, so two batches over the same items cannot wait for each other.
    for (const name of [...new Set(names)].sort()) {
      const before = locks.get(name) ?? Promise.resolve();
      let release = () => {};
      const mine = new Promise<void>((r) => {
        release = r;
      });
      const chained = before.then(() => mine);
      locks.set(name, chained);
      await before;
      releases.push(() => {
        release();
        if (locks.get(name) === chained) locks.delete(name);
      });
    }
    return () => {
      for (const release of releases) release();
    };
  };

  const keysOf = (stream: Stream, item: Item): Item =>
    Object.fromEntries(
      stream.keySchema.map((k) => [k.AttributeName, item[k.AttributeName] as AttributeValue]),
    );
  const lockName = (stream: Stream, keys: Item) => `${stream.tableName}|${JSON.stringify(keys)}`;

  const getItem = async (tableName: string, keys: Item): Promise<Item | undefined> =>
    (await call<{ Item?: Item }>('GetItem', { TableName: tableName, Key: keys, ConsistentRead: true })).Item;

  // ----- forwarding -----

  const send = (headers: IncomingMessage['headers'], body: Buffer, method = 'POST', url = '/') => {
    if (options.handle) return options.handle(headers, body, method, url);
    return new Promise<Answer>((resolve, reject) => {
      const call = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method,
          path: url,
          headers: { ...headers, host: upstream.host, 'content-length': String(body.length) },
        },
        async (answer) =>
          resolve({
            status: answer.statusCode ?? 502,
            headers: answer.headers,
            payload: await readBody(answer),
          }),
      );
      call.on('error', reject);
      call.end(body);
    });
  };

  /** A client's request, as it came (dynalite checks that it is signed, not the signature). */
  const forward = (req: IncomingMessage, body: Buffer) =>
    send(req.headers, body, req.method ?? 'POST', req.url ?? '/');

  const ownHeaders = (target: string) => ({
    'content-type': 'application/x-amz-json-1.0',
    'x-amz-target': target,
    'x-amz-date': '20240101T000000Z',
    authorization:
      'AWS4-HMAC-SHA256 Credential=local/20240101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=0',
  });

  /**
   * A request of the proxy's own (images, existence checks; `operation` with a dot is one of
   * ./dynalite-local.ts); throws dynalite's error as the SDK would name it.
   */
  const call = async <T = Json>(operation: string, request: Json): Promise<T> => {
    const answer = await send(
      ownHeaders(operation.includes('.') ? operation : `DynamoDB_20120810.${operation}`),
      Buffer.from(JSON.stringify(request)),
    );
    const parsed = JSON.parse(answer.payload.toString('utf8') || '{}') as Json;
    if (answer.status === 200) return parsed as T;
    const type = String(parsed.__type ?? 'InternalServerError');
    throw Object.assign(new Error(String(parsed.message ?? parsed.Message ?? type)), {
      name: type.slice(type.indexOf('#') + 1),
      $metadata: { httpStatusCode: answer.status },
    });
  };

  /** The answer with a body of our own: its checksum (x-amz-crc32, which the SDK verifies) follows. */
  const rewrite = (headers: IncomingMessage['headers'], payload: Buffer) => ({
    headers: { ...headers, 'content-length': String(payload.length), 'x-amz-crc32': String(crc32(payload)) },
    payload,
  });

  const writeWithImages = async (req: IncomingMessage, operation: string, request: Json): Promise<Answer> => {
    const stream = streamOf(request.TableName);
    if (!stream) return forward(req, Buffer.from(JSON.stringify(request)));
    const keys = operation === 'PutItem' ? keysOf(stream, request.Item as Item) : (request.Key as Item);
    const release = await lock([lockName(stream, keys)]);
    try {
      const asked = (request.ReturnValues as string | undefined) ?? 'NONE';
      if (operation === 'PutItem' || operation === 'DeleteItem') {
        // ALL_OLD gives the image before in the same call; the caller gets only what it asked for.
        const answer = await forward(
          req,
          Buffer.from(JSON.stringify({ ...request, ReturnValues: 'ALL_OLD' })),
        );
        if (answer.status !== 200) return answer;
        const parsed = JSON.parse(answer.payload.toString('utf8')) as Json;
        const oldImage = parsed.Attributes as Item | undefined;
        append(stream, keys, oldImage, operation === 'PutItem' ? (request.Item as Item) : undefined);
        if (asked === 'ALL_OLD') return answer;
        delete parsed.Attributes;
        return { status: answer.status, ...rewrite(answer.headers, Buffer.from(JSON.stringify(parsed))) };
      }
      // UpdateItem: the image before by a read; after, from ALL_NEW when the caller wants that or nothing.
      const oldImage = await getItem(stream.tableName, keys);
      const ownReturn = asked === 'NONE' || asked === 'ALL_NEW';
      const sent = ownReturn ? { ...request, ReturnValues: 'ALL_NEW' } : request;
      const answer = await forward(req, Buffer.from(JSON.stringify(sent)));
      if (answer.status !== 200) return answer;
      const parsed = JSON.parse(answer.payload.toString('utf8')) as Json;
      const newImage = ownReturn
        ? (parsed.Attributes as Item | undefined)
        : await getItem(stream.tableName, keys);
      append(stream, keys, oldImage, newImage);
      if (asked !== 'NONE') return answer;
      delete parsed.Attributes;
      return { status: answer.status, ...rewrite(answer.headers, Buffer.from(JSON.stringify(parsed))) };
    } finally {
      release();
    }
  };

  /** `body`: the request as the client sent it (`request` parsed), passed on as it is. */
  const batchWrite = async (req: IncomingMessage, request: Json, body: Buffer): Promise<Answer> => {
    const byTable = (request.RequestItems ?? {}) as Record<
      string,
      Array<{ PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } }>
    >;
    const touched: Array<{ stream: Stream; keys: Item; newImage?: Item; at: number }> = [];
    for (const [table, writes] of Object.entries(byTable)) {
      const stream = streamOf(table);
      if (!stream || !Array.isArray(writes)) continue;
      writes.forEach((write, at) => {
        if (write.PutRequest?.Item)
          touched.push({
            stream,
            keys: keysOf(stream, write.PutRequest.Item),
            newImage: write.PutRequest.Item,
            at,
          });
        else if (write.DeleteRequest?.Key) touched.push({ stream, keys: write.DeleteRequest.Key, at });
      });
    }
    if (!touched.length) return forward(req, body);
    const release = await lock(touched.map((t) => lockName(t.stream, t.keys)));
    try {
      if (options.ownOperations) {
        // One request: dynalite's BatchWriteItem that hands back each item as it was before.
        const answer = await send(ownHeaders('LocalDynamo.BatchWriteItem'), body);
        if (answer.status !== 200)
          return { status: answer.status, ...rewrite(answer.headers, answer.payload) };
        const done = JSON.parse(answer.payload.toString('utf8')) as {
          Answer: Json;
          Results: Record<string, Array<{ Old?: Item }>>;
        };
        // dynalite writes every item of a batch (none unprocessed) and refuses a key twice in one.
        for (const t of touched)
          append(t.stream, t.keys, done.Results[t.stream.tableName]?.[t.at]?.Old, t.newImage);
        return ownAnswer(200, done.Answer);
      }
      const before = new Map<string, Item>();
      const wanted: Record<string, { Keys: Item[]; ConsistentRead: boolean }> = {};
      for (const t of touched) {
        wanted[t.stream.tableName] ??= { Keys: [], ConsistentRead: true };
        const entry = wanted[t.stream.tableName] as { Keys: Item[] };
        if (!entry.Keys.some((k) => same(k, t.keys))) entry.Keys.push(t.keys);
      }
      let pending: typeof wanted | undefined = wanted;
      while (pending && Object.keys(pending).length) {
        let got: BatchGot;
        try {
          got = await call<BatchGot>('BatchGetItem', { RequestItems: pending });
        } catch (error) {
          // Keys dynalite refuses (of the wrong type, of no table): the caller's mistake, nothing written.
          const { name, message, $metadata } = error as Error & { $metadata?: { httpStatusCode?: number } };
          if ($metadata?.httpStatusCode !== 400) throw error;
          return ownAnswer(400, { __type: `com.amazonaws.dynamodb.v20120810#${name}`, message });
        }
        for (const [table, items] of Object.entries(got.Responses ?? {})) {
          const stream = streams.get(table) as Stream;
          for (const item of items) before.set(lockName(stream, keysOf(stream, item)), item);
        }
        pending = got.UnprocessedKeys as typeof wanted | undefined;
      }
      const answer = await forward(req, body);
      if (answer.status !== 200) return answer;
      const { UnprocessedItems } = JSON.parse(answer.payload.toString('utf8')) as {
        UnprocessedItems?: Record<string, unknown[]>;
      };
      const unprocessed = new Set(
        Object.entries(UnprocessedItems ?? {}).flatMap(([table, writes]) =>
          (writes as Array<{ PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } }>).map((w) => {
            const stream = streams.get(table) as Stream;
            return lockName(
              stream,
              w.PutRequest ? keysOf(stream, w.PutRequest.Item) : (w.DeleteRequest?.Key ?? {}),
            );
          }),
        ),
      );
      // In request order; a later write of the same key in one batch sees the earlier one's image.
      for (const t of touched) {
        const name = lockName(t.stream, t.keys);
        if (unprocessed.has(name)) continue;
        append(t.stream, t.keys, before.get(name), t.newImage);
        if (t.newImage) before.set(name, t.newImage);
        else before.delete(name);
      }
      return answer;
    } finally {
      release();
    }
  };

  type Statement = {
    Statement?: unknown;
    Parameters?: unknown;
    ReturnValuesOnConditionCheckFailure?: unknown;
  };
  type StatementAnswer = { TableName: string; Error?: { Code: string; Message: string; Item?: Item } };
  const duplicate = (table: string, existing: Item | undefined, statement: Statement): StatementAnswer => ({
    TableName: table,
    Error: {
      Code: 'DuplicateItem',
      Message: 'Duplicate primary key exists in table',
      ...(existing && statement.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' ? { Item: existing } : {}),
    },
  });

  /**
   * Inserts under their keys' locks in one request that writes each key's first insert only where no
   * item is (./dynalite-local.ts): an insert that succeeds had no item before it (its record an
   * INSERT, its old image none, nothing to read first); one that finds an item is DuplicateItem.
   */
  const insertAtOnce = async (
    stream: Stream,
    named: Array<{ at: number; item: Item; statement: Statement; keys: Item; name: string }>,
    answers: StatementAnswer[],
  ): Promise<number> => {
    const first = new Map<string, (typeof named)[number]>();
    for (const n of named) if (!first.has(n.name)) first.set(n.name, n);
    const sent = [...first.values()];
    const done = await call<{
      Answer: { ConsumedCapacity?: Array<{ CapacityUnits?: number }> };
      Results: Record<string, Array<{ Existing?: Item }>>;
    }>('LocalDynamo.BatchInsertItem', {
      RequestItems: { [stream.tableName]: sent.map((n) => ({ PutRequest: { Item: n.item } })) },
      ReturnConsumedCapacity: 'TOTAL',
    });
    // Billed: each write, and each insert that found an item (a failed conditional write).
    let units = (done.Answer.ConsumedCapacity ?? []).reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
    const results = done.Results[stream.tableName] ?? [];
    const there = new Map<string, Item>();
    sent.forEach((n, i) => {
      const existing = results[i]?.Existing;
      there.set(n.name, existing ?? n.item);
      if (existing) answers[n.at] = duplicate(stream.tableName, existing, n.statement);
      else answers[n.at] = { TableName: stream.tableName };
    });
    // In request order: a second insert of one key in the batch finds the first (or what was there).
    for (const n of named) {
      if (first.get(n.name) === n) {
        if (!answers[n.at]?.Error) append(stream, n.keys, undefined, n.item);
        continue;
      }
      answers[n.at] = duplicate(stream.tableName, there.get(n.name), n.statement);
      units += 1;
    }
    return units;
  };

  /** Inserts into a table with a stream: under the keys' locks, one read of them all, one write of the new. */
  const insertWithStream = async (
    stream: Stream,
    inserts: Array<{ at: number; item: Item; statement: Statement }>,
    answers: StatementAnswer[],
  ): Promise<number> => {
    const named = inserts.map((insert) => {
      const keys = keysOf(stream, insert.item);
      return { ...insert, keys, name: lockName(stream, keys) };
    });
    const release = await lock(named.map((n) => n.name));
    try {
      if (options.ownOperations) return await insertAtOnce(stream, named, answers);
      const existing = new Map<string, Item>();
      const unique = [...new Map(named.map((n) => [n.name, n.keys])).values()];
      let pending: Record<string, { Keys: Item[]; ConsistentRead: boolean }> | undefined = {
        [stream.tableName]: { Keys: unique, ConsistentRead: true },
      };
      while (pending && Object.keys(pending).length) {
        const got = await call<BatchGot>('BatchGetItem', { RequestItems: pending });
        for (const item of got.Responses?.[stream.tableName] ?? [])
          existing.set(lockName(stream, keysOf(stream, item)), item);
        pending = got.UnprocessedKeys as typeof pending;
      }
      // In request order: a second insert of one key in the batch finds the first.
      const writes: typeof named = [];
      let units = 0;
      for (const n of named) {
        const found = existing.get(n.name);
        if (found) {
          answers[n.at] = duplicate(stream.tableName, found, n.statement);
          units += 1; // a failed conditional write is billed too
          continue;
        }
        existing.set(n.name, n.item);
        writes.push(n);
        answers[n.at] = { TableName: stream.tableName };
      }
      let requests = writes.map((w) => ({ PutRequest: { Item: w.item } }));
      while (requests.length) {
        const done = await call<{
          ConsumedCapacity?: Array<{ CapacityUnits?: number }>;
          UnprocessedItems?: Record<string, unknown[]>;
        }>('BatchWriteItem', {
          RequestItems: { [stream.tableName]: requests },
          ReturnConsumedCapacity: 'TOTAL',
        });
        units += (done.ConsumedCapacity ?? []).reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
        requests = (done.UnprocessedItems?.[stream.tableName] ?? []) as typeof requests;
      }
      for (const w of writes) append(stream, w.keys, undefined, w.item);
      return units;
    } finally {
      release();
    }
  };

  /** Inserts into a table without a stream: each a conditional PutItem, atomic in dynalite. */
  const insertWithoutStream = async (
    table: string,
    inserts: Array<{ at: number; item: Item; statement: Statement }>,
    answers: StatementAnswer[],
  ): Promise<number> => {
    const { Table } = await call<{ Table?: { KeySchema?: Stream['keySchema'] } }>('DescribeTable', {
      TableName: table,
    });
    const hash = Table?.KeySchema?.find((k) => k.KeyType === 'HASH')?.AttributeName ?? '';
    let units = 0;
    for (const { at, item, statement } of inserts) {
      try {
        const put = await call<{ ConsumedCapacity?: { CapacityUnits?: number } }>('PutItem', {
          TableName: table,
          Item: item,
          ConditionExpression: 'attribute_not_exists(#k)',
          ExpressionAttributeNames: { '#k': hash },
          ReturnConsumedCapacity: 'TOTAL',
        });
        units += put.ConsumedCapacity?.CapacityUnits ?? 0;
        answers[at] = { TableName: table };
      } catch (error) {
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
        units += 1;
        // dynalite does not hand back the item a condition failed on: read it (only when asked).
        const wanted = statement.ReturnValuesOnConditionCheckFailure === 'ALL_OLD';
        const hashKey = { [hash]: item[hash] as AttributeValue };
        const range = Table?.KeySchema?.find((k) => k.KeyType === 'RANGE')?.AttributeName;
        const keys = range ? { ...hashKey, [range]: item[range] as AttributeValue } : hashKey;
        answers[at] = duplicate(table, wanted ? await getItem(table, keys) : undefined, statement);
      }
    }
    return units;
  };

  const batchExecute = async (request: Json): Promise<Answer> => {
    const invalid = (message: string) =>
      ownAnswer(400, { __type: 'com.amazon.coral.validate#ValidationException', message });
    const statements = (Array.isArray(request.Statements) ? request.Statements : []) as Statement[];
    if (!statements.length || statements.length > maxBatchStatements)
      return invalid(`A batch holds 1 to ${maxBatchStatements} statements`);
    const parsed = statements.map((s) => parseInsert(s.Statement, s.Parameters ?? []));
    if (parsed.some((p) => !p))
      return invalid(
        'The local stack runs INSERT INTO "table" VALUE {\'name\': ?, …} statements only, values as parameters',
      );
    const byTable = new Map<string, Array<{ at: number; item: Item; statement: Statement }>>();
    parsed.forEach((p, at) => {
      const { table, item } = p as { table: string; item: Item };
      byTable.set(table, [
        ...(byTable.get(table) ?? []),
        { at, item, statement: statements[at] as Statement },
      ]);
    });
    const answers: StatementAnswer[] = new Array(statements.length);
    const capacity: Array<{ TableName: string; CapacityUnits: number }> = [];
    try {
      for (const [table, inserts] of byTable) {
        const stream = streamOf(table);
        const units = stream
          ? await insertWithStream(stream, inserts, answers)
          : await insertWithoutStream(table, inserts, answers);
        capacity.push({ TableName: table, CapacityUnits: units });
      }
    } catch (error) {
      // dynalite refused the items (a missing table, a malformed value): the caller's mistake.
      const { name, message, $metadata } = error as Error & { $metadata?: { httpStatusCode?: number } };
      if ($metadata?.httpStatusCode !== 400) throw error;
      return ownAnswer(400, { __type: `com.amazonaws.dynamodb.v20120810#${name}`, message });
    }
    const asked = request.ReturnConsumedCapacity;
    return ownAnswer(200, {
      Responses: answers,
      ...(asked === 'TOTAL' || asked === 'INDEXES' ? { ConsumedCapacity: capacity } : {}),
    });
  };

  // ----- the control plane: streams on CreateTable / UpdateTable, reported by DescribeTable -----
  const withStream = (description: Json | undefined): Json | undefined => {
    const stream = description && streamOf(description.TableName);
    if (!description || !stream) return description;
    return {
      ...description,
      StreamSpecification: { StreamEnabled: true, StreamViewType: stream.viewType },
      LatestStreamArn: stream.arn,
      LatestStreamLabel: stream.label,
    };
  };

  const describing = async (req: IncomingMessage, request: Json, key: 'Table' | 'TableDescription') => {
    const answer = await forward(req, Buffer.from(JSON.stringify(request)));
    if (answer.status !== 200) return answer;
    const parsed = JSON.parse(answer.payload.toString('utf8')) as Json;
    parsed[key] = withStream(parsed[key] as Json | undefined);
    return { status: 200, ...rewrite(answer.headers, Buffer.from(JSON.stringify(parsed))) };
  };

  const ownAnswer = (status: number, body: unknown): Answer => {
    const payload = Buffer.from(body instanceof RawJson ? body.text : JSON.stringify(body));
    return {
      status,
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'content-length': String(payload.length),
        'x-amz-crc32': String(crc32(payload)),
      },
      payload,
    };
  };

  /** What the proxy adds to or watches; everything else (reads, queries) passes to dynalite unread. */
  const handled = new Set([
    'PutItem',
    'UpdateItem',
    'DeleteItem',
    'BatchWriteItem',
    'BatchExecuteStatement',
    'DescribeTable',
    'CreateTable',
    'UpdateTable',
    'DeleteTable',
  ]);

  const dynamoOperation = async (req: IncomingMessage, operation: string, body: Buffer): Promise<Answer> => {
    if (!handled.has(operation)) return forward(req, body);
    let request: Json;
    try {
      request = JSON.parse(body.toString('utf8')) as Json;
    } catch {
      return forward(req, body);
    }
    switch (operation) {
      case 'PutItem':
      case 'UpdateItem':
      case 'DeleteItem':
        return writeWithImages(req, operation, request);
      case 'BatchWriteItem':
        return batchWrite(req, request, body);
      case 'BatchExecuteStatement':
        return batchExecute(request);
      case 'DescribeTable':
        return describing(req, request, 'Table');
      case 'CreateTable': {
        const spec = request.StreamSpecification as
          | { StreamEnabled?: boolean; StreamViewType?: string }
          | undefined;
        const { StreamSpecification: _spec, ...rest } = request;
        const answer = await forward(req, Buffer.from(JSON.stringify(rest)));
        if (answer.status === 200 && spec?.StreamEnabled)
          await enableStream(String(request.TableName), spec.StreamViewType ?? 'NEW_AND_OLD_IMAGES');
        if (answer.status !== 200) return answer;
        const parsed = JSON.parse(answer.payload.toString('utf8')) as Json;
        parsed.TableDescription = withStream(parsed.TableDescription as Json);
        return { status: 200, ...rewrite(answer.headers, Buffer.from(JSON.stringify(parsed))) };
      }
      case 'UpdateTable': {
        const spec = request.StreamSpecification as
          | { StreamEnabled?: boolean; StreamViewType?: string }
          | undefined;
        const { StreamSpecification: _spec, ...rest } = request;
        if (spec) {
          const table = String(request.TableName);
          if (spec.StreamEnabled) await enableStream(table, spec.StreamViewType ?? 'NEW_AND_OLD_IMAGES');
          else {
            const stream = streams.get(table);
            if (stream) stream.enabled = false;
            saveRegistry();
          }
          // A request that only switches the stream is answered here (dynalite knows no streams).
          if (Object.keys(rest).length === 1) {
            const { Table } = await call<{ Table?: Json }>('DescribeTable', { TableName: table });
            return ownAnswer(200, { TableDescription: withStream(Table) });
          }
        }
        return describing(req, rest, 'TableDescription');
      }
      case 'DeleteTable': {
        const answer = await forward(req, body);
        const stream = streams.get(String(request.TableName));
        if (answer.status === 200 && stream) {
          stream.enabled = false;
          saveRegistry();
        }
        return answer;
      }
      default:
        return forward(req, body);
    }
  };

  // ----- DynamoDB Streams -----
  const byArn = (arn: unknown): Stream => {
    const stream = [...streams.values()].find((s) => s.arn === arn);
    if (!stream)
      throw new StreamError(
        'ResourceNotFoundException',
        `Requested resource not found: Stream: ${String(arn)} not found`,
      );
    return stream;
  };

  const iterator = (stream: Stream, after: number) =>
    Buffer.from(JSON.stringify({ a: stream.arn, p: after, t: Date.now() })).toString('base64url');

  const streamsOperation = (operation: string, request: Json): unknown => {
    switch (operation) {
      case 'ListStreams': {
        const list = [...streams.values()]
          .filter((s) => !request.TableName || s.tableName === request.TableName)
          .map((s) => ({ StreamArn: s.arn, TableName: s.tableName, StreamLabel: s.label }));
        return { Streams: list };
      }
      case 'DescribeStream': {
        const stream = byArn(request.StreamArn);
        return {
          StreamDescription: {
            StreamArn: stream.arn,
            StreamLabel: stream.label,
            StreamStatus: stream.enabled ? 'ENABLED' : 'DISABLED',
            StreamViewType: stream.viewType,
            CreationRequestDateTime: stream.createdAt / 1000,
            TableName: stream.tableName,
            KeySchema: stream.keySchema,
            Shards: [
              {
                ShardId: shardId,
                SequenceNumberRange: { StartingSequenceNumber: sequenceNumber(stream.trimmed) },
              },
            ],
          },
        };
      }
      case 'GetShardIterator': {
        const stream = byArn(request.StreamArn);
        if (request.ShardId !== shardId)
          throw new StreamError('ResourceNotFoundException', `Shard ${String(request.ShardId)} not found`);
        const type = request.ShardIteratorType;
        let after: number;
        if (type === 'TRIM_HORIZON') after = stream.trimmed - 1;
        else if (type === 'LATEST') after = stream.next - 1;
        else if (type === 'AT_SEQUENCE_NUMBER' || type === 'AFTER_SEQUENCE_NUMBER') {
          let n: number;
          try {
            n = ordinal(String(request.SequenceNumber));
          } catch {
            throw new StreamError('ValidationException', 'Invalid SequenceNumber');
          }
          if (n < stream.trimmed)
            throw new StreamError(
              'TrimmedDataAccessException',
              'The sequence number is beyond the trim horizon',
            );
          after = type === 'AT_SEQUENCE_NUMBER' ? n - 1 : n;
        } else throw new StreamError('ValidationException', `Invalid ShardIteratorType: ${String(type)}`);
        return { ShardIterator: iterator(stream, after) };
      }
      case 'GetRecords': {
        let position: { a: string; p: number; t: number };
        try {
          position = JSON.parse(Buffer.from(String(request.ShardIterator), 'base64url').toString('utf8'));
        } catch {
          throw new StreamError('ValidationException', 'Invalid ShardIterator');
        }
        if (Date.now() - position.t > iteratorTtlMs)
          throw new StreamError('ExpiredIteratorException', 'Iterator expired');
        const stream = byArn(position.a);
        if (position.p + 1 < stream.trimmed)
          throw new StreamError('TrimmedDataAccessException', 'The iterator is beyond the trim horizon');
        const limit = Math.min(1000, Math.max(1, Number(request.Limit ?? 1000)));
        const start = position.p + 1 - stream.trimmed;
        const records = stream.records.slice(start, start + limit);
        const after = records.length ? stream.trimmed + start + records.length - 1 : position.p;
        return new RawJson(
          `{"Records":[${records.map((r) => r.json).join(',')}],"NextShardIterator":${JSON.stringify(iterator(stream, after))}}`,
        );
      }
      default:
        throw new StreamError('UnknownOperationException', `Unknown operation ${operation}`);
    }
  };

  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const [api, operation = ''] = String(req.headers['x-amz-target'] ?? '').split('.');
    let answer: Answer;
    try {
      if (api === 'DynamoDBStreams_20120810') {
        try {
          answer = ownAnswer(
            200,
            streamsOperation(operation, JSON.parse(body.toString('utf8') || '{}') as Json),
          );
        } catch (error) {
          if (!(error instanceof StreamError)) throw error;
          answer = ownAnswer(400, {
            __type: `com.amazonaws.dynamodb.v20120810#${error.type}`,
            message: error.message,
          });
        }
      } else if (api === 'LocalDynamo')
        // The proxy's own requests to dynalite (./dynalite-local.ts), not a client's.
        answer = ownAnswer(400, { __type: 'com.amazon.coral.service#UnknownOperationException' });
      else answer = await dynamoOperation(req, operation, body);
    } catch (error) {
      answer = ownAnswer(500, {
        __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
        message: (error as Error)?.message ?? 'internal error',
      });
    }
    res.writeHead(answer.status, answer.headers);
    res.end(answer.payload);
  });
  server.listen(options.port ?? 0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    recordCount: (tableName) => streams.get(tableName)?.next ?? 0,
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
};
