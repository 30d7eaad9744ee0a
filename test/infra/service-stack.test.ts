import { type CfnResource, Stack } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '#infra/app.ts';
import { type BucketName, buckets } from '#infra/buckets.ts';
import { deadLetterEnvVars } from '#infra/env-vars.ts';
import { type NodeFunction, nodeRuntime } from '#infra/constructs/node-function.ts';
import { type QueueDefinition, type QueueName, queues } from '#infra/queues.ts';
import { type Access, routeList, routeTables } from '#infra/routes.ts';
import type { ServiceStack } from '#infra/stacks/service-stack.ts';
import type { StatefulStack } from '#infra/stacks/stateful-stack.ts';
import { logicalIdOf, resolveIn, resourcesOf, templateOf } from '#test/helpers/app-templates.ts';
import { type TableName, tables } from '#infra/tables.ts';

// No bundling and no CloudFormation schema check (cdk-nag.test.ts runs that): these tests read templates.
const fast = { context: { 'aws:cdk:bundling-stacks': [] }, env: {}, validateTemplates: false };

type Resource = { Type: string; Properties: Record<string, unknown> };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

let stateful: StatefulStack;
let service: ServiceStack;
let functions: ReadonlyMap<string, NodeFunction>;
/** The stacks that hold functions: the service stack (queue consumers) and the routes stacks. */
let codeStacks: Stack[];
let template: Template;
let resources: Record<string, Resource>;

beforeAll(() => {
  const built = buildApp(fast);
  ({ stateful, service, functions } = built);
  codeStacks = [service, ...Object.values(built.routeStacks)];
  template = templateOf(service);
  resources = template.toJSON().Resources;
});

const logicalId = logicalIdOf;
const stackOf = (fn: NodeFunction) => Stack.of(fn);
const functionProps = (fn: NodeFunction) => resourcesOf(fn)[logicalId(fn)]?.Properties ?? {};
const policyStatements = (fn: NodeFunction): Statement[] => {
  const policy = (fn.role as iam.Role).node.tryFindChild('DefaultPolicy') as iam.Policy;
  const document = resourcesOf(policy)[logicalId(policy)]?.Properties.PolicyDocument as {
    Statement: Statement[];
  };
  return document.Statement;
};
const actions = (statement: Statement) => [statement.Action].flat();
/** The tables a function's policy mentions, found by their logical ids in the stateful stack. */
const tablesIn = (statements: Statement[]): TableName[] => {
  const text = JSON.stringify(statements);
  return (Object.keys(tables) as TableName[]).filter((name) =>
    text.includes(stateful.getLogicalId(stateful.tables[name].table.node.defaultChild as CfnResource)),
  );
};
/** Beyond DynamoDB, what a route function may do: log, trace, send to its queues, read its secrets. */
const routeFunctionActions = [
  'logs:CreateLogStream',
  'logs:PutLogEvents',
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'sqs:SendMessage',
  'secretsmanager:GetSecretValue',
];
const sesActions = ['ses:SendEmail', 'ses:SendBulkEmail'];
/** What a function bound to a bucket may do with its objects (infra/constructs/node-function.ts bindBucket). */
const bucketActions: Record<Access, string[]> = {
  read: ['s3:GetObject'],
  write: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
};
/** Exactly the declared buckets' objects, with exactly the declared access; nothing else of S3. */
const expectBucketsScoped = (statements: Statement[], declared: Partial<Record<BucketName, Access>>) => {
  const s3 = statements.filter((statement) => actions(statement).some((action) => action.startsWith('s3:')));
  expect(s3).toHaveLength(Object.keys(declared).length);
  for (const [name, access] of Object.entries(declared) as [BucketName, Access][]) {
    const id = buckets[name].id;
    const statement = s3.find((st) => JSON.stringify(st.Resource).includes(id));
    expect(statement, name).toBeDefined();
    expect(actions(statement as Statement)).toEqual(bucketActions[access]);
    expect(JSON.stringify(statement?.Resource)).toMatch(/\/\*"\]\]\}$/);
  }
};
/** What a function that adds or lifts suppressions may do with SES's account-level list. */
const suppressionListActions = ['ses:PutSuppressedDestination', 'ses:DeleteSuppressedDestination'];
/** Those two on "*" (the list has no ARN), in this stack's region only; nothing else of SES. */
const expectSuppressionListScoped = (statements: Statement[]) => {
  const mirror = statements.filter((statement) =>
    actions(statement).some((action) => suppressionListActions.includes(action)),
  );
  expect(mirror).toEqual([
    expect.objectContaining({
      Action: suppressionListActions,
      Resource: '*',
      Condition: { StringEquals: { 'aws:RequestedRegion': { Ref: 'AWS::Region' } } },
    }),
  ]);
};
const sqsConsumeActions = [
  'sqs:ReceiveMessage',
  'sqs:ChangeMessageVisibility',
  'sqs:GetQueueUrl',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
];
/** SES sending only as the sender domain, only through the configuration set (defaults of infra/config.ts). */
const expectSendingScoped = (statements: Statement[]) => {
  const ses = statements.filter((statement) =>
    actions(statement).some(
      (action) => action.startsWith('ses:') && !suppressionListActions.includes(action),
    ),
  );
  expect(ses).toHaveLength(1);
  expect(ses[0]?.Resource).toEqual([
    { 'Fn::Join': ['', expect.arrayContaining([':identity/example.com'])] },
    { 'Fn::Join': ['', expect.arrayContaining([':configuration-set/subscription-center-dev'])] },
  ]);
};
/** What a function that hands mail to SES gets (shared/use-cases/sending.ts reads them). */
const emailVariables = [
  'SES_CONFIGURATION_SET',
  'SES_RATE_PER_SECOND',
  'UNSUBSCRIBE_ADDRESS',
  'SENDER_ADDRESS',
];
const writeActions = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];
const mentions = (statement: Statement, name: TableName) =>
  JSON.stringify(statement.Resource).includes(
    stateful.getLogicalId(stateful.tables[name].table.node.defaultChild as CfnResource),
  );

