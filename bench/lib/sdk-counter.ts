/**
 * Counts every real AWS SDK call a process makes, by origin, service, operation and target (table or
 * queue), with an SDK middleware added to the clients from outside: the shared adapters keep one
 * client per service per process, so adding to those clients' middleware stacks sees every call the
 * handlers make, with no hook in shared code.
 *
 * DynamoDB capacity: the counter adds `ReturnConsumedCapacity: 'TOTAL'` to each request and sums the
 * `ConsumedCapacity` dynalite answers, which follows AWS's rules for the table (1 write unit per
 * started KB of the larger of the old and new item, 1 read unit per started 4 KB, halved for
 * eventually consistent reads, Query sized over all items read, BatchGetItem per item). Two things
 * dynalite leaves out are added here, by the same rules:
 * - writes into a global secondary index (AWS bills one index write per item written there, two
 *   when the index key changes, each by the projected item's size): the counter learns which items
 *   carry an index's partition key from the items written (Put, BatchWrite) or the update expression,
 *   and for UpdateItem, whose result it cannot see, uses the table units dynalite reported;
 * - a conditional write whose condition fails still consumes write capacity in AWS (at least one
 *   unit); dynalite answers an error without capacity, so one unit is counted.
 */
import type { MetadataBearer, MiddlewareStack } from '@smithy/types';
import { type TableName, tables } from '#infra/tables.ts';
import { queues, type QueueName } from '#infra/queues.ts';
import { itemSize, writeUnits } from '#shared/adapters/dynamodb/item-size.ts';

export interface OpStats {
  calls: number;
  errors: number;
  /** HTTP attempts (calls plus the SDK's retries). */
  attempts: number;
  conditionFailed: number;
  rcu: number;
  /** Table write units, as dynalite reports them (plus failed conditional writes). */
  wcu: number;
  /** Index write units added by the rules above. */
  indexWcu: number;
  itemsRead: number;
  itemsWritten: number;
  /** Bytes of the items a Query returned (DynamoDB size rules). */
  readBytes: number;
  /** Per index partition (e.g. each shard of the members index): bytes read. */
  partitions?: Record<string, number>;
  /** SQS: messages sent, received or deleted. */
  messages: number;
  payloadBytes: number;
  /** SQS bills each 64 KB of a request's payload as one request. */
  billedRequests: number;
  emptyReceives: number;
  maxMessageBytes: number;
  maxRequestBytes: number;
  /** SES: destinations asked for and accepted. */
  sesEntries: number;
  sesAccepted: number;
  firstAt: number;
  lastAt: number;
  /** Time of the last SES call that accepted at least one message. */
  lastAcceptedAt: number;
  latencyMs: number;
}

export type Counts = Record<string, OpStats>;
export type Service = 'dynamodb' | 'sqs' | 'ses' | 'secrets';

export const keyOf = (origin: string, service: Service, operation: string, target: string) =>
  `${origin}|${service}|${operation}|${target}`;
export const parseKey = (key: string) => {
  const [origin = '', service = '', operation = '', target = ''] = key.split('|');
  return { origin, service: service as Service, operation, target };
};

const emptyStats = (): OpStats => ({
  calls: 0,
  errors: 0,
  attempts: 0,
  conditionFailed: 0,
  rcu: 0,
  wcu: 0,
  indexWcu: 0,
  itemsRead: 0,
  itemsWritten: 0,
  readBytes: 0,
  messages: 0,
  payloadBytes: 0,
  billedRequests: 0,
  emptyReceives: 0,
  maxMessageBytes: 0,
  maxRequestBytes: 0,
  sesEntries: 0,
  sesAccepted: 0,
  firstAt: 0,
  lastAt: 0,
  lastAcceptedAt: 0,
  latencyMs: 0,
});

const now = () => performance.timeOrigin + performance.now();
const chunk64k = (bytes: number) => Math.max(1, Math.ceil(bytes / 65_536));

