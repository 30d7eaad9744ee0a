/**
 * The local stack's DynamoDB Streams stand-in (infra/local/dynamodb-streams.ts) and its event source
 * mapping (infra/local/stream-poller.ts), through the AWS SDK's own clients: what DynamoDB Streams
 * promises — one record per committed change with both images, none for a failed condition or a
 * write that changes nothing, per-item order under concurrent writes, iterators of every type,
 * records kept across a restart — and what Lambda's mapping does: filters, retrying a batch from its
 * first failed record, and going on where it stopped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  DynamoDBClient,
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
