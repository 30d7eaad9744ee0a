import { App, type CfnResource, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  API_KEY_PARTITION_PREFIX,
  type DefinedTable,
  NodeFunction,
  nodeRuntime,
} from '#infra/constructs/node-function.ts';
import { QueueWithDlq } from '#infra/constructs/queue-with-dlq.ts';
import type { QueueDefinition } from '#infra/queues.ts';
import { type TableName, tables } from '#infra/tables.ts';

const defaults = {
  logRetention: 30,
  logLevel: 'info',
  environment: { PUBLIC_BASE_URL: 'https://example.org' },
};

/** A stack of its own with every table of tables.ts; no bundling, no CloudFormation schema check (1 s each). */
const fixture = () => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Fixture');
  const defined = {} as Record<TableName, DefinedTable>;
  for (const name of Object.keys(tables) as TableName[]) {
    const table = new dynamodb.Table(stack, tables[name].id, {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    });
    defined[name] = { definition: tables[name], table };
  }
  return { stack, tables: defined };
};

const statementsOf = (template: Template) =>
  Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (p) => p.Properties.PolicyDocument.Statement,
  );

const sample: QueueDefinition = {
  id: 'SampleQueue',
  envVar: 'SAMPLE_QUEUE_URL',
  description: 'a sample queue with a consumer',
  visibilityTimeoutSeconds: 120,
  maxReceiveCount: 3,
  dlqRetentionDays: 7,
  consumer: {
    entry: 'functions/api/get-health.ts',
    batchSize: 10,
    maxBatchingWindowSeconds: 2,
    maxConcurrency: 4,
    timeoutSeconds: 20,
    tables: { contacts: 'read', app: 'write' },
  },
};

describe('queue with DLQ', () => {
  it('builds the consumer with the shared function defaults and an event source reporting batch item failures', () => {
    const { stack, tables: defined } = fixture();
    const queue = new QueueWithDlq(stack, 'Sample', {
      definition: sample,
      tables: defined,
      functionDefaults: defaults,
    });
    const template = Template.fromStack(stack);

    const dlqId = stack.getLogicalId(queue.deadLetterQueue.queue.node.defaultChild as CfnResource);
    template.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: 120,
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: 3 },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 7 * 86_400 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }],
    });

    const fnId = stack.getLogicalId(queue.consumer?.node.defaultChild as CfnResource);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: fnId },
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 2,
      ScalingConfig: { MaximumConcurrency: 4 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: nodeRuntime.name,
      Architectures: ['arm64'],
      Timeout: 20,
      LoggingConfig: { LogFormat: 'JSON' },
      TracingConfig: { Mode: 'Active' },
      Environment: {
        Variables: Match.objectEquals({
          LOG_LEVEL: 'info',
          PUBLIC_BASE_URL: 'https://example.org',
          CONTACTS_TABLE: Match.anyValue(),
          APP_TABLE: Match.anyValue(),
        }),
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['sqs:ReceiveMessage', 'sqs:DeleteMessage']),
            Resource: {
              'Fn::GetAtt': [stack.getLogicalId(queue.queue.node.defaultChild as CfnResource), 'Arn'],
            },
          }),
        ]),
      },
    });
    // The fixture tables are not ours to judge: check the construct alone.
    expect(new AwsSolutionsChecks().validateScope(queue).violations).toEqual([]);
  });

  it('makes no function for a queue without a consumer', () => {
    const { stack, tables: defined } = fixture();
    const { consumer: _, ...withoutConsumer } = sample;
    const queue = new QueueWithDlq(stack, 'Sample', {
      definition: withoutConsumer,
      tables: defined,
      functionDefaults: defaults,
    });
    expect(queue.consumer).toBeUndefined();
    Template.fromStack(stack).resourceCountIs('AWS::Lambda::Function', 0);
  });

  it('refuses a visibility timeout shorter than the consumer may run', () => {
    const { stack, tables: defined } = fixture();
    const definition = { ...sample, visibilityTimeoutSeconds: 10 };
    expect(
      () => new QueueWithDlq(stack, 'Sample', { definition, tables: defined, functionDefaults: defaults }),
    ).toThrow(/visibility timeout/);
  });
});