type Obj = Record<string, unknown>;
const asObj = (value: unknown): Obj => (value && typeof value === 'object' ? (value as Obj) : {});
const asArr = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** Physical table name → logical, and queue URL → name, from the variables the stack sets. */
const tableOf = (physical: unknown): TableName | undefined => {
  for (const name of Object.keys(tables) as TableName[])
    if (process.env[tables[name].envVar] === physical) return name;
  return undefined;
};
const queueOf = (url: unknown): string => {
  for (const name of Object.keys(queues) as QueueName[])
    if (process.env[queues[name].envVar] === url) return name;
  return 'other';
};

/** The table of a PartiQL statement (`INSERT INTO "table" …`). */
const statementTable = (statement: unknown): string | undefined =>
  /\bINTO\s+"([^"]+)"/i.exec(String(asObj(statement).Statement ?? ''))?.[1];

/** The item of `INSERT INTO "t" VALUE {'a': ?, …}` with its parameters, or undefined. */
const insertedItem = (statement: unknown): Obj | undefined => {
  const s = asObj(statement);
  const names = /\bVALUE\s*\{(.*)\}/is
    .exec(String(s.Statement ?? ''))?.[1]
    ?.split(',')
    .map((pair) => /'([^']+)'\s*:\s*\?/.exec(pair)?.[1]);
  const values = asArr(s.Parameters);
  if (!names || names.length !== values.length || names.some((n) => !n)) return undefined;
  return Object.fromEntries(names.map((n, i) => [n as string, values[i]]));
};

const capacityUnits = (value: unknown): number => {
  if (Array.isArray(value)) return value.reduce<number>((sum, c) => sum + capacityUnits(c), 0);
  const units = asObj(value).CapacityUnits;
  return typeof units === 'number' ? units : 0;
};

interface IndexEntry {
  /** Index partition key value. */
  value: string;
  /** Projected size, bytes. */
  bytes: number;
}

/** Which items are in which index, learned from what was written. */
class IndexTracker {
  private readonly members = new Map<string, IndexEntry>();

  private static key(table: TableName, item: Obj, index: string) {
    const def = tables[table];
    return `${table}|${index}|${String(item[def.partitionKey])}|${String(item[def.sortKey])}`;
  }

  private static projected(
    table: TableName,
    item: Obj,
    index: (typeof tables)[TableName]['indexes'][number],
  ) {
    if (index.projection === 'all') return itemSize(item);
    const def = tables[table];
    const names = new Set<string>([def.partitionKey, def.sortKey, index.partitionKey]);
    if (index.sortKey) names.add(index.sortKey);
    if (Array.isArray(index.projection)) for (const n of index.projection) names.add(n);
    const picked: Obj = {};
    for (const n of names) if (item[n] !== undefined) picked[n] = item[n];
    return itemSize(picked);
  }

  /** A whole item written (PutItem, BatchWriteItem put): index write units. */
  put(table: TableName, item: Obj): number {
    let units = 0;
    for (const index of tables[table].indexes) {
      const key = IndexTracker.key(table, item, index.name);
      const old = this.members.get(key);
      const value = item[index.partitionKey];
      if (typeof value === 'string') {
        const bytes = IndexTracker.projected(table, item, index);
        // Same index key: one write; a changed key: delete the old entry and write the new one.
        units += writeUnits(bytes) + (old && old.value !== value ? writeUnits(old.bytes) : 0);
        this.members.set(key, { value, bytes });
      } else if (old) {
        units += writeUnits(old.bytes);
        this.members.delete(key);
      }
    }
    return units;
  }

  delete(table: TableName, key: Obj): number {
    let units = 0;
    for (const index of tables[table].indexes) {
      const k = IndexTracker.key(table, key, index.name);
      const old = this.members.get(k);
      if (old) {
        units += writeUnits(old.bytes);
        this.members.delete(k);
      }
    }
    return units;
  }

