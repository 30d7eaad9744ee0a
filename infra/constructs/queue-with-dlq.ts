/**
 * An SQS queue as infra/queues.ts defines it: encrypted, TLS-only, with a dead-letter queue that
 * raises an alarm as soon as anything lands in it, and, when the definition names a consumer, the
 * consumer Lambda with its event source mapping.
 */
import { CfnOutput, Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { BucketName } from '#infra/buckets.ts';
import { dlqEnvVarOf } from '#infra/env-vars.ts';
import type { QueueDefinition } from '#infra/queues.ts';
import type { Access } from '#shared/http/contract.ts';
import type { TableName } from '#infra/tables.ts';
import {
  type DefinedBucket,
  type DefinedQueue,
  type DefinedTable,
  type FunctionDefaults,
  NodeFunction,
} from './node-function.ts';

export interface DeadLetterQueueProps {
  /** What fails into it, for the alarm description. */
  readonly description: string;
  readonly retentionDays: number;
}

/** A dead-letter queue (SQS-managed SSE, TLS only) with an alarm on its first message. */
export class DeadLetterQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id);
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(props.retentionDays),
    });
    this.alarm = new cloudwatch.Alarm(this, 'NotEmptyAlarm', {
      alarmDescription: `Messages in the dead-letter queue of ${props.description}`,
      metric: this.queue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }
}

export interface QueueWithDlqProps {
  readonly definition: QueueDefinition;
  /** Every deployed table; a consumer is bound to those its definition lists. */
  readonly tables: Readonly<Record<TableName, DefinedTable>>;
  /** Every deployed bucket; a consumer is bound to those its definition lists. */
  readonly buckets?: Readonly<Record<BucketName, DefinedBucket>>;
  /** Defaults for the consumer function, if the definition has one. */
  readonly functionDefaults: FunctionDefaults;
}

export class QueueWithDlq extends Construct implements DefinedQueue {
  readonly definition: QueueDefinition;
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: DeadLetterQueue;
  /** The consumer Lambda, when the definition has one. */
  readonly consumer?: NodeFunction;

  constructor(scope: Construct, id: string, props: QueueWithDlqProps) {
    super(scope, id);
    const { definition } = props;
    this.definition = definition;
    this.deadLetterQueue = new DeadLetterQueue(this, 'Dlq', {
      description: definition.description,
      retentionDays: definition.dlqRetentionDays,
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(definition.visibilityTimeoutSeconds),
      deadLetterQueue: { queue: this.deadLetterQueue.queue, maxReceiveCount: definition.maxReceiveCount },
    });

    // What `npm run redrive` needs, described by the env vars it reads them from.
    new CfnOutput(this, 'Url', { value: this.queue.queueUrl, description: definition.envVar });
    new CfnOutput(this, 'DlqUrl', {
      value: this.deadLetterQueue.queue.queueUrl,
      description: dlqEnvVarOf(definition.envVar),
    });

    const { consumer } = definition;
    if (!consumer) return;
    // Lambda refuses a mapping whose queue hides messages for less time than the function may run.
    if (consumer.timeoutSeconds > definition.visibilityTimeoutSeconds) {
      throw new Error(`${definition.id}: visibility timeout is shorter than its consumer's timeout`);
    }
    this.consumer = new NodeFunction(this, 'Consumer', {
      ...props.functionDefaults,
      entry: consumer.entry,
      description: `Consumer of ${definition.id}: ${definition.description}`,
      timeout: Duration.seconds(consumer.timeoutSeconds),
      ...(consumer.memorySize ? { memorySize: consumer.memorySize } : {}),
    });
    for (const [name, access] of Object.entries(consumer.tables) as [TableName, Access][]) {
      this.consumer.bindTable(props.tables[name], access);
    }
    for (const name of consumer.scans ?? []) this.consumer.bindTableScan(props.tables[name]);
    for (const name of consumer.inserts ?? []) this.consumer.bindTableInsert(props.tables[name]);
    for (const [name, access] of Object.entries(consumer.buckets ?? {}) as [BucketName, Access][]) {
      const bucket = props.buckets?.[name];
      if (!bucket)
        throw new Error(`${definition.id}: its consumer uses bucket "${name}", which was not given`);
      this.consumer.bindBucket(bucket, access);
    }
    this.consumer.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: consumer.batchSize,
        maxBatchingWindow: Duration.seconds(consumer.maxBatchingWindowSeconds),
        maxConcurrency: consumer.maxConcurrency,
        reportBatchItemFailures: true,
      }),
    );
  }
}
