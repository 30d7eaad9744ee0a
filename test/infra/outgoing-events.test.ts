/**
 * The CDK side of outgoing events: the tables' streams, the change-stream consumer's event source
 * mappings (filters, position, partial failures, retries, on-failure DLQ, alarms) and exact grants,
 * the webhook queue with its DLQ and its consumer's grants, and the optional EventBridge bus.
 */
import { Stack } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { buildApp } from '#infra/app.ts';
import { streamConsumers } from '#infra/streams.ts';
import { tables } from '#infra/tables.ts';
import { logicalIdOf, resolveIn, resourcesOf, templateOf } from '#test/helpers/app-templates.ts';

const fast = { context: { 'aws:cdk:bundling-stacks': [] }, env: {}, validateTemplates: false };

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };
const statementsOf = (role: iam.IRole | undefined): Statement[] => {
  const policy = (role as iam.Role).node.tryFindChild('DefaultPolicy') as iam.Policy;
  return (resourcesOf(policy)[logicalIdOf(policy)]!.Properties.PolicyDocument as { Statement: Statement[] })
    .Statement;
};
const actions = (s: Statement) => [s.Action].flat();

describe('the change streams', () => {
  const { stateful, service } = buildApp(fast);
  const consumer = service.streamConsumers.changes;
  const serviceTemplate = templateOf(service);

  it('exist on the contacts and app tables, with both images', () => {
    for (const name of ['contacts', 'app'] as const) {
      expect(tables[name].stream).toBe('NEW_AND_OLD_IMAGES');
      const table = stateful.tables[name].table;
      expect(resourcesOf(table)[logicalIdOf(table)]?.Properties.StreamSpecification).toEqual({
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      });
    }
    const recipients = stateful.tables.recipients.table;
    expect(resourcesOf(recipients)[logicalIdOf(recipients)]?.Properties.StreamSpecification).toBeUndefined();
  });

  it('are read by the consumer from the oldest record, filtered, with partial failures, retried until records expire, then dead-lettered', () => {
    const mappings = serviceTemplate.findResources('AWS::Lambda::EventSourceMapping', {
      Properties: { FunctionName: { Ref: logicalIdOf(consumer.fn) } },
    });
    const definition = streamConsumers.changes;
    expect(Object.keys(mappings)).toHaveLength(definition.sources.length);
    for (const source of definition.sources) {
      serviceTemplate.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: logicalIdOf(consumer.fn) },
        EventSourceArn: resolveIn(consumer.fn, stateful.tables[source.table].table.tableStreamArn),
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: definition.batchSize,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: -1,
        FilterCriteria: { Filters: source.filters.map((f) => ({ Pattern: JSON.stringify(f) })) },
        DestinationConfig: {
          OnFailure: { Destination: { 'Fn::GetAtt': [logicalIdOf(consumer.deadLetterQueue.queue), 'Arn'] } },
        },
      });
    }
    serviceTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'IteratorAge',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalIdOf(consumer.fn) } }],
    });
    serviceTemplate.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
  });

  it("grant the consumer exactly its streams' records, the app table (webhook endpoints; audience counters), the webhook queue and the signing keys", () => {
    const statements = statementsOf(consumer.fn.role).filter((s) => s.Effect === 'Allow');
    const streamReads = statements.filter((s) => actions(s).includes('dynamodb:GetRecords'));
    const byJson = (a: unknown, b: unknown) => JSON.stringify(a).localeCompare(JSON.stringify(b));
    expect(streamReads.flatMap((s) => [s.Resource].flat()).sort(byJson)).toEqual(
      definitionStreams().sort(byJson),
    );
    const all = statements.flatMap(actions);
    // Writes: the audience counters and their markers, in the app table; never a contact.
    const writes = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'];
    for (const write of writes) expect(all).toContain(write);
    const written = statements
      .filter((s) => actions(s).some((a) => writes.includes(a)))
      .flatMap((s) => [s.Resource].flat());
    const app = JSON.stringify(resolveIn(consumer.fn, stateful.tables.app.table.tableArn));
    const contacts = JSON.stringify(resolveIn(consumer.fn, stateful.tables.contacts.table.tableArn));
    expect(written.map((r) => JSON.stringify(r))).toContain(app);
    for (const resource of written) expect(JSON.stringify(resource)).not.toContain(contacts.slice(1, -1));
    expect(all).toContain('secretsmanager:GetSecretValue');
    expect(all.filter((a) => a.startsWith('events:'))).toEqual([]);
    const env = (
      resourcesOf(consumer.fn)[logicalIdOf(consumer.fn)]!.Properties.Environment as { Variables: object }
    ).Variables;
    expect(Object.keys(env).sort()).toEqual(
      ['APP_TABLE', 'LOG_LEVEL', 'PUBLIC_BASE_URL', 'SIGNING_KEYS_SECRET_ARN', 'WEBHOOK_QUEUE_URL'].sort(),
    );

    function definitionStreams() {
      return streamConsumers.changes.sources.map((s) =>
        resolveIn(consumer.fn, stateful.tables[s.table].table.tableStreamArn),
      );
    }
  });
});

describe('the webhook queue', () => {
  const { service } = buildApp(fast);
  const queue = service.queues.webhooks;
  it('has a DLQ its consumer may send to (what it gave up on after 27 hours), and nothing else of it', () => {
    const consumer = queue.consumer;
    expect(consumer).toBeDefined();
    const statements = statementsOf(consumer?.role).filter((s) => s.Effect === 'Allow');
    const sends = statements
      .filter((s) => actions(s).includes('sqs:SendMessage'))
      .flatMap((s) => [s.Resource].flat());
    expect(sends).toEqual(
      expect.arrayContaining([
        resolveIn(queue, queue.queue.queueArn),
        resolveIn(queue, queue.deadLetterQueue.queue.queueArn),
      ]),
    );
    expect(sends).toHaveLength(2);
    templateOf(Stack.of(queue)).hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [logicalIdOf(queue.deadLetterQueue.queue), 'Arn'] },
        maxReceiveCount: 5,
      },
      VisibilityTimeout: 180,
    });
  });
});

describe('the EventBridge bus', () => {
  it('is not made unless the deployment asks for it', () => {
    const { service } = buildApp(fast);
    expect(service.eventBus).toBeUndefined();
    templateOf(service).resourceCountIs('AWS::Events::EventBus', 0);
  });

  it('with eventBus=true: a bus of the stage, and the consumer may put events on it alone', () => {
    const { service } = buildApp({ ...fast, context: { ...fast.context, eventBus: 'true' } });
    templateOf(service).hasResourceProperties('AWS::Events::EventBus', { Name: 'subscription-center-dev' });
    const fn = service.streamConsumers.changes.fn;
    const puts = statementsOf(fn.role).filter((s) => actions(s).includes('events:PutEvents'));
    expect(puts).toEqual([
      expect.objectContaining({
        Action: 'events:PutEvents',
        Resource: { 'Fn::GetAtt': [logicalIdOf(service.eventBus as never), 'Arn'] },
      }),
    ]);
    const env = (
      resourcesOf(fn)[logicalIdOf(fn)]!.Properties.Environment as { Variables: Record<string, unknown> }
    ).Variables;
    expect(env.EVENT_BUS_NAME).toEqual({ Ref: logicalIdOf(service.eventBus as never) });
  });
});
