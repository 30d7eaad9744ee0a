/**
 * dynalite with two operations of the local stack's own, for the stream proxy (./dynamodb-streams.ts),
 * which must know each written item's image before the write to append its stream record:
 *
 * - `LocalDynamo.BatchWriteItem` is dynalite's BatchWriteItem — the same checks of the whole request
 *   before anything is written, the same writes, the same answer — that also hands back, write by
 *   write, the item as it was before (dynalite reads it anyway, to keep its indexes).
 * - `LocalDynamo.BatchInsertItem` takes a BatchWriteItem request of puts only, and writes each item
 *   only if no item has its key (as a PutItem with `attribute_not_exists` on the key would), handing
 *   back, insert by insert, the item that was there instead when there was one.
 *
 * Without them the proxy read every item before writing it (one more request per batch, one more
 * read per item). Their answers: `{"Answer": <BatchWriteItem's answer>, "Results": {table: [result
 * per write, in request order]}}`, a result `{"Old": item}` (BatchWriteItem, when an item was there)
 * or `{"Existing": item}` (BatchInsertItem, when the insert did not happen), or `{}`.
 *
 * Anything else goes to dynalite's own request handler unchanged.
 */
import { createRequire } from 'node:module';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { callHandler, type HandleRequest, type RequestHandler } from './handler-call.ts';

type Item = Record<string, AttributeValue>;
type Callback<T> = (error: DynaliteError | null | undefined, value?: T) => void;
interface DynaliteError extends Error {
  statusCode?: number;
  body?: { __type: string; message?: string };
}
interface Table {
  TableName: string;
}
interface ItemDb {
  lock: (key: string, fn: (release: <T>(cb: Callback<T>) => Callback<T>) => void) => void;
  get: (key: string, cb: (error: DynaliteError | null | undefined, item?: Item) => void) => void;
  put: (key: string, item: Item, cb: (error?: DynaliteError | null) => void) => void;
  del: (key: string, cb: (error?: DynaliteError | null) => void) => void;
}
interface Store {
  getTable: (name: string, cb: Callback<Table>) => void;
  getItemDb: (name: string) => ItemDb;
}
interface Db {
  create: (options: unknown) => Store;
  validateItem: (item: Item, table: Table) => DynaliteError | undefined;
  validateKey: (key: Item, table: Table) => DynaliteError | undefined;
  createKey: (item: Item, table: Table) => string;
  validationError: (message: string) => DynaliteError;
  addConsumedCapacity: (
    data: { TableName: string; ReturnConsumedCapacity: string },
    isRead: boolean,
    newItem: Item | undefined,
    oldItem?: Item | undefined,
  ) => { CapacityUnits: number };
  updateIndexes: (
    store: Store,
    table: Table,
    existing: Item | undefined,
    item: Item | null | undefined,
    cb: (error?: DynaliteError | null) => void,
  ) => void;
}
interface Validations {
  checkTypes: (data: unknown, types: unknown) => unknown;
  checkValidations: (data: unknown, types: unknown, custom: unknown, store: Store) => void;
}

const require = createRequire(import.meta.url);
const db = require('dynalite/db') as Db;
const validations = require('dynalite/validations') as Validations;
const batchWriteChecks = require('dynalite/validations/batchWriteItem') as {
  types: unknown;
  custom: unknown;
};

type WriteRequest = { PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } };
interface BatchWrite {
  RequestItems: Record<string, WriteRequest[]>;
  ReturnConsumedCapacity?: string;
}
type Result = { Old?: Item; Existing?: Item };
export const ownOperations = ['LocalDynamo.BatchWriteItem', 'LocalDynamo.BatchInsertItem'];

const promised = <T>(fn: (cb: Callback<T>) => void) =>
  new Promise<T>((resolve, reject) => fn((error, value) => (error ? reject(error) : resolve(value as T))));

/** One write of a batch, as dynalite's PutItem / DeleteItem does it (under its lock of the key), or an insert. */
const write = (
  store: Store,
  table: Table,
  key: string,
  request: WriteRequest,
  insertOnly: boolean,
): Promise<{ result: Result; units: number }> =>
  new Promise((resolve, reject) => {
    const itemDb = store.getItemDb(table.TableName);
    itemDb.lock(key, (release) => {
      const done = release<{ result: Result; units: number }>((error, value) =>
        error ? reject(error) : resolve(value as { result: Result; units: number }),
      );
      itemDb.get(key, (error, existing) => {
        if (error && error.name !== 'NotFoundError') return done(error);
        // An insert that finds an item writes nothing: billed as a failed conditional write.
        if (insertOnly && existing) return done(null, { result: { Existing: existing }, units: 1 });
        const item = request.PutRequest?.Item;
        const { CapacityUnits } = db.addConsumedCapacity(
          { TableName: table.TableName, ReturnConsumedCapacity: 'TOTAL' },
          false,
          existing,
          item,
        );
        const result = existing && !insertOnly ? { Old: existing } : {};
        db.updateIndexes(store, table, existing, item ?? null, (error) => {
          if (error) return done(error);
          const written = (error?: DynaliteError | null) =>
            error ? done(error) : done(null, { result, units: CapacityUnits });
          if (item) itemDb.put(key, item, written);
          else itemDb.del(key, written);
        });
      });
    });
  });