  /** UpdateItem: the new item is not seen; the index entry is rewritten at the table's units. */
  update(table: TableName, input: Obj, tableUnits: number): number {
    let units = 0;
    const expression = String(input.UpdateExpression ?? '');
    const names = Object.values(asObj(input.ExpressionAttributeNames)).map(String);
    for (const index of tables[table].indexes) {
      const k = IndexTracker.key(table, asObj(input.Key), index.name);
      const mentioned = names.includes(index.partitionKey) || expression.includes(index.partitionKey);
      const removes = mentioned && /\bREMOVE\b/i.test(expression) && !/\bSET\b/i.test(expression);
      const old = this.members.get(k);
      if (old && removes) {
        units += writeUnits(old.bytes);
        this.members.delete(k);
      } else if (old || mentioned) {
        units += Math.max(1, tableUnits);
        if (!old) this.members.set(k, { value: '?', bytes: tableUnits * 1024 });
      }
    }
    return units;
  }
}

export interface InstrumentableClient<I extends object, O extends MetadataBearer> {
  middlewareStack: MiddlewareStack<I, O>;
}

export class SdkCounter {
  readonly name: string;
  /** Who is calling: a fixed label, or one read from the caller's async context (the function). */
  private readonly originOf: () => string;
  private readonly stats = new Map<string, OpStats>();
  private readonly index = new IndexTracker();

  constructor(name: string, originOf: () => string = () => name) {
    this.name = name;
    this.originOf = originOf;
  }

  private entry(service: Service, operation: string, target: string, origin: string): OpStats {
    const key = keyOf(origin, service, operation, target);
    let s = this.stats.get(key);
    if (!s) {
      s = emptyStats();
      this.stats.set(key, s);
    }
    return s;
  }