describe('node function bindings', () => {
  const build = (bind: (fn: NodeFunction, t: Record<TableName, DefinedTable>, stack: Stack) => void) => {
    const { stack, tables: defined } = fixture();
    const fn = new NodeFunction(stack, 'Fn', { ...defaults, entry: 'functions/api/get-health.ts' });
    bind(fn, defined, stack);
    const template = Template.fromStack(stack);
    return { template, statements: statementsOf(template) };
  };
  const ref = (stack: Stack, construct: { node: { defaultChild?: unknown } }) =>
    stack.getLogicalId(construct.node.defaultChild as CfnResource);

  it('bindTable grants reads only, on the table and its named indexes, and sets its env var', () => {
    const { template, statements } = build((fn, t) => fn.bindTable(t.contacts, 'read'));
    const dynamo = statements.filter((s: { Action: string[] }) =>
      [s.Action].flat().some((a) => a.startsWith('dynamodb:')),
    );
    expect(dynamo).toHaveLength(1);
    expect(dynamo[0].Action).toEqual(['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query']);
    expect(JSON.stringify(dynamo[0].Resource)).toContain('/index/members');
    expect(JSON.stringify(dynamo[0].Resource)).not.toContain('*');
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ CONTACTS_TABLE: Match.anyValue() }) },
    });
  });

  it('bindTable with write adds the single-item writes, and no transactions', () => {
    const { statements } = build((fn, t) => fn.bindTable(t.app, 'write'));
    const dynamo = statements.find((s: { Action: string[] }) =>
      [s.Action].flat().includes('dynamodb:PutItem'),
    );
    expect(dynamo.Action).toEqual(
      expect.arrayContaining([
        'dynamodb:GetItem',
        'dynamodb:Query',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
      ]),
    );
    expect(JSON.stringify(statements)).not.toMatch(/Transact|dynamodb:Scan|dynamodb:\*/);
  });

  it('bindApiKeyLookup allows GetItem on API-key items only', () => {
    const { statements, template } = build((fn, t) => fn.bindApiKeyLookup(t.app));
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 'dynamodb:GetItem',
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^AppTable/), 'Arn'] },
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['APIKEY#*'] } },
    });
    expect(JSON.stringify(statements)).not.toMatch(/dynamodb:(Query|PutItem|UpdateItem|DeleteItem)/);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ APP_TABLE: Match.anyValue() }) },
    });
  });

  it('bindQueue allows SendMessage to that queue alone and sets its URL env var', () => {
    const { statements, template } = build((fn, t, stack) => {
      const queue = new QueueWithDlq(stack, 'Sample', {
        definition: { ...sample, consumer: undefined },
        tables: t,
        functionDefaults: defaults,
      });
      fn.bindQueue(queue);
    });
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 'sqs:SendMessage',
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^SampleQueue/), 'Arn'] },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ SAMPLE_QUEUE_URL: { Ref: Match.stringLikeRegexp('^SampleQueue') } }),
      },
    });
  });

  it('bindSecret allows GetSecretValue on that secret and sets SIGNING_KEYS_SECRET_ARN', () => {
    let secretId = '';
    const { statements, template } = build((fn, _t, stack) => {
      const secret = new secretsmanager.Secret(stack, 'Keys');
      secretId = ref(stack, secret);
      fn.bindSecret(secret);
    });
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 'secretsmanager:GetSecretValue',
      Resource: { Ref: secretId },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ SIGNING_KEYS_SECRET_ARN: { Ref: secretId } }) },
    });
  });

  it('bindEmailSending allows sending only from the sender domain through the configuration set', () => {
    const email = {
      senderDomain: 'news.example.org',
      configurationSetName: 'subscription-center-test',
      unsubscribeAddress: 'unsubscribe@news.example.org',
      sendRatePerSecond: 14,
    };
    const { statements, template } = build((fn) => fn.bindEmailSending(email));
    const ses = statements.find((s: { Action: string[] }) => [s.Action].flat().includes('ses:SendBulkEmail'));
    expect(ses.Action).toEqual(['ses:SendEmail', 'ses:SendBulkEmail']);
    const resources = JSON.stringify(ses.Resource);
    expect(resources).toContain(':identity/news.example.org');
    expect(resources).toContain(':configuration-set/subscription-center-test');
    expect(resources).not.toContain('*');
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          SES_CONFIGURATION_SET: 'subscription-center-test',
          UNSUBSCRIBE_ADDRESS: 'unsubscribe@news.example.org',
          SES_RATE_PER_SECOND: '14',
          SENDER_ADDRESS: 'no-reply@news.example.org',
        }),
      },
    });
  });
});

describe('API-key lookup prefix', () => {
  afterEach(() => vi.restoreAllMocks());

  it('is where the API-key adapter reads keys, so the LeadingKeys condition lets the key check through', async () => {
    process.env.APP_TABLE ??= 'app-table';
    const { dynamo } = await import('#shared/adapters/dynamodb/client.ts');
    const apiKeys = await import('#shared/adapters/dynamodb/api-keys.ts');
    const send = vi.spyOn(dynamo, 'send').mockResolvedValue({ Item: undefined } as never);
    await apiKeys.findByHash('0123abcd');
    const command = send.mock.calls[0]?.[0] as unknown as { input: { Key: { pk: string } } };
    expect(command.input.Key.pk.startsWith(API_KEY_PARTITION_PREFIX)).toBe(true);
  });
});