/**
 * dynalite's BatchWriteItem (actions/batchWriteItem.js) with each write's image before: the whole
 * request checked first (its checks, its errors), then the writes, all at once as it runs them.
 */
const batchWrite = async (
  store: Store,
  body: Uint8Array,
  insertOnly: boolean,
): Promise<{ status: number; body: unknown }> => {
  let data: BatchWrite;
  try {
    data = JSON.parse(Buffer.from(body).toString('utf8')) as BatchWrite;
  } catch {
    return { status: 400, body: { __type: 'com.amazon.coral.service#SerializationException' } };
  }
  try {
    data = validations.checkTypes(data, batchWriteChecks.types) as BatchWrite;
    validations.checkValidations(data, batchWriteChecks.types, batchWriteChecks.custom, store);
    const tables = Object.keys(data.RequestItems);
    const planned = await Promise.all(
      tables.map(async (name) => {
        const table = await promised<Table>((cb) => store.getTable(name, cb));
        const seen = new Set<string>();
        return (data.RequestItems[name] ?? []).map((request) => {
          let key: string;
          if (request.PutRequest) {
            const invalid = db.validateItem(request.PutRequest.Item, table);
            if (invalid) throw invalid;
            key = db.createKey(request.PutRequest.Item, table);
          } else if (request.DeleteRequest && !insertOnly) {
            const invalid = db.validateKey(request.DeleteRequest.Key, table);
            if (invalid) throw invalid;
            key = db.createKey(request.DeleteRequest.Key, table);
          } else throw db.validationError('The local stack inserts items only with PutRequests');
          if (seen.has(key)) throw db.validationError('Provided list of item keys contains duplicates');
          seen.add(key);
          return { table, key, request };
        });
      }),
    );
    const done = await Promise.all(
      planned.map((writes) =>
        Promise.all(writes.map((w) => write(store, w.table, w.key, w.request, insertOnly))),
      ),
    );
    const asked = data.ReturnConsumedCapacity;
    const answer = {
      UnprocessedItems: {},
      ...(asked === 'TOTAL' || asked === 'INDEXES'
        ? {
            ConsumedCapacity: tables.map((TableName, i) => {
              const CapacityUnits = (done[i] ?? []).reduce((sum, w) => sum + w.units, 0);
              return {
                CapacityUnits,
                TableName,
                ...(asked === 'INDEXES' ? { Table: { CapacityUnits } } : {}),
              };
            }),
          }
        : {}),
    };
    return {
      status: 200,
      body: {
        Answer: answer,
        Results: Object.fromEntries(tables.map((name, i) => [name, (done[i] ?? []).map((w) => w.result)])),
      },
    };
  } catch (error) {
    const { statusCode, body } = error as DynaliteError;
    if (!statusCode || !body) throw error;
    if (/Missing the key/.test(body.message ?? '') || /Type mismatch for key/.test(body.message ?? ''))
      body.message = 'The provided key element does not match the schema';
    return { status: statusCode, body };
  }
};

export interface LocalDynalite {
  /** dynalite's HTTP server (not listening): its `close` closes the store. */
  server: ReturnType<typeof dynalite>;
  handle: HandleRequest;
}

/** dynalite (in memory, or in LevelDB files under `path`) with the stack's own operations. */
export const createDynalite = (path?: string): LocalDynalite => {
  let store: Store | undefined;
  const create = db.create;
  // dynalite keeps its store to itself: it is caught as dynalite makes it.
  db.create = (options) => {
    store = create(options);
    return store;
  };
  let server: ReturnType<typeof dynalite>;
  try {
    server = dynalite({ ...(path ? { path } : {}), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  } finally {
    db.create = create;
  }
  if (!store) throw new Error('dynalite made no store');
  const own = store;
  const handler = server.listeners('request')[0] as RequestHandler;
  return {
    server,
    handle: async (headers, body, method, url) => {
      const target = String(headers['x-amz-target'] ?? '');
      if (!ownOperations.includes(target)) return callHandler(handler, headers, body, method, url);
      const { status, body: answer } = await batchWrite(own, body, target === 'LocalDynamo.BatchInsertItem');
      return {
        status,
        headers: { 'content-type': 'application/x-amz-json-1.0' },
        payload: Buffer.from(JSON.stringify(answer)),
      };
    },
  };
};