  /** Adds the counting middleware to a client (once per client). */
  instrument<I extends object, O extends MetadataBearer>(
    client: InstrumentableClient<I, O>,
    service: Service,
  ): void {
    const name = `benchCounter-${this.name}`;
    if (client.middlewareStack.identify().some((m) => m.startsWith(name))) return;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
        const input: Obj =
          service === 'dynamodb'
            ? { ReturnConsumedCapacity: 'TOTAL', ...(args.input as Obj) }
            : (args.input as Obj);
        const started = now();
        const origin = this.originOf();
        const ctx = context as Obj;
        ctx.benchAttempts = 0;
        try {
          const result = await next({ ...args, input: input as typeof args.input });
          this.record(origin, service, operation, input, asObj(result.output), started, undefined);
          return result;
        } catch (error) {
          this.record(origin, service, operation, input, {}, started, error);
          throw error;
        } finally {
          this.entry(service, operation, this.targetOf(service, input), origin).attempts += Math.max(
            1,
            Number(ctx.benchAttempts),
          );
        }
      },
      { step: 'initialize', priority: 'high', name },
    );
    // Inside the SDK's retry middleware: runs once per HTTP attempt.
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const ctx = context as Obj;
        ctx.benchAttempts = Number(ctx.benchAttempts ?? 0) + 1;
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: `${name}-attempts` },
    );
  }

  private targetOf(service: Service, input: Obj): string {
    if (service === 'dynamodb') {
      const physical =
        input.TableName ??
        Object.keys(asObj(input.RequestItems))[0] ??
        Object.keys(asObj(input.TransactItems))[0] ??
        statementTable(asArr(input.Statements)[0]);
      return tableOf(physical) ?? String(physical ?? '-');
    }
    if (service === 'sqs') return queueOf(input.QueueUrl);
    return '-';
  }

  private record(
    origin: string,
    service: Service,
    operation: string,
    input: Obj,
    output: Obj,
    started: number,
    error: unknown,
  ) {
    const at = now();
    const target = this.targetOf(service, input);
    const s = this.entry(service, operation, target, origin);
    s.calls++;
    s.latencyMs += at - started;
    if (!s.firstAt) s.firstAt = at;
    s.lastAt = at;
    if (error) {
      s.errors++;
      if ((error as { name?: string }).name === 'ConditionalCheckFailedException') {
        s.conditionFailed++;
        s.wcu += 1;
      }
      return;
    }
    if (service === 'dynamodb') this.recordDynamo(s, operation, input, output, target);
    else if (service === 'sqs') this.recordSqs(s, operation, input, output);
    else if (service === 'ses') this.recordSes(s, operation, input, output, at);
  }

  private recordDynamo(s: OpStats, operation: string, input: Obj, output: Obj, target: string) {
    const units = capacityUnits(output.ConsumedCapacity);
    const table = target in tables ? (target as TableName) : undefined;
    switch (operation) {
      case 'GetItem':
        s.rcu += units;
        s.itemsRead += output.Item ? 1 : 0;
        break;
      case 'BatchGetItem':
        s.rcu += units;
        for (const items of Object.values(asObj(output.Responses))) s.itemsRead += asArr(items).length;
        break;
      case 'Query':
      case 'Scan': {
        s.rcu += units;
        const items = asArr(output.Items);
        s.itemsRead += items.length;
        let bytes = 0;
        for (const item of items) bytes += itemSize(asObj(item));
        s.readBytes += bytes;
        if (input.IndexName) {
          const values = Object.values(asObj(input.ExpressionAttributeValues));
          const partition = `${String(input.IndexName)}:${String(values[0] ?? '?')}`;
          s.partitions ??= {};
          s.partitions[partition] = (s.partitions[partition] ?? 0) + bytes;
        }
        break;
      }
      case 'PutItem':
        s.wcu += units;
        s.itemsWritten++;
        if (table) s.indexWcu += this.index.put(table, asObj(input.Item));
        break;
      case 'DeleteItem':
        s.wcu += units;
        s.itemsWritten++;
        if (table) s.indexWcu += this.index.delete(table, asObj(input.Key));
        break;
      case 'UpdateItem':
        s.wcu += units;
        s.itemsWritten++;
        if (table) s.indexWcu += this.index.update(table, input, units);
        break;
      case 'BatchWriteItem': {
        s.wcu += units;
        for (const [physical, requests] of Object.entries(asObj(input.RequestItems))) {
          const t = tableOf(physical);
          const unprocessed = new Set(asArr(asObj(output.UnprocessedItems)[physical]));
          for (const request of asArr(requests)) {
            if (unprocessed.has(request)) continue;
            s.itemsWritten++;
            const r = asObj(request);
            if (!t) continue;
            if (r.PutRequest) s.indexWcu += this.index.put(t, asObj(asObj(r.PutRequest).Item));
            else if (r.DeleteRequest) s.indexWcu += this.index.delete(t, asObj(asObj(r.DeleteRequest).Key));
          }
        }
        break;
      }
      case 'BatchExecuteStatement': {
        // PartiQL inserts (the only statements the project sends): each one a conditional put.
        s.wcu += units;
        const answers = asArr(output.Responses);
        asArr(input.Statements).forEach((statement, i) => {
          const item = insertedItem(statement);
          if (asObj(answers[i]).Error) {
            s.conditionFailed++;
            return;
          }
          s.itemsWritten++;
          if (table && item) s.indexWcu += this.index.put(table, item);
        });
        break;
      }
      default:
        s.rcu += units;
    }
  }

  private recordSqs(s: OpStats, operation: string, input: Obj, output: Obj) {
    const bodyBytes = (m: unknown) => Buffer.byteLength(String(asObj(m).MessageBody ?? asObj(m).Body ?? ''));
    switch (operation) {
      case 'SendMessage': {
        const bytes = bodyBytes(input);
        s.messages++;
        s.payloadBytes += bytes;
        s.billedRequests += chunk64k(bytes);
        s.maxMessageBytes = Math.max(s.maxMessageBytes, bytes);
        s.maxRequestBytes = Math.max(s.maxRequestBytes, bytes);
        break;
      }
      case 'SendMessageBatch': {
        const entries = asArr(input.Entries);
        let bytes = 0;
        for (const e of entries) {
          const b = bodyBytes(e);
          bytes += b;
          s.maxMessageBytes = Math.max(s.maxMessageBytes, b);
        }
        s.messages += entries.length - asArr(output.Failed).length;
        s.payloadBytes += bytes;
        s.billedRequests += chunk64k(bytes);
        s.maxRequestBytes = Math.max(s.maxRequestBytes, bytes);
        break;
      }
      case 'ReceiveMessage': {
        const messages = asArr(output.Messages);
        let bytes = 0;
        for (const m of messages) bytes += bodyBytes(m);
        s.messages += messages.length;
        if (!messages.length) s.emptyReceives++;
        s.payloadBytes += bytes;
        s.billedRequests += chunk64k(bytes);
        s.maxRequestBytes = Math.max(s.maxRequestBytes, bytes);
        break;
      }
      case 'DeleteMessageBatch':
        s.messages += asArr(input.Entries).length;
        s.billedRequests += 1;
        break;
      default:
        s.billedRequests += 1;
    }
  }

  private recordSes(s: OpStats, operation: string, input: Obj, output: Obj, at: number) {
    let accepted = 0;
    if (operation === 'SendBulkEmail') {
      s.sesEntries += asArr(input.BulkEmailEntries).length;
      accepted = asArr(output.BulkEmailEntryResults).filter((r) => asObj(r).Status === 'SUCCESS').length;
      const bytes = Buffer.byteLength(JSON.stringify(input));
      s.maxRequestBytes = Math.max(s.maxRequestBytes, bytes);
    } else if (operation === 'SendEmail') {
      s.sesEntries += 1;
      accepted = output.MessageId ? 1 : 0;
    }
    s.sesAccepted += accepted;
    if (accepted) s.lastAcceptedAt = at;
  }

  /** A copy of every figure so far. */
  snapshot(): Counts {
    const copy: Counts = {};
    for (const [key, s] of this.stats)
      copy[key] = { ...s, ...(s.partitions ? { partitions: { ...s.partitions } } : {}) };
    return copy;
  }
}

