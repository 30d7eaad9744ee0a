/**
 * Batch writes through the local stack's stream proxy (infra/local/dynamodb-streams.ts), with the
 * images before handed back by dynalite's own batch operations (infra/local/dynalite-local.ts) as
 * the stack runs it, and read first as a proxy without them does: the same records (INSERT, MODIFY,
 * REMOVE with their images; none for an insert that finds an item or a batch dynalite refuses), the
 * same answers, the same items — and, with them, one request to dynalite a batch, no read.
 */
import {
  BatchExecuteStatementCommand,
  type BatchExecuteStatementCommandOutput,
  BatchWriteItemCommand,
  type BatchWriteItemCommandOutput,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynalite } from '#infra/local/dynalite-local.ts';
import { type DynamoProxy, startDynamoProxy } from '#infra/local/dynamodb-streams.ts';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const key = (pk: string) => ({ pk: { S: pk }, sk: { S: 'x' } });

const tableSpec = (name: string, stream: boolean) =>
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
      { AttributeName: 'g', AttributeType: 'S' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: 'by-g',
        KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
    ...(stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } } : {}),
  });

describe.each([
  { ownOperations: true, mode: 'images handed back by the batch write' },
  { ownOperations: false, mode: 'images read before the batch write' },
])('batch writes through the stream proxy, $mode', ({ ownOperations }) => {
  let proxy: DynamoProxy;
  let dynamo: DynamoDBClient;
  let streams: DynamoDBStreamsClient;
  /** The operations the proxy asked dynalite for, in order. */
  const asked: string[] = [];

  beforeAll(async () => {
    const { handle } = createDynalite();
    proxy = await startDynamoProxy({
      upstream: 'http://127.0.0.1:0',
      handle: (headers, body, method, url) => {
        asked.push(String(headers['x-amz-target'] ?? '').replace('DynamoDB_20120810.', ''));
        return handle(headers, body, method, url);
      },
      ownOperations,
    });
    dynamo = new DynamoDBClient({ endpoint: proxy.url, region: 'us-east-1', credentials });
    streams = new DynamoDBStreamsClient({ endpoint: proxy.url, region: 'us-east-1', credentials });
    await dynamo.send(tableSpec('with-stream', true));
    await dynamo.send(tableSpec('no-stream', false));
  });
  afterAll(async () => {
    await proxy.stop();
  });

  const records = async (): Promise<_Record[]> => {
    const arn = (await dynamo.send(new DescribeTableCommand({ TableName: 'with-stream' }))).Table
      ?.LatestStreamArn;
    const shard = (await streams.send(new DescribeStreamCommand({ StreamArn: arn }))).StreamDescription
      ?.Shards?.[0]?.ShardId;
    const { ShardIterator } = await streams.send(
      new GetShardIteratorCommand({ StreamArn: arn, ShardId: shard, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    return (await streams.send(new GetRecordsCommand({ ShardIterator }))).Records ?? [];
  };
  const of = (all: _Record[], pk: string) =>
    all
      .filter((r) => r.dynamodb?.Keys?.pk?.S === pk)
      .map((r) => [r.eventName, r.dynamodb?.OldImage?.v?.S, r.dynamodb?.NewImage?.v?.S]);
  const stored = async (table: string, pk: string) =>
    (await dynamo.send(new GetItemCommand({ TableName: table, Key: key(pk), ConsistentRead: true }))).Item?.v
      ?.S;
  const asking = async (work: () => Promise<unknown>) => {
    const from = asked.length;
    await work();
    return asked.slice(from);
  };

  it('records each put and delete of a batch with the image before: INSERT, MODIFY, REMOVE; nothing for a delete of no item', async () => {
    for (const pk of ['bw-put-over', 'bw-delete'])
      await dynamo.send(
        new PutItemCommand({
          TableName: 'with-stream',
          Item: { ...key(pk), v: { S: 'old' }, g: { S: 'g1' } },
        }),
      );
    let answer: BatchWriteItemCommandOutput | undefined;
    const sent = await asking(async () => {
      answer = await dynamo.send(
        new BatchWriteItemCommand({
          RequestItems: {
            'with-stream': [
              { PutRequest: { Item: { ...key('bw-new'), v: { S: 'new' }, g: { S: 'g1' } } } },
              { PutRequest: { Item: { ...key('bw-put-over'), v: { S: 'new' } } } },
              { DeleteRequest: { Key: key('bw-delete') } },
              { DeleteRequest: { Key: key('bw-absent') } },
            ],
            'no-stream': [{ PutRequest: { Item: { ...key('bw-new'), v: { S: 'other' } } } }],
          },
          ReturnConsumedCapacity: 'INDEXES',
        }),
      );
    });
    if (ownOperations) expect(sent).toEqual(['LocalDynamo.BatchWriteItem']);
    else expect(sent).toEqual(['BatchGetItem', 'BatchWriteItem']);
    expect(answer).toMatchObject({
      UnprocessedItems: {},
      ConsumedCapacity: [
        { TableName: 'with-stream', CapacityUnits: 4, Table: { CapacityUnits: 4 } },
        { TableName: 'no-stream', CapacityUnits: 1, Table: { CapacityUnits: 1 } },
      ],
    });
    const all = await records();
    expect(of(all, 'bw-new')).toEqual([['INSERT', undefined, 'new']]);
    expect(of(all, 'bw-put-over')).toEqual([
      ['INSERT', undefined, 'old'],
      ['MODIFY', 'old', 'new'],
    ]);
    expect(of(all, 'bw-delete')).toEqual([
      ['INSERT', undefined, 'old'],
      ['REMOVE', 'old', undefined],
    ]);
    expect(of(all, 'bw-absent')).toEqual([]);
    expect(await stored('with-stream', 'bw-put-over')).toBe('new');
    expect(await stored('with-stream', 'bw-delete')).toBeUndefined();
    expect(await stored('no-stream', 'bw-new')).toBe('other');
    // The index follows the writes: the item put over left it, the new one joined it.
    const { Items } = await dynamo.send(
      new QueryCommand({
        TableName: 'with-stream',
        IndexName: 'by-g',
        KeyConditionExpression: 'g = :g',
        ExpressionAttributeValues: { ':g': { S: 'g1' } },
      }),
    );
    expect(Items?.map((i) => i.pk?.S)).toEqual(['bw-new']);
  });

  it('writes nothing and records nothing for a batch dynalite refuses (a key twice, a key of the wrong type, no such table)', async () => {
    const before = (await records()).length;
    await expect(
      dynamo.send(
        new BatchWriteItemCommand({
          RequestItems: {
            'with-stream': [
              { PutRequest: { Item: { ...key('bw-refused'), v: { S: 'a' } } } },
              { PutRequest: { Item: { ...key('bw-refused'), v: { S: 'b' } } } },
            ],
          },
        }),
      ),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Provided list of item keys contains duplicates',
    });
    await expect(
      dynamo.send(
        new BatchWriteItemCommand({
          RequestItems: {
            'with-stream': [
              { PutRequest: { Item: { ...key('bw-refused'), v: { S: 'a' } } } },
              { PutRequest: { Item: { pk: { N: '1' }, sk: { S: 'x' } } } },
            ],
          },
        }),
      ),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      // As dynalite's BatchWriteItem says it.
      message: 'The provided key element does not match the schema',
    });
    await expect(
      dynamo.send(
        new BatchWriteItemCommand({
          RequestItems: {
            'with-stream': [{ PutRequest: { Item: { ...key('bw-refused'), v: { S: 'a' } } } }],
            'no-such-table': [{ PutRequest: { Item: key('bw-refused') } }],
          },
        }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    expect(await stored('with-stream', 'bw-refused')).toBeUndefined();
    expect((await records()).length).toBe(before);
  });

  it('inserts a batch of PartiQL INSERTs where no item is: each new item one INSERT record, a taken key DuplicateItem with no record, also when the batch itself took it', async () => {
    await dynamo.send(
      new PutItemCommand({ TableName: 'with-stream', Item: { ...key('ins-taken'), v: { S: 'first' } } }),
    );
    const insert = (pk: string, v: string) => ({
      Statement: `INSERT INTO "with-stream" VALUE {'pk': ?, 'sk': ?, 'v': ?}`,
      Parameters: [{ S: pk }, { S: 'x' }, { S: v }],
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    });
    let answer: BatchExecuteStatementCommandOutput | undefined;
    const sent = await asking(async () => {
      answer = await dynamo.send(
        new BatchExecuteStatementCommand({
          Statements: [
            insert('ins-new', 'new'),
            insert('ins-taken', 'new'),
            insert('ins-twice', 'one'),
            insert('ins-twice', 'two'),
          ],
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
    });
    if (ownOperations) expect(sent).toEqual(['LocalDynamo.BatchInsertItem']);
    else expect(sent).toEqual(['BatchGetItem', 'BatchWriteItem']);
    expect(answer?.Responses?.map((r) => r.Error?.Code ?? 'ok')).toEqual([
      'ok',
      'DuplicateItem',
      'ok',
      'DuplicateItem',
    ]);
    expect(answer?.Responses?.[1]?.Error?.Item?.v).toEqual({ S: 'first' });
    expect(answer?.Responses?.[3]?.Error?.Item?.v).toEqual({ S: 'one' });
    // Two items written, two inserts refused (each billed as a failed conditional write).
    expect(answer?.ConsumedCapacity?.[0]?.CapacityUnits).toBe(4);
    const all = await records();
    expect(of(all, 'ins-new')).toEqual([['INSERT', undefined, 'new']]);
    expect(of(all, 'ins-taken')).toEqual([['INSERT', undefined, 'first']]);
    expect(of(all, 'ins-twice')).toEqual([['INSERT', undefined, 'one']]);
    expect(await stored('with-stream', 'ins-taken')).toBe('first');
    expect(await stored('with-stream', 'ins-twice')).toBe('one');
  });

  it('refuses a batch of inserts dynalite refuses, writing none of it', async () => {
    const before = (await records()).length;
    await expect(
      dynamo.send(
        new BatchExecuteStatementCommand({
          Statements: [
            {
              Statement: `INSERT INTO "with-stream" VALUE {'pk': ?, 'sk': ?}`,
              Parameters: [{ S: 'ins-bad' }, { S: 'x' }],
            },
            {
              Statement: `INSERT INTO "with-stream" VALUE {'pk': ?, 'sk': ?}`,
              Parameters: [{ N: '1' }, { S: 'x' }],
            },
          ],
        }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    expect(await stored('with-stream', 'ins-bad')).toBeUndefined();
    expect((await records()).length).toBe(before);
  });

  it('answers a client that names the proxy’s own operations as DynamoDB answers an unknown one', async () => {
    const answer = await fetch(proxy.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'LocalDynamo.BatchWriteItem',
        authorization:
          'AWS4-HMAC-SHA256 Credential=local/20240101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
        'x-amz-date': '20240101T000000Z',
      },
      body: JSON.stringify({ RequestItems: { 'with-stream': [{ PutRequest: { Item: key('own') } }] } }),
    });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toEqual({ __type: 'com.amazon.coral.service#UnknownOperationException' });
    expect(await stored('with-stream', 'own')).toBeUndefined();
  });
});
