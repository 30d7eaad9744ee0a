/**
 * The local stack's DynamoDB Streams stand-in (infra/local/dynamodb-streams.ts) and its event source
 * mapping (infra/local/stream-poller.ts), through the AWS SDK's own clients: what DynamoDB Streams
 * promises — one record per committed change with both images, none for a failed condition or a
 * write that changes nothing, per-item order under concurrent writes, batches of PartiQL inserts
 * (each statement on its own, one winner per key against racing conditional puts), iterators of every type,
 * records kept across a restart — and what Lambda's mapping does: filters, retrying a batch from its
 * first failed record, and going on where it stopped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BatchExecuteStatementCommand,
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListStreamsCommand,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulators, startEmulators } from '#infra/local/emulators.ts';
import { startStreamPoller } from '#infra/local/stream-poller.ts';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const dir = mkdtempSync(join(tmpdir(), 'sc-streams-'));
const paths = { dynamoPath: join(dir, 'dynamodb'), streamsPath: join(dir, 'streams') };
let emulators: Emulators;
let dynamo: DynamoDBClient;
let streams: DynamoDBStreamsClient;

const connect = () => {
  dynamo = new DynamoDBClient({ endpoint: emulators.dynamoUrl, region: 'us-east-1', credentials });
  streams = new DynamoDBStreamsClient({ endpoint: emulators.dynamoUrl, region: 'us-east-1', credentials });
};

beforeAll(async () => {
  emulators = await startEmulators(paths);
  connect();
  for (const [name, stream] of [
    ['with-stream', true],
    ['no-stream', false],
  ] as const)
    await dynamo.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        ...(stream
          ? { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } }
          : {}),
      }),
    );
});
afterAll(async () => {
  await emulators.stop();
  rmSync(dir, { recursive: true, force: true });
});

const key = (pk: string) => ({ pk: { S: pk }, sk: { S: 'x' } });
const streamArn = async () =>
  (await dynamo.send(new DescribeTableCommand({ TableName: 'with-stream' }))).Table
    ?.LatestStreamArn as string;
const shardOf = async () =>
  (await streams.send(new DescribeStreamCommand({ StreamArn: await streamArn() }))).StreamDescription
    ?.Shards?.[0]?.ShardId as string;

/** Every record from the oldest kept, through the SDK. */
const allRecords = async (): Promise<_Record[]> => {
  const { ShardIterator } = await streams.send(
    new GetShardIteratorCommand({
      StreamArn: await streamArn(),
      ShardId: await shardOf(),
      ShardIteratorType: 'TRIM_HORIZON',
    }),
  );
  const records: _Record[] = [];
  let iterator = ShardIterator;
  for (;;) {
    const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 7 }));
    records.push(...(page.Records ?? []));
    if (!page.Records?.length) return records;
    iterator = page.NextShardIterator;
  }
};
const of = (records: _Record[], pk: string) => records.filter((r) => r.dynamodb?.Keys?.pk?.S === pk);