describe('service stack: HTTP API', () => {
  it('has one route per entry of routeList(), each integrated with its own function', () => {
    const count = codeStacks.reduce(
      (sum, stack) => sum + Object.keys(templateOf(stack).findResources('AWS::ApiGatewayV2::Route')).length,
      0,
    );
    expect(count).toBe(routeList().length);
    for (const route of routeList()) {
      const fn = functions.get(route.key);
      expect(fn, route.key).toBeDefined();
      // The route sits beside its function, in its routes stack, on the service stack's API.
      const template = templateOf(stackOf(fn as NodeFunction));
      const resources = template.toJSON().Resources as Record<string, Resource>;
      const [routeResource] = Object.values(
        template.findResources('AWS::ApiGatewayV2::Route', {
          Properties: { RouteKey: `${route.method} ${route.path}` },
        }),
      );
      expect(routeResource, route.key).toBeDefined();
      const target = JSON.stringify(routeResource?.Properties.Target);
      const integrationId = Object.keys(template.findResources('AWS::ApiGatewayV2::Integration')).find((id) =>
        target.includes(id),
      );
      expect(resources[integrationId ?? '']?.Properties).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: { 'Fn::GetAtt': [logicalId(fn as NodeFunction), 'Arn'] },
      });
      expect(routeResource?.Properties.ApiId).toEqual(resolveIn(fn as NodeFunction, service.api.apiId));
    }
  });

  it('serves a $default stage with JSON access logs of no personal data beyond the caller IP, and throttling', () => {
    const stage = template.findResources('AWS::ApiGatewayV2::Stage');
    const [properties] = Object.values(stage).map((s) => s.Properties);
    expect(properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [expect.stringMatching(/^ApiAccessLogs/), 'Arn'] },
      },
    });
    const format = JSON.parse(properties.AccessLogSettings.Format);
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      ip: '$context.identity.sourceIp',
      method: '$context.httpMethod',
      routeKey: '$context.routeKey',
      status: '$context.status',
      latency: '$context.responseLatency',
    });
    // Paths carry tokens and ids, query strings carry e-mail addresses: neither is logged.
    expect(properties.AccessLogSettings.Format).not.toMatch(
      /\$context\.(path|resourcePath)|querystring|rawQuery/i,
    );
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('outputs the API URL', () => {
    template.hasOutput('ApiUrl', { Value: { 'Fn::GetAtt': [logicalId(service.api), 'ApiEndpoint'] } });
  });
});

