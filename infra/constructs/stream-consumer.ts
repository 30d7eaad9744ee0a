/**
 * A change-stream consumer as infra/streams.ts defines it: the Lambda, one DynamoDB Streams event
 * source per table it reads (with Lambda's event filters, so records no filter matches never invoke
 * it), and what makes it safe to rely on:
 * - starting at the oldest record kept (`TRIM_HORIZON`), so nothing committed before the mapping
 *   existed is skipped;
 * - partial batch responses (the first failed record by sequence number) and halving a failing
 *   batch, so a record that keeps failing holds up only itself and what follows it in its shard;
 * - retried until the record expires from the stream (24 hours: nothing is given up on while a
 *   dependency is down), then its place in the stream goes to a dead-letter queue, alarmed;
 * - an alarm when the consumer falls behind (iterator age over 5 minutes).
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import type { StreamConsumerDefinition } from '#infra/streams.ts';
import type { TableName } from '#infra/tables.ts';
import type { Access } from '#shared/http/contract.ts';
import { DeadLetterQueue } from './queue-with-dlq.ts';
import { type DefinedTable, type FunctionDefaults, NodeFunction } from './node-function.ts';

export interface StreamConsumerProps {
  readonly definition: StreamConsumerDefinition;
  /** Every deployed table: the consumer reads the streams of its sources and binds its own tables. */
  readonly tables: Readonly<Record<TableName, DefinedTable>>;
  readonly functionDefaults: FunctionDefaults;
}

export class StreamConsumer extends Construct {
  readonly definition: StreamConsumerDefinition;
  readonly fn: NodeFunction;
  /** Where the place of records that failed until they expired is kept (shard, sequence numbers). */
  readonly deadLetterQueue: DeadLetterQueue;
  readonly iteratorAgeAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: StreamConsumerProps) {
    super(scope, id);
    const { definition } = props;
    this.definition = definition;
    this.fn = new NodeFunction(this, 'Consumer', {
      ...props.functionDefaults,
      entry: definition.entry,
      description: `Change-stream consumer: ${definition.description}`,
      timeout: Duration.seconds(definition.timeoutSeconds),
    });
    for (const [name, access] of Object.entries(definition.tables) as [TableName, Access][])
      this.fn.bindTable(props.tables[name], access);
    this.deadLetterQueue = new DeadLetterQueue(this, 'Dlq', {
      description: `${definition.id}: stream records that failed until they expired`,
      retentionDays: 14,
    });
    Validations.of(this.deadLetterQueue.queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "It IS a dead-letter queue: the stream event source mapping's on-failure destination (Lambda sends it where in the stream a failed batch was), which cdk-nag cannot see, since only SQS redrive policies name their DLQs.",
    });
    for (const source of definition.sources) {
      const table = props.tables[source.table].table as dynamodb.ITable;
      if (!props.tables[source.table].definition.stream)
        throw new Error(
          `${definition.id} reads the stream of ${source.table}, which has none (infra/tables.ts)`,
        );
      this.fn.addEventSource(
        new DynamoEventSource(table, {
          startingPosition: lambda.StartingPosition.TRIM_HORIZON,
          batchSize: definition.batchSize,
          maxBatchingWindow: Duration.seconds(definition.maxBatchingWindowSeconds),
          reportBatchItemFailures: true,
          bisectBatchOnError: true,
          retryAttempts: -1,
          onFailure: new SqsDlq(this.deadLetterQueue.queue),
          filters: source.filters.map((pattern) => lambda.FilterCriteria.filter(pattern)),
        }),
      );
    }
    this.iteratorAgeAlarm = new cloudwatch.Alarm(this, 'IteratorAgeAlarm', {
      alarmDescription: `${definition.id} is more than 5 minutes behind its streams: outgoing events are late`,
      metric: this.fn.metric('IteratorAge', {
        statistic: cloudwatch.Stats.MAXIMUM,
        period: Duration.minutes(1),
      }),
      threshold: 5 * 60 * 1000,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (this.fn.role)
      Validations.of(this.fn.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray tracing and reading DynamoDB streams: xray:PutTraceSegments/PutTelemetryRecords and dynamodb:ListStreams support no resource-level permissions, so "*" is the only resource they accept; reading the records themselves (DescribeStream, GetShardIterator, GetRecords) is granted on the stream ARNs alone.',
      });
  }
}
