/**
 * The one Lambda construct: every function of Subscription Center gets the same defaults here, and
 * receives its tables, queues and secrets through `bind*` helpers that set the env var its code
 * reads and grant exactly the IAM actions that go with it, in one call.
 */
import path from 'node:path';
import { type CfnResource, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { BucketDefinition } from '#infra/buckets.ts';
import type { QueueDefinition } from '#infra/queues.ts';
import type { Access } from '#shared/http/contract.ts';
import type { TableDefinition } from '#infra/tables.ts';

/** The repository root: handler entries in routes.ts and queues.ts are relative to it. */
export const projectRoot = path.resolve(import.meta.dirname, '../..');

/** Lambda's Node.js 24 runtime; aws-cdk-lib 2.276 has it, and cdk-nag's AwsSolutions-L1 accepts it as the latest. */
export const nodeRuntime = lambda.Runtime.NODEJS_24_X;

/** Env var carrying the ARN of the token-signing keys (shared/… reads it at cold start). */
export const SIGNING_KEYS_ENV = 'SIGNING_KEYS_SECRET_ARN';

/**
 * Partition-key prefix of API-key items in the app table (shared/adapters/dynamodb/api-keys.ts);
 * test/infra/constructs.test.ts proves the adapter still reads under it.
 */
export const API_KEY_PARTITION_PREFIX = 'APIKEY#';

/** A deployed table together with its definition from infra/tables.ts (env var, indexes). */
export interface DefinedTable {
  readonly definition: TableDefinition;
  readonly table: dynamodb.ITable;
}

/** A deployed queue together with its definition from infra/queues.ts. */
export interface DefinedQueue {
  readonly definition: QueueDefinition;
  readonly queue: sqs.IQueue;
}

/** A deployed bucket together with its definition from infra/buckets.ts. */
export interface DefinedBucket {
  readonly definition: BucketDefinition;
  readonly bucket: s3.IBucket;
}

/** What a function that hands mail to SES needs to know. */
export interface EmailSending {
  readonly senderDomain: string;
  readonly configurationSetName: string;
  /** The List-Unsubscribe mailto; absent when the deployment receives no mail (`inboundMail=false`). */
  readonly unsubscribeAddress?: string | undefined;
  readonly sendRatePerSecond: number;
}

/** Env var telling a function whether to mirror suppressions into SES's account-level list. */
export const SUPPRESSION_MIRROR_ENV = 'SES_SUPPRESSION_MIRROR';

/** Settings every function of one deployment shares. */
export interface FunctionDefaults {
  readonly logRetention: logs.RetentionDays;
  readonly logLevel: string;
  /** Variables every function gets, e.g. PUBLIC_BASE_URL. */
  readonly environment?: Readonly<Record<string, string>>;
}

export interface NodeFunctionProps extends FunctionDefaults {
  /** Handler file relative to the project root; it exports `handler`. */
  readonly entry: string;
  readonly description?: string;
  /** @default 256 */
  readonly memorySize?: number;
  /** @default 10 seconds (an HTTP API waits at most 30) */
  readonly timeout?: Duration;
  /** Where failed asynchronous invocations go, for functions invoked asynchronously (SNS). */
  readonly deadLetterQueue?: sqs.IQueue;
}

// Request paths read items and query indexes; a Scan never runs on them (docs/design.md), so it is not granted.
const readActions = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
// No TransactWriteItems: the design uses single-item conditional writes only.
const writeActions = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];

/**
 * NodejsFunction with the project's defaults: Node 24 on arm64, an ESM bundle built by the local
 * esbuild (minified, AWS SDK bundled, no source map: the cold-start budget counts bundle size),
 * JSON log format into its own log group with retention, X-Ray tracing, an execution role holding
 * nothing but what the `bind*` calls add, and an alarm on any error.
 */