describe('service stack: functions', () => {
  it('runs every function on arm64 and Node 24 with JSON logs into its own log group, and X-Ray', () => {
    // 256 MB unless a queue's consumer asks for more (the bulk jobs hold a batch of rows, a part of a file).
    const memoryOf: Record<string, number> = Object.fromEntries(
      (Object.entries(queues) as [QueueName, QueueDefinition][])
        .filter(([, definition]) => definition.consumer?.memorySize)
        .map(([name, definition]) => [
          logicalId(service.queues[name].consumer as NodeFunction),
          definition.consumer?.memorySize as number,
        ]),
    );
    const all = codeStacks.flatMap((stack) => {
      const template = templateOf(stack);
      const resources = template.toJSON().Resources as Record<string, Resource>;
      return Object.entries(template.findResources('AWS::Lambda::Function')).map(
        ([id, fn]) => [id, fn, resources] as const,
      );
    });
    expect(all.length).toBeGreaterThanOrEqual(new Set(routeList().map((r) => r.entry)).size);
    for (const [id, fn, resources] of all) {
      expect(fn.Properties, id).toMatchObject({
        Runtime: nodeRuntime.name,
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: memoryOf[id] ?? 256,
        LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: expect.any(String) } },
        TracingConfig: { Mode: 'Active' },
      });
      expect(resources[fn.Properties.LoggingConfig.LogGroup.Ref]?.Properties.RetentionInDays, id).toBe(30);
    }
    expect(nodeRuntime.name).toBe('nodejs24.x');
  });

  it.each([0, 1, 2, 3, 4])('alarms on any error of any function (stack %i)', (index) => {
    const template = templateOf(codeStacks[index] as Stack);
    for (const id of Object.keys(template.findResources('AWS::Lambda::Function'))) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'Errors',
        Namespace: 'AWS/Lambda',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: id } }],
        Statistic: 'Sum',
        Period: 300,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      });
    }
  });

  it('gives each route function the env vars of exactly its tables, queues and secrets', () => {
    for (const route of routeList()) {
      const fn = functions.get(route.key) as NodeFunction;
      const expected = [
        'LOG_LEVEL',
        'PUBLIC_BASE_URL',
        ...(Object.keys(routeTables(route)) as TableName[]).map((name) => tables[name].envVar),
        ...(route.queues ?? []).map((name) => queues[name].envVar),
        ...(route.secrets ?? []).map(() => 'SIGNING_KEYS_SECRET_ARN'),
        ...(route.sendsEmail ? emailVariables : []),
        ...(route.mirrorsSuppressions ? ['SES_SUPPRESSION_MIRROR'] : []),
        ...(Object.keys(route.buckets ?? {}) as BucketName[]).map((name) => buckets[name].envVar),
      ];
      expectBucketsScoped(policyStatements(fn), route.buckets ?? {});
      const variables = (functionProps(fn).Environment as { Variables: Record<string, unknown> }).Variables;
      expect(Object.keys(variables).sort(), route.key).toEqual([...new Set(expected)].sort());
      expect(variables.PUBLIC_BASE_URL).toEqual(resolveIn(fn, service.api.apiEndpoint));
    }
  });
});