describe('a table with a stream', () => {
  it('says so, as DynamoDB does', async () => {
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: 'with-stream' }));
    expect(Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(Table?.LatestStreamArn).toMatch(
      /^arn:aws:dynamodb:us-east-1:\d{12}:table\/with-stream\/stream\/.+/,
    );
    const { Streams } = await streams.send(new ListStreamsCommand({ TableName: 'with-stream' }));
    expect(Streams?.map((s) => s.StreamArn)).toEqual([Table?.LatestStreamArn]);
    expect(
      (await dynamo.send(new DescribeTableCommand({ TableName: 'no-stream' }))).Table?.LatestStreamArn,
    ).toBeUndefined();
  });

  it('records each committed change once, with both images; nothing for a failed condition or a write that changes nothing', async () => {
    const put = { TableName: 'with-stream', Item: { ...key('a'), n: { N: '1' } } };
    expect((await dynamo.send(new PutItemCommand(put))).Attributes).toBeUndefined();
    await dynamo.send(new PutItemCommand(put));
    const old = await dynamo.send(new PutItemCommand({ ...put, ReturnValues: 'ALL_OLD' }));
    expect(old.Attributes).toEqual(put.Item);
    const updated = await dynamo.send(
      new UpdateItemCommand({
        TableName: 'with-stream',
        Key: key('a'),
        UpdateExpression: 'SET n = n + :one, tag = :t',
        ExpressionAttributeValues: { ':one': { N: '1' }, ':t': { S: 'x' } },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    expect(updated.Attributes).toEqual({ n: { N: '2' }, tag: { S: 'x' } });
    await expect(
      dynamo.send(
        new UpdateItemCommand({
          TableName: 'with-stream',
          Key: key('a'),
          UpdateExpression: 'SET n = :n',
          ConditionExpression: 'n = :old',
          ExpressionAttributeValues: { ':n': { N: '9' }, ':old': { N: '1' } },
        }),
      ),
    ).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    const noAnswer = await dynamo.send(new DeleteItemCommand({ TableName: 'with-stream', Key: key('a') }));
    expect(noAnswer.Attributes).toBeUndefined();
    await dynamo.send(new DeleteItemCommand({ TableName: 'with-stream', Key: key('a') }));
    await dynamo.send(new PutItemCommand({ TableName: 'no-stream', Item: key('a') }));

    const records = of(await allRecords(), 'a');
    expect(records.map((r) => r.eventName)).toEqual(['INSERT', 'MODIFY', 'REMOVE']);
    const [insert, modify, remove] = records;
    expect(insert?.dynamodb).toMatchObject({ NewImage: put.Item, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(insert?.dynamodb?.OldImage).toBeUndefined();
    expect(modify?.dynamodb).toMatchObject({
      OldImage: put.Item,
      NewImage: { ...put.Item, n: { N: '2' }, tag: { S: 'x' } },
    });
    expect(remove?.dynamodb?.NewImage).toBeUndefined();
    expect(remove?.dynamodb?.OldImage).toMatchObject({ n: { N: '2' } });
    expect(records.map((r) => r.eventSource)).toEqual(['aws:dynamodb', 'aws:dynamodb', 'aws:dynamodb']);
    const sequence = records.map((r) => BigInt(r.dynamodb?.SequenceNumber ?? '0'));
    expect([...sequence].sort((x, y) => (x < y ? -1 : 1))).toEqual(sequence);
  });

  it('records batch writes item by item', async () => {
    await dynamo.send(
      new PutItemCommand({ TableName: 'with-stream', Item: { ...key('b2'), v: { S: 'old' } } }),
    );
    await dynamo.send(
      new BatchWriteItemCommand({
        RequestItems: {
          'with-stream': [
            { PutRequest: { Item: { ...key('b1'), v: { S: 'new' } } } },
            { PutRequest: { Item: { ...key('b2'), v: { S: 'new' } } } },
            { DeleteRequest: { Key: key('b3') } },
          ],
        },
      }),
    );
    const records = await allRecords();
    expect(of(records, 'b1').map((r) => r.eventName)).toEqual(['INSERT']);
    expect(
      of(records, 'b2').map((r) => [r.eventName, r.dynamodb?.OldImage?.v?.S, r.dynamodb?.NewImage?.v?.S]),
    ).toEqual([
      ['INSERT', undefined, 'old'],
      ['MODIFY', 'old', 'new'],
    ]);
    expect(of(records, 'b3')).toEqual([]);
  });

  it('runs batches of PartiQL inserts statement by statement: a taken key is DuplicateItem and stays, each new item one INSERT record', async () => {
    await dynamo.send(
      new PutItemCommand({ TableName: 'with-stream', Item: { ...key('ins-2'), v: { S: 'first' } } }),
    );
    const insert = (table: string, pk: string, v: string) => ({
      Statement: `INSERT INTO "${table}" VALUE {'pk': ?, 'sk': ?, 'v': ?}`,
      Parameters: [{ S: pk }, { S: 'x' }, { S: v }],
    });
    for (const table of ['with-stream', 'no-stream']) {
      if (table === 'no-stream')
        await dynamo.send(
          new PutItemCommand({ TableName: table, Item: { ...key('ins-2'), v: { S: 'first' } } }),
        );
      const { Responses, ConsumedCapacity } = await dynamo.send(
        new BatchExecuteStatementCommand({
          Statements: [
            insert(table, 'ins-1', 'new'),
            { ...insert(table, 'ins-2', 'new'), ReturnValuesOnConditionCheckFailure: 'ALL_OLD' },
            insert(table, 'ins-3', 'new'),
            insert(table, 'ins-3', 'again'),
          ],
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      expect(
        Responses?.map((r) => r.Error?.Code ?? 'ok'),
        table,
      ).toEqual(['ok', 'DuplicateItem', 'ok', 'DuplicateItem']);
      expect(Responses?.[1]?.Error?.Item?.v).toEqual({ S: 'first' });
      // A failed insert is billed as a failed conditional write: one unit each here.
      expect(ConsumedCapacity?.[0]?.CapacityUnits, table).toBe(4);
      for (const [pk, v] of [
        ['ins-1', 'new'],
        ['ins-2', 'first'],
        ['ins-3', 'new'],
      ])
        expect(
          (await dynamo.send(new GetItemCommand({ TableName: table, Key: key(pk as string) }))).Item?.v,
        ).toEqual({ S: v });
    }
    const records = await allRecords();
    expect(of(records, 'ins-1').map((r) => [r.eventName, r.dynamodb?.NewImage?.v?.S])).toEqual([
      ['INSERT', 'new'],
    ]);
    expect(of(records, 'ins-2').map((r) => r.eventName)).toEqual(['INSERT']);
    expect(of(records, 'ins-3').map((r) => [r.eventName, r.dynamodb?.NewImage?.v?.S])).toEqual([
      ['INSERT', 'new'],
    ]);

    await expect(
      dynamo.send(
        new BatchExecuteStatementCommand({
          Statements: [{ Statement: `UPDATE "with-stream" SET v = 'x' WHERE pk = 'ins-1' AND sk = 'x'` }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('gives an item raced for by batched inserts and conditional puts to exactly one writer', async () => {
    const contenders = Array.from({ length: 40 }, (_, i) => `race-${i}`);
    const outcomes = await Promise.all(
      contenders
        .flatMap((pk) => [
          dynamo
            .send(
              new PutItemCommand({
                TableName: 'with-stream',
                Item: { ...key(pk), by: { S: 'put' } },
                ConditionExpression: 'attribute_not_exists(pk)',
              }),
            )
            .then(
              () => ({ pk, by: 'put' }),
              (error: unknown) => {
                if (!(error instanceof ConditionalCheckFailedException)) throw error;
                return undefined;
              },
            ),
        ])
        .concat(
          [contenders.slice(0, 20), contenders.slice(20)].map((group) =>
            dynamo
              .send(
                new BatchExecuteStatementCommand({
                  Statements: group.map((pk) => ({
                    Statement: `INSERT INTO "with-stream" VALUE {'pk': ?, 'sk': ?, 'by': ?}`,
                    Parameters: [{ S: pk }, { S: 'x' }, { S: 'batch' }],
                  })),
                }),
              )
              .then(({ Responses }) =>
                group.map((pk, i) => (Responses?.[i]?.Error ? undefined : { pk, by: 'batch' })),
              ),
          ) as never[],
        ),
    );
    const winners = outcomes.flat().filter((o): o is { pk: string; by: string } => !!o);
    expect(winners.map((w) => w.pk).sort()).toEqual([...contenders].sort());
    const records = await allRecords();
    for (const w of winners) {
      const stored = await dynamo.send(new GetItemCommand({ TableName: 'with-stream', Key: key(w.pk) }));
      expect(stored.Item?.by?.S).toBe(w.by);
      expect(of(records, w.pk).map((r) => r.eventName)).toEqual(['INSERT']);
    }
  });

  it('orders an item’s records as its writes committed, however many race', async () => {
    await dynamo.send(
      new PutItemCommand({ TableName: 'with-stream', Item: { ...key('race'), n: { N: '0' } } }),
    );
    await Promise.all(
      Array.from({ length: 25 }, () =>
        dynamo.send(
          new UpdateItemCommand({
            TableName: 'with-stream',
            Key: key('race'),
            UpdateExpression: 'SET n = n + :one',
            ExpressionAttributeValues: { ':one': { N: '1' } },
          }),
        ),
      ),
    );
    const modifies = of(await allRecords(), 'race').filter((r) => r.eventName === 'MODIFY');
    expect(
      modifies.map((r) => [Number(r.dynamodb?.OldImage?.n?.N), Number(r.dynamodb?.NewImage?.n?.N)]),
    ).toEqual(Array.from({ length: 25 }, (_, i) => [i, i + 1]));
  });

  it('serves iterators at, after, latest and the trim horizon', async () => {
    const all = await allRecords();
    const third = all[2]?.dynamodb?.SequenceNumber as string;
    const iterator = async (type: 'AT_SEQUENCE_NUMBER' | 'AFTER_SEQUENCE_NUMBER' | 'LATEST') =>
      (
        await streams.send(
          new GetShardIteratorCommand({
            StreamArn: await streamArn(),
            ShardId: await shardOf(),
            ShardIteratorType: type,
            ...(type === 'LATEST' ? {} : { SequenceNumber: third }),
          }),
        )
      ).ShardIterator;
    const first = async (type: 'AT_SEQUENCE_NUMBER' | 'AFTER_SEQUENCE_NUMBER' | 'LATEST') =>
      (await streams.send(new GetRecordsCommand({ ShardIterator: await iterator(type), Limit: 1 })))
        .Records?.[0]?.dynamodb?.SequenceNumber;
    expect(await first('AT_SEQUENCE_NUMBER')).toBe(third);
    expect(await first('AFTER_SEQUENCE_NUMBER')).toBe(all[3]?.dynamodb?.SequenceNumber);
    const latest = await iterator('LATEST');
    expect((await streams.send(new GetRecordsCommand({ ShardIterator: latest }))).Records).toEqual([]);
    await dynamo.send(new PutItemCommand({ TableName: 'with-stream', Item: key('after-latest') }));
    const next = await streams.send(new GetRecordsCommand({ ShardIterator: latest }));
    expect(next.Records?.map((r) => r.dynamodb?.Keys?.pk?.S)).toEqual(['after-latest']);
  });
});

describe('the local event source mapping', () => {
  it('hands over only what its filters match, retries a batch from its first failed record, and goes on after a restart where it stopped', async () => {
    const checkpointFile = join(dir, 'positions.json');
    const seen: string[] = [];
    let failOnce = 'p3';
    const handler = async (event: DynamoDBStreamEvent) => {
      for (const record of event.Records) {
        const pk = record.dynamodb?.Keys?.pk?.S ?? '';
        if (pk === failOnce) {
          failOnce = '';
          return { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber }] };
        }
        seen.push(pk);
      }
      return { batchItemFailures: [] };
    };
    const options = {
      streams,
      dynamo,
      tableName: 'with-stream',
      filters: [{ dynamodb: { Keys: { pk: { S: [{ prefix: 'p' }] } } } }],
      handler,
      functionName: 'probe',
      batchSize: 100,
      timeoutMs: 5000,
      checkpointFile,
    };
    for (const pk of ['p1', 'q1', 'p2', 'p3', 'p4'])
      await dynamo.send(new PutItemCommand({ TableName: 'with-stream', Item: key(pk) }));
    const poller = startStreamPoller(options, false);
    expect(await poller.pollOnce()).toMatchObject({ failed: true });
    expect(seen).toEqual(['p1', 'p2']);
    await poller.pollOnce();
    expect(seen).toEqual(['p1', 'p2', 'p3', 'p4']);
    await poller.stop();

    // A restart: emulators and mapping anew, from the same folders.
    await emulators.stop();
    emulators = await startEmulators(paths);
    connect();
    await dynamo.send(new PutItemCommand({ TableName: 'with-stream', Item: key('p5') }));
    const again = startStreamPoller({ ...options, streams, dynamo }, false);
    await again.pollOnce();
    expect(seen).toEqual(['p1', 'p2', 'p3', 'p4', 'p5']);
    // The records themselves survived too.
    expect((await allRecords()).map((r) => r.dynamodb?.Keys?.pk?.S)).toEqual(
      expect.arrayContaining(['a', 'race', 'p1', 'p5']),
    );
    await again.stop();
  });
});