export class NodeFunction extends nodejs.NodejsFunction {
  /** Fires when the function reports any error in a 5-minute period. */
  readonly errorsAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: NodeFunctionProps) {
    // Created beside the function because nothing may touch `this` before super().
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, { retention: props.logRetention });
    // Our own role instead of the default one with the AWSLambdaBasicExecutionRole managed policy:
    // it may write to this function's log group and nowhere else.
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.description ?? props.entry}`,
    });
    logGroup.grantWrite(role);

    super(scope, id, {
      entry: path.join(projectRoot, props.entry),
      handler: 'handler',
      description: props.description,
      projectRoot,
      depsLockFilePath: path.join(projectRoot, 'package-lock.json'),
      runtime: nodeRuntime,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(10),
      role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      tracing: lambda.Tracing.ACTIVE,
      deadLetterQueue: props.deadLetterQueue,
      environment: { LOG_LEVEL: props.logLevel, ...props.environment },
      bundling: {
        forceDockerBundling: false,
        format: nodejs.OutputFormat.ESM,
        target: 'node24',
        minify: true,
        sourceMap: false,
        // Keeps `cdk synth --quiet` quiet: esbuild still prints warnings and errors.
        logLevel: nodejs.LogLevel.WARNING,
        // Bundle the SDK: one pinned version, tree-shaken, and faster to load than the runtime's copy.
        externalModules: [],
        // Prefer the ESM builds of dependencies; CommonJS ones that `require` Node built-ins need
        // a `require` in an ES module bundle.
        mainFields: ['module', 'main'],
        banner:
          "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      },
    });

    // Covers the role's default policy too: acknowledgements apply to a construct and its children.
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray tracing (Tracing.ACTIVE): xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions, so "*" is the only resource they accept.',
    });

    this.errorsAlarm = new cloudwatch.Alarm(scope, `${id}ErrorsAlarm`, {
      alarmDescription: `${props.description ?? props.entry}: the function reported errors`,
      metric: this.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  /** Sets the table's env var and grants reads, or reads and writes, on the table and its indexes only. */
  bindTable({ definition, table }: DefinedTable, access: Access): this {
    this.addEnvironment(definition.envVar, table.tableName);
    this.addToRolePolicy(
      new iam.PolicyStatement({
        actions: access === 'write' ? [...readActions, ...writeActions] : readActions,
        // Each index by name rather than `index/*`, so no wildcard needs a reason.
        resources: [
          table.tableArn,
          ...definition.indexes.map((index) => `${table.tableArn}/index/${index.name}`),
        ],
      }),
    );
    return this;
  }

  /**
   * For a function that touches the app table only to check an API key (shared/http/auth.ts):
   * sets the env var and allows GetItem on API-key items alone, through `dynamodb:LeadingKeys`.
   */
  bindApiKeyLookup({ definition, table }: DefinedTable): this {
    this.addEnvironment(definition.envVar, table.tableName);
    this.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:GetItem'],
        resources: [table.tableArn],
        conditions: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${API_KEY_PARTITION_PREFIX}*`] },
        },
      }),
    );
    return this;
  }

  /** Sets the queue's URL env var and allows sending (SendMessage also covers SendMessageBatch). */
  bindQueue({ definition, queue }: DefinedQueue): this {
    this.addEnvironment(definition.envVar, queue.queueUrl);
    this.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }),
    );
    return this;
  }

  /**
   * For a consumer that moves what it gave up on to its queue's dead-letter queue itself: sets the
   * DLQ's URL env var and allows sending there.
   */
  bindDeadLetterQueue(queue: sqs.IQueue, envVar: string): this {
    this.addEnvironment(envVar, queue.queueUrl);
    this.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }),
    );
    return this;
  }

  /** Sets EVENT_BUS_NAME and allows putting events on that bus alone. */
  bindEventBus(bus: { eventBusName: string; eventBusArn: string }): this {
    this.addEnvironment('EVENT_BUS_NAME', bus.eventBusName);
    this.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['events:PutEvents'], resources: [bus.eventBusArn] }),
    );
    return this;
  }

  /** Sets the secret's ARN env var (SIGNING_KEYS_SECRET_ARN unless told) and allows reading its value. */
  bindSecret(secret: secretsmanager.ISecret, envVar: string = SIGNING_KEYS_ENV): this {
    this.addEnvironment(envVar, secret.secretArn);
    this.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }),
    );
    return this;
  }

  /**
   * For a function that hands mail to SES: sets what it needs to build and pace messages (read by
   * shared/use-cases/sending.ts), and allows sending only as the sender domain's identity, through
   * the deployment's configuration set; a mailing `from` another domain is refused by SES.
   */
  bindEmailSending(email: EmailSending): this {
    this.addEnvironment('SES_CONFIGURATION_SET', email.configurationSetName);
    if (email.unsubscribeAddress) this.addEnvironment('UNSUBSCRIBE_ADDRESS', email.unsubscribeAddress);
    this.addEnvironment('SES_RATE_PER_SECOND', String(email.sendRatePerSecond));
    // Transactional mail (privacy e-mail, confirmations, magic links) goes out from the sender domain.
    this.addEnvironment('SENDER_ADDRESS', `no-reply@${email.senderDomain}`);
    const { partition, region, account } = this.stack;
    this.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail', 'ses:SendBulkEmail'],
        resources: [
          `arn:${partition}:ses:${region}:${account}:identity/${email.senderDomain}`,
          `arn:${partition}:ses:${region}:${account}:configuration-set/${email.configurationSetName}`,
        ],
      }),
    );
    return this;
  }

  /**
   * Sets the bucket's env var and allows reading (GetObject), or reading and writing (also
   * PutObject and the multipart calls), the bucket's objects: no listing, no deleting, no bucket
   * settings. A presigned URL this function signs can do no more than that.
   */
  bindBucket({ definition, bucket }: DefinedBucket, access: Access): this {
    this.addEnvironment(definition.envVar, bucket.bucketName);
    const actions =
      access === 'write'
        ? ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts']
        : ['s3:GetObject'];
    this.addToRolePolicy(new iam.PolicyStatement({ actions, resources: [bucket.arnForObjects('*')] }));
    const resource = bucket.node.defaultChild as CfnResource | undefined;
    if (!this.role || !resource) return this;
    const owner = Stack.of(bucket);
    const names = [`<${owner.getLogicalId(resource)}.Arn>`];
    if (owner !== this.stack) {
      const imported = owner.resolve(owner.exportValue(bucket.bucketArn)) as { 'Fn::ImportValue': string };
      names.push(imported['Fn::ImportValue']);
    }
    for (const name of names)
      Validations.of(this.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${name}/*]`,
        reason: `Object keys carry job ids, unknown until a job exists: the function may ${access === 'write' ? 'read and write' : 'read'} objects of this one bucket (${definition.description}), and nothing else of it (no listing, no deleting, no settings).`,
      });
    return this;
  }

  /**
   * Allows Scan on a table (already bound with bindTable): for a background job that reads a whole
   * table (an export), never for a request path.
   */
  bindTableScan({ table }: DefinedTable): this {
    this.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['dynamodb:Scan'], resources: [table.tableArn] }),
    );
    return this;
  }

  /**
   * Allows PartiQL INSERTs on a table (already bound with bindTable for writes): conditional
   * single-item writes of new items, sent 25 at a time in a BatchExecuteStatement. No other PartiQL
   * (select, update, delete) is granted.
   */
  bindTableInsert({ table }: DefinedTable): this {
    this.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['dynamodb:PartiQLInsert'], resources: [table.tableArn] }),
    );
    return this;
  }

  /**
   * Sets the bucket's env var and allows reading objects under `prefix` only (no listing, no
   * writing: whoever writes there is someone else, e.g. SES's receipt rule).
   */
  bindBucketRead({ definition, bucket }: DefinedBucket, prefix: string): this {
    this.addEnvironment(definition.envVar, bucket.bucketName);
    this.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects(`${prefix}*`)] }),
    );
    // cdk-nag names the finding by how the policy refers to the bucket: `<LogicalId.Arn>` while the
    // app is built, and, for a bucket of another stack, by its export's name once synthesized.
    const resource = bucket.node.defaultChild as CfnResource | undefined;
    if (!this.role || !resource) return this;
    const owner = Stack.of(bucket);
    const names = [`<${owner.getLogicalId(resource)}.Arn>`];
    if (owner !== this.stack) {
      // Named as the automatic cross-stack reference would name it, so this is that export.
      const imported = owner.resolve(owner.exportValue(bucket.bucketArn)) as { 'Fn::ImportValue': string };
      names.push(imported['Fn::ImportValue']);
    }
    for (const name of names)
      Validations.of(this.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${name}/${prefix}*]`,
        reason: `Objects are keyed by SES's message id, unknown until a message arrives: the function may read any object under "${prefix}" of this one bucket, and nothing else of it (no listing, no writing).`,
      });
    return this;
  }

  /**
   * For a function that adds or lifts suppressions: tells it whether to mirror them into SES's
   * account-level suppression list (SES_SUPPRESSION_MIRROR) and, when it does, allows exactly
   * PutSuppressedDestination and DeleteSuppressedDestination in this stack's region. The list is
   * one per account and region, not a resource with an ARN, so IAM takes no narrower resource.
   */
  bindSuppressionMirror(enabled: boolean): this {
    this.addEnvironment(SUPPRESSION_MIRROR_ENV, String(enabled));
    if (!enabled) return this;
    this.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ses:PutSuppressedDestination', 'ses:DeleteSuppressedDestination'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:RequestedRegion': this.stack.region } },
      }),
    );
    if (this.role)
      Validations.of(this.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray tracing and the SES account-level suppression list: xray:PutTraceSegments/PutTelemetryRecords and ses:PutSuppressedDestination/DeleteSuppressedDestination support no resource-level permissions, so "*" is the only resource they accept; the SES actions are limited to this region by aws:RequestedRegion.',
      });
    return this;
  }
}