describe('service stack: queues', () => {
  describe.each(Object.entries(queues) as [QueueName, QueueDefinition][])('%s', (name, definition) => {
    it('redrives to an encrypted, alarmed DLQ after maxReceiveCount receives', () => {
      const queue = service.queues[name];
      const dlqId = logicalId(queue.deadLetterQueue.queue);
      expect(resources[logicalId(queue.queue)]?.Properties).toMatchObject({
        VisibilityTimeout: definition.visibilityTimeoutSeconds,
        SqsManagedSseEnabled: true,
        RedrivePolicy: {
          deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] },
          maxReceiveCount: definition.maxReceiveCount,
        },
      });
      expect(resources[dlqId]?.Properties).toMatchObject({
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: definition.dlqRetentionDays * 86_400,
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }],
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      });
      for (const id of [logicalId(queue.queue), dlqId]) {
        template.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [{ Ref: id }],
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            ]),
          },
        });
      }
    });

    const { consumer } = definition as QueueDefinition;
    if (!consumer) return;
    it('is consumed by its function, reporting partial batch failures, with bounded concurrency', () => {
      const fn = service.queues[name].consumer as NodeFunction;
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: logicalId(fn) },
        EventSourceArn: { 'Fn::GetAtt': [logicalId(service.queues[name].queue), 'Arn'] },
        BatchSize: consumer.batchSize,
        MaximumBatchingWindowInSeconds: consumer.maxBatchingWindowSeconds,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: consumer.maxConcurrency },
      });
      expect(functionProps(fn).Timeout).toBe(consumer.timeoutSeconds);
      const expected = [
        'LOG_LEVEL',
        'PUBLIC_BASE_URL',
        ...(Object.keys(consumer.tables) as TableName[]).map((table) => tables[table].envVar),
        ...(consumer.queues ?? []).map((target) => queues[target as QueueName].envVar),
        ...(consumer.secrets ?? []).map(() => 'SIGNING_KEYS_SECRET_ARN'),
        // The sender paces itself and builds List-Unsubscribe from these.
        ...(name === 'send' ? emailVariables : []),
        ...(consumer.mirrorsSuppressions ? ['SES_SUPPRESSION_MIRROR'] : []),
        ...(Object.keys(consumer.buckets ?? {}) as BucketName[]).map((name) => buckets[name].envVar),
        // What it gives up on, it moves to its DLQ itself.
        ...(consumer.sendsToDeadLetter ? [deadLetterEnvVars[name as keyof typeof deadLetterEnvVars]] : []),
      ];
      const variables = Object.keys((functionProps(fn).Environment as { Variables: object }).Variables);
      expect(variables.sort()).toEqual([...new Set(expected)].sort());
      const statements = policyStatements(fn);
      expect(tablesIn(statements).sort()).toEqual(Object.keys(consumer.tables).sort());
      const sends = name === 'send';
      const allowed = [
        ...routeFunctionActions,
        ...sqsConsumeActions,
        ...(sends ? sesActions : []),
        ...(consumer.mirrorsSuppressions ? suppressionListActions : []),
        ...Object.values(consumer.buckets ?? {}).flatMap((access) => bucketActions[access as Access]),
      ];
      expectBucketsScoped(statements, consumer.buckets ?? {});
      // Scan only where the definition says (a whole-table export), only on those tables.
      const scans = statements.filter((statement) => actions(statement).includes('dynamodb:Scan'));
      expect(scans.map((statement) => actions(statement))).toEqual(
        (consumer.scans ?? []).map(() => ['dynamodb:Scan']),
      );
      // PartiQL inserts only where the definition says (bulk creates), on the table alone.
      const inserts = statements.filter((statement) => actions(statement).includes('dynamodb:PartiQLInsert'));
      expect(inserts.map((statement) => [actions(statement), tablesIn([statement])])).toEqual(
        (consumer.inserts ?? []).map((table) => [['dynamodb:PartiQLInsert'], [table]]),
      );
      for (const statement of inserts) expect(JSON.stringify(statement.Resource)).not.toContain('index');
      const otherActions = statements.flatMap(actions).filter((action) => !action.startsWith('dynamodb:'));
      expect(otherActions.filter((action) => !allowed.includes(action))).toEqual([]);
      if (sends) expectSendingScoped(statements);
      if (consumer.mirrorsSuppressions) expectSuppressionListScoped(statements);
    });
  });
});