/** Counts merged from several processes (keys already carry their origin). */
export const mergeCounts = (...all: Counts[]): Counts => Object.assign({}, ...all);

/** What happened between two snapshots. */
export const diffCounts = (after: Counts, before: Counts): Counts => {
  const out: Counts = {};
  for (const [key, a] of Object.entries(after)) {
    const b = before[key];
    if (!b) {
      out[key] = a;
      continue;
    }
    const d = { ...a };
    for (const field of Object.keys(a) as (keyof OpStats)[]) {
      const av = a[field];
      const bv = b[field];
      if (typeof av === 'number' && typeof bv === 'number' && !/At$|^max/.test(field))
        (d[field] as number) = av - bv;
    }
    if (a.partitions) {
      const parts: Record<string, number> = {};
      for (const [p, v] of Object.entries(a.partitions)) {
        const delta = v - (b.partitions?.[p] ?? 0);
        if (delta) parts[p] = delta;
      }
      d.partitions = parts;
    }
    if (d.calls || d.attempts || d.messages) out[key] = d;
  }
  return out;
};

export interface Totals extends Omit<OpStats, 'partitions' | 'firstAt'> {
  partitions: Record<string, number>;
}

/** Sums the figures of every key the filter accepts. */
export const total = (
  counts: Counts,
  filter: (k: ReturnType<typeof parseKey>) => boolean = () => true,
): Totals => {
  const t: Totals = { ...emptyStats(), partitions: {} };
  for (const [key, s] of Object.entries(counts)) {
    if (!filter(parseKey(key))) continue;
    for (const field of Object.keys(s) as (keyof OpStats)[]) {
      const v = s[field];
      if (typeof v !== 'number' || field === 'firstAt') continue;
      if (/At$|^max/.test(field))
        (t[field as keyof Totals] as number) = Math.max(t[field as keyof Totals] as number, v);
      else (t[field as keyof Totals] as number) += v;
    }
    for (const [p, v] of Object.entries(s.partitions ?? {})) t.partitions[p] = (t.partitions[p] ?? 0) + v;
  }
  return t;
};
