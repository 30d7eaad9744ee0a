/**
 * Creates the local tables, queues and buckets from the same definitions CDK deploys
 * (infra/tables.ts, infra/queues.ts, infra/buckets.ts). Safe to run on every start: what exists is kept.
 */
import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  ResourceNotFoundException,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { CreateBucketCommand, HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { type BucketName, buckets } from '#infra/buckets.ts';
import { type QueueDefinition, type QueueName, queues } from '#infra/queues.ts';
import { type TableDefinition, type TableName, tables } from '#infra/tables.ts';

/** Local physical names: the same logical ids CDK uses, prefixed. */
export const localTableName = (name: TableName) => `sc-${name}`;
export const localQueueName = (name: QueueName) => `sc-${name}`;
/** `inboundMail` → `sc-inbound-mail`: S3's naming rules (3–63 lower-case letters, digits, dashes). */
export const localBucketName = (name: BucketName) =>
  `sc-${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

export const createTableInput = (name: string, def: TableDefinition) => {
  const attributes = new Map<string, AttributeDefinition>();
  const add = (attr: string) => attributes.set(attr, { AttributeName: attr, AttributeType: 'S' });
  add(def.partitionKey);
  add(def.sortKey);
  const indexes: GlobalSecondaryIndex[] = def.indexes.map((index) => {
    add(index.partitionKey);
    if (index.sortKey) add(index.sortKey);
    return {
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        ...(index.sortKey ? [{ AttributeName: index.sortKey, KeyType: 'RANGE' as const }] : []),
      ],
      Projection:
        index.projection === 'all'
          ? { ProjectionType: 'ALL' }
          : index.projection === 'keys'
            ? { ProjectionType: 'KEYS_ONLY' }
            : { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.projection] },
    };
  });
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST' as const,
    KeySchema: [
      { AttributeName: def.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: def.sortKey, KeyType: 'RANGE' as const },
    ],
    AttributeDefinitions: [...attributes.values()],
    ...(indexes.length ? { GlobalSecondaryIndexes: indexes } : {}),
    ...(def.stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: def.stream } } : {}),
  };
};

export const createTables = async (dynamo: DynamoDBClient): Promise<Record<TableName, string>> => {
  const names = {} as Record<TableName, string>;
  for (const [name, def] of Object.entries(tables) as [TableName, TableDefinition][]) {
    const physical = localTableName(name);
    names[name] = physical;
    try {
      const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: physical }));
      // A table from before its definition had a stream gets one, as a deploy would add it.
      if (def.stream && !Table?.LatestStreamArn)
        await dynamo.send(
          new UpdateTableCommand({
            TableName: physical,
            StreamSpecification: { StreamEnabled: true, StreamViewType: def.stream },
          }),
        );
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
      await dynamo.send(new CreateTableCommand(createTableInput(physical, def)));
    }
  }
  return names;
};

/** Each queue with its DLQ and redrive policy, as CDK makes them. Returns the queue URLs. */
export const createQueues = async (
  sqs: SQSClient,
): Promise<Record<QueueName, { url: string; dlqUrl: string }>> => {
  const urls = {} as Record<QueueName, { url: string; dlqUrl: string }>;
  for (const [name, def] of Object.entries(queues) as [QueueName, QueueDefinition][]) {
    const dlq = await sqs.send(
      new CreateQueueCommand({
        QueueName: `${localQueueName(name)}-dlq`,
        Attributes: { MessageRetentionPeriod: String(def.dlqRetentionDays * 86400) },
      }),
    );
    const dlqArn = (
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))
    ).Attributes?.QueueArn;
    const queue = await sqs.send(
      new CreateQueueCommand({
        QueueName: localQueueName(name),
        Attributes: {
          VisibilityTimeout: String(def.visibilityTimeoutSeconds),
          RedrivePolicy: JSON.stringify({
            deadLetterTargetArn: dlqArn,
            maxReceiveCount: def.maxReceiveCount,
          }),
        },
      }),
    );
    urls[name] = { url: queue.QueueUrl as string, dlqUrl: dlq.QueueUrl as string };
  }
  return urls;
};

/**
 * Each bucket of infra/buckets.ts in the local S3. Returns the bucket names. (The local S3 has no
 * lifecycle rules: objects stay until DATA_DIR is deleted.)
 */
export const createBuckets = async (s3: S3Client): Promise<Record<BucketName, string>> => {
  const names = {} as Record<BucketName, string>;
  for (const name of Object.keys(buckets) as BucketName[]) {
    const physical = localBucketName(name);
    names[name] = physical;
    const exists = await s3.send(new HeadBucketCommand({ Bucket: physical })).then(
      () => true,
      () => false,
    );
    if (!exists) await s3.send(new CreateBucketCommand({ Bucket: physical }));
  }
  return names;
};