describe('service stack: SES feedback', () => {
  it('subscribes the feedback queue to the SES event topic, keeping the SNS envelope (no raw delivery)', () => {
    const queueId = logicalId(service.queues.feedback.queue);
    template.resourcePropertiesCountIs('AWS::SNS::Subscription', {}, 1);
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sqs',
      Endpoint: { 'Fn::GetAtt': [queueId, 'Arn'] },
      TopicArn: { 'Fn::ImportValue': Match.stringLikeRegexp('SesEvents') },
      RawMessageDelivery: false,
    });
    // SNS may send to the queue, for this topic only; nothing invokes a function from SNS directly.
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sqs:SendMessage',
            Principal: { Service: 'sns.amazonaws.com' },
            Condition: {
              ArnEquals: { 'aws:SourceArn': { 'Fn::ImportValue': Match.stringLikeRegexp('SesEvents') } },
            },
          }),
        ]),
      },
    });
    expect(
      template.findResources('AWS::Lambda::Permission', { Properties: { Principal: 'sns.amazonaws.com' } }),
    ).toEqual({});
  });

  it('consumes it in batches with partial batch failures, a DLQ after three receives, and the signing keys', () => {
    const fn = service.queues.feedback.consumer as NodeFunction;
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalId(fn) },
      BatchSize: 100,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(resources[logicalId(service.queues.feedback.queue)]?.Properties).toMatchObject({
      RedrivePolicy: { maxReceiveCount: 3 },
    });
    const variables = (functionProps(fn).Environment as { Variables: Record<string, unknown> }).Variables;
    expect(Object.keys(variables)).toEqual(
      expect.arrayContaining([
        'APP_TABLE',
        'CONTACTS_TABLE',
        'RECIPIENTS_TABLE',
        'FEEDBACK_QUEUE_URL',
        'SIGNING_KEYS_SECRET_ARN',
      ]),
    );
  });

  it.each([
    ['Reputation.BounceRate', 0.05],
    ['Reputation.ComplaintRate', 0.001],
  ])('alarms on the account-level SES metric %s at %s', (metricName, threshold) => {
    const alarms = template.findResources('AWS::CloudWatch::Alarm', {
      Properties: { Namespace: 'AWS/SES', MetricName: metricName },
    });
    expect(Object.values(alarms)).toHaveLength(1);
    expect(Object.values(alarms)[0]?.Properties).toMatchObject({
      Threshold: threshold,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Statistic: 'Maximum',
      TreatMissingData: 'notBreaching',
    });
    // Account level: no configuration-set dimension.
    expect(Object.values(alarms)[0]?.Properties.Dimensions).toBeUndefined();
  });
});

describe('least privilege', () => {
  const allPolicies = () =>
    [stateful, ...codeStacks].flatMap((stack) =>
      Object.values(templateOf(stack).findResources('AWS::IAM::Policy')),
    );

  it('grants no "*" action anywhere, and "*" resources only to what has no resource-level permissions: X-Ray, and SES\'s suppression list in this region', () => {
    const statements = allPolicies().flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      for (const action of actions(statement)) expect(action).not.toMatch(/(^|:)\*$/);
      if ([statement.Resource].flat().includes('*')) {
        if (actions(statement).some((action) => suppressionListActions.includes(action)))
          expectSuppressionListScoped([statement]);
        // Reading a table's stream: ListStreams has no resource-level permission (the records are
        // read on the stream ARN alone, see the change-stream tests).
        else if (actions(statement).includes('dynamodb:ListStreams'))
          expect(actions(statement)).toEqual(['dynamodb:ListStreams']);
        else expect(actions(statement).sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
      }
    }
  });

  it('attaches no managed policy to any role', () => {
    for (const role of codeStacks.flatMap((stack) =>
      Object.values(templateOf(stack).findResources('AWS::IAM::Role')),
    )) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  it.each(routeList().map((route) => [route.key, route] as const))(
    '%s: touches only the tables routeTables() declares, with the declared access',
    (_key, route) => {
      const statements = policyStatements(functions.get(route.key) as NodeFunction);
      const declared = routeTables(route) as Record<TableName, Access>;
      expect(tablesIn(statements).sort()).toEqual(Object.keys(declared).sort());
      for (const [name, access] of Object.entries(declared) as [TableName, Access][]) {
        const granted = statements.filter((statement) => mentions(statement, name));
        expect(granted.length).toBeGreaterThan(0);
        if (access === 'read') {
          for (const statement of granted)
            for (const action of writeActions) expect(actions(statement)).not.toContain(action);
        }
        // Reading the app table only to check the caller's key: API-key items alone.
        if (name === 'app' && route.tables.app === undefined && access === 'read') {
          expect(granted).toEqual([
            expect.objectContaining({
              Action: 'dynamodb:GetItem',
              Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['APIKEY#*'] } },
            }),
          ]);
        }
      }
      const allowed = [
        ...routeFunctionActions,
        ...(route.sendsEmail ? sesActions : []),
        ...(route.mirrorsSuppressions ? suppressionListActions : []),
        ...Object.values(route.buckets ?? {}).flatMap((access) => bucketActions[access as Access]),
      ];
      const otherActions = statements.flatMap(actions).filter((action) => !action.startsWith('dynamodb:'));
      expect(otherActions.filter((action) => !allowed.includes(action))).toEqual([]);
      expect(statements.flatMap(actions)).not.toContain('dynamodb:Scan');
      if (route.sendsEmail) expectSendingScoped(statements);
      if (route.mirrorsSuppressions) expectSuppressionListScoped(statements);
    },
  );
});

describe('the console', () => {
  it('is one function per page group, each route with its own API route and invoke permission', () => {
    const consoleRoutes = routeList().filter((route) => route.tag === 'console');
    expect(consoleRoutes.length).toBeGreaterThan(20);
    const entries = new Set(consoleRoutes.map((route) => route.entry));
    expect(entries.size).toBeGreaterThan(1);
    for (const entry of entries) {
      const mine = consoleRoutes.filter((route) => route.entry === entry);
      expect(new Set(mine.map((route) => functions.get(route.key))).size, entry).toBe(1);
    }
    const fns = new Set(consoleRoutes.map((route) => functions.get(route.key)));
    expect(fns.size).toBe(entries.size);
    const template = templateOf(stackOf([...fns][0] as NodeFunction));
    expect(Object.keys(template.findResources('AWS::Lambda::Function'))).toHaveLength(entries.size);
    expect(Object.keys(template.findResources('AWS::ApiGatewayV2::Route'))).toHaveLength(
      consoleRoutes.length,
    );
  });
});

describe('stack sizes', () => {
  it('keeps every stack at 400 resources or fewer (CloudFormation allows 500): room for what comes', () => {
    const built = buildApp(fast);
    const sizes = Object.fromEntries(
      built.stacks.map((stack) => [
        stack.stackName,
        Object.keys(templateOf(stack).toJSON().Resources).length,
      ]),
    );
    expect(Object.keys(sizes)).toHaveLength(7);
    for (const [name, size] of Object.entries(sizes)) expect(size, name).toBeLessThanOrEqual(400);
  });
});

describe('service stack: uploads that start work', () => {
  it('routes the imports bucket’s object-created events for uploads to the imports queue, through EventBridge', () => {
    const queueId = logicalId(service.queues.imports.queue);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: {
          bucket: { name: [{ 'Fn::ImportValue': Match.stringLikeRegexp('ImportsBucket') }] },
          object: { key: [{ wildcard: buckets.imports.objectCreated.keyPattern }] },
        },
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } })],
    });
    // EventBridge may send to the queue, for that rule only.
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'events.amazonaws.com' },
            Condition: { ArnEquals: { 'aws:SourceArn': Match.anyValue() } },
          }),
        ]),
      },
    });
  });

  it('has the imports bucket send its events to EventBridge, without a notifications function', () => {
    const statefulTemplate = templateOf(stateful);
    statefulTemplate.hasResourceProperties('AWS::S3::Bucket', {
      NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
    });
    statefulTemplate.resourceCountIs('AWS::Lambda::Function', 0);
  });
});
