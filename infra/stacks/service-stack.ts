/**
 * The HTTP API with its stage, the queues of infra/queues.ts with their consumers (the SES event
 * topic feeds the feedback queue), and the alarms on the account's SES reputation. Tables, keys and
 * the SES event topic come in from the stateful stack as props. The routes and their functions live
 * in the routes stacks (infra/stacks/routes-stack.ts), a few tags each, so no stack comes near
 * CloudFormation's 500 resources.
 */
import {
  CfnOutput,
  CrossStackReferences,
  Duration,
  ReferenceStrength,
  Stack,
  type StackProps,
} from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import type { BucketName } from '#infra/buckets.ts';
import type { DeploymentConfig } from '#infra/config.ts';
import { InboundMail } from '#infra/constructs/inbound-mail.ts';
import type { DefinedBucket, DefinedTable, FunctionDefaults } from '#infra/constructs/node-function.ts';
import { inboundMail } from '#infra/inbound-mail.ts';
import { QueueWithDlq } from '#infra/constructs/queue-with-dlq.ts';
import { Reconciler } from '#infra/constructs/reconciler.ts';
import { StreamConsumer } from '#infra/constructs/stream-consumer.ts';
import { deadLetterEnvVars } from '#infra/env-vars.ts';
import { type QueueDefinition, type QueueName, queues } from '#infra/queues.ts';
import { type StreamConsumerDefinition, type StreamConsumerName, streamConsumers } from '#infra/streams.ts';
import type { TableName } from '#infra/tables.ts';

export interface ServiceStackProps extends StackProps {
  readonly config: DeploymentConfig;
  readonly tables: Readonly<Record<TableName, DefinedTable>>;
  readonly buckets: Readonly<Record<BucketName, DefinedBucket>>;
  readonly signingKeys: secretsmanager.ISecret;
  /** The configuration set's events; the feedback queue subscribes to it. */
  readonly sesEvents: sns.ITopic;
}

/**
 * SES's account-level reputation metrics (AWS/SES, no dimensions) and where SES starts to act: at a
 * 5 % bounce rate or a 0.1 % complaint rate an account is put under review (the per-mailing guard in
 * shared/domain/bounce-policy.ts uses the same limits, so a bad list pauses before the account
 * suffers).
 */
export const reputationAlarms = [
  { id: 'SesBounceRateAlarm', metricName: 'Reputation.BounceRate', threshold: 0.05, what: 'bounce rate' },
  {
    id: 'SesComplaintRateAlarm',
    metricName: 'Reputation.ComplaintRate',
    threshold: 0.001,
    what: 'complaint rate',
  },
] as const;

/**
 * One line per request; fields that identify the request and how it went. The route key is the path
 * template (`POST /u/{token}`), so tokens, ids and query strings never reach the log.
 */
const accessLogFormat = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    time: '$context.requestTime',
    ip: '$context.identity.sourceIp',
    method: '$context.httpMethod',
    routeKey: '$context.routeKey',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    latency: '$context.responseLatency',
    integrationLatency: '$context.integrationLatency',
    error: '$context.error.message',
  }),
);

export class ServiceStack extends Stack {
  readonly api: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  /** What PUBLIC_BASE_URL is set to in every function. */
  readonly publicBaseUrl: string;
  readonly queues: Readonly<Record<QueueName, QueueWithDlq>>;
  readonly reputationAlarms: readonly cloudwatch.Alarm[];
  /** Queues again the work of mailings that stopped moving, on a schedule. */
  readonly reconciler: Reconciler;
  /** The change-stream consumers of infra/streams.ts. */
  readonly streamConsumers: Readonly<Record<StreamConsumerName, StreamConsumer>>;
  /** The bus outgoing events are also published to, when the deployment has one (`eventBus`). */
  readonly eventBus?: events.EventBus;
  /** The unsubscribe mailbox (SES receiving), unless the deployment receives no mail. */
  readonly inboundMail?: InboundMail;
  /** What every function of the deployment gets (the routes stacks too). */
  readonly functionDefaults: FunctionDefaults;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    // Exports and imports: CloudFormation refuses to delete a table or key this stack still uses.
    // (Set before any child exists, as context must be.)
    CrossStackReferences.of(this).consume(ReferenceStrength.STRONG);
    const { config, tables } = props;
    const secrets = { signing: props.signingKeys };

    this.api = new apigwv2.HttpApi(this, 'Api', {
      apiName: `subscription-center-${config.stage}`,
      description: 'Subscription Center: marketing API and hosted preference pages',
      // Our own stage below, with access logs and throttling.
      createDefaultStage: false,
    });
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', { retention: config.logRetention });
    const domain =
      config.customDomain &&
      new apigwv2.DomainName(this, 'Domain', {
        domainName: config.customDomain.domainName,
        certificate: acm.Certificate.fromCertificateArn(
          this,
          'Certificate',
          config.customDomain.certificateArn,
        ),
      });
    this.stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: config.apiThrottle,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        format: accessLogFormat,
      },
      domainMapping: domain ? { domainName: domain } : undefined,
    });
    this.publicBaseUrl = config.publicBaseUrl ?? this.api.apiEndpoint;

    const defaults: FunctionDefaults = {
      logRetention: config.logRetention,
      logLevel: config.logLevel,
      environment: { PUBLIC_BASE_URL: this.publicBaseUrl },
    };
    this.functionDefaults = defaults;

    const made: Partial<Record<QueueName, QueueWithDlq>> = {};
    for (const [name, definition] of Object.entries(queues) as [QueueName, QueueDefinition][]) {
      made[name] = new QueueWithDlq(this, definition.id, {
        definition,
        tables,
        buckets: props.buckets,
        functionDefaults: defaults,
      });
    }
    this.queues = made as Record<QueueName, QueueWithDlq>;
    // Only now does every queue exist that a consumer may send to (the planner re-queues to itself).
    for (const { definition, consumer } of Object.values(this.queues)) {
      if (!consumer || !definition.consumer) continue;
      for (const target of definition.consumer.queues ?? []) consumer.bindQueue(this.queue(target));
      for (const secret of definition.consumer.secrets ?? []) consumer.bindSecret(secrets[secret]);
    }
    // The send queue's consumer is the sender: it hands mail to SES.
    this.queues.send.consumer?.bindEmailSending(config.email);
    this.reconciler = new Reconciler(this, 'Reconciler', {
      tables,
      queues: this.queues,
      functionDefaults: defaults,
    });
    for (const { definition, consumer } of Object.values(this.queues))
      if (definition.consumer?.mirrorsSuppressions)
        consumer?.bindSuppressionMirror(config.email.suppressionMirror);
    for (const [name, queue] of Object.entries(this.queues) as [QueueName, QueueWithDlq][]) {
      if (!queue.definition.consumer?.sendsToDeadLetter) continue;
      const envVar = (deadLetterEnvVars as Partial<Record<QueueName, string>>)[name];
      if (!envVar) throw new Error(`${name}: sendsToDeadLetter needs its env var in deadLetterEnvVars`);
      queue.consumer?.bindDeadLetterQueue(queue.deadLetterQueue.queue, envVar);
    }

    // Outgoing events: the change streams' consumers, and the optional EventBridge bus.
    if (config.eventBus)
      this.eventBus = new events.EventBus(this, 'EventBus', {
        eventBusName: `subscription-center-${config.stage}`,
        description: 'Outgoing events of Subscription Center (the same as its webhooks)',
      });
    const consumers: Partial<Record<StreamConsumerName, StreamConsumer>> = {};
    for (const [name, definition] of Object.entries(streamConsumers) as [
      StreamConsumerName,
      StreamConsumerDefinition,
    ][]) {
      const made = new StreamConsumer(this, definition.id, {
        definition,
        tables,
        functionDefaults: defaults,
      });
      for (const target of definition.queues ?? []) made.fn.bindQueue(this.queue(target));
      for (const secret of definition.secrets ?? []) made.fn.bindSecret(secrets[secret]);
      if (definition.publishesEvents && this.eventBus) made.fn.bindEventBus(this.eventBus);
      consumers[name] = made;
    }
    this.streamConsumers = consumers as Record<StreamConsumerName, StreamConsumer>;

    // Uploads that start work (a CSV import): the bucket's EventBridge events, matched by key, to a queue.
    for (const name of Object.keys(props.buckets) as BucketName[]) {
      const { definition, bucket } = props.buckets[name];
      if (!definition.objectCreated) continue;
      new events.Rule(this, `${definition.id}ObjectCreated`, {
        description: `Objects created under ${definition.objectCreated.keyPattern} in the ${name} bucket`,
        eventPattern: {
          source: ['aws.s3'],
          detailType: ['Object Created'],
          detail: {
            bucket: { name: [bucket.bucketName] },
            object: { key: events.Match.wildcard(definition.objectCreated.keyPattern) },
          },
        },
        targets: [new targets.SqsQueue(this.queue(definition.objectCreated.queue).queue)],
      });
    }

    // The List-Unsubscribe mailto: SES receiving → inbound bucket → handler.
    if (config.inboundMail && config.email.unsubscribeAddress) {
      this.inboundMail = new InboundMail(this, 'InboundMail', {
        definition: inboundMail,
        address: config.email.unsubscribeAddress,
        stage: config.stage,
        bucket: props.buckets[inboundMail.bucket],
        tables,
        signingKeys: props.signingKeys,
        functionDefaults: defaults,
      });
    }

    // SES events: topic → feedback queue → its consumer (partial batch failures, DLQ), rather than
    // invoking a Lambda from SNS directly: batches (one write per chunk for many events), a
    // redrive-able DLQ, bounded concurrency. Raw delivery stays off: the body is SNS's envelope, the
    // same shape the local SES simulator produces, so one parser serves both.
    props.sesEvents.addSubscription(
      new SqsSubscription(this.queues.feedback.queue, { rawMessageDelivery: false }),
    );
    this.reputationAlarms = reputationAlarms.map(
      ({ id: alarmId, metricName, threshold, what }) =>
        new cloudwatch.Alarm(this, alarmId, {
          alarmDescription: `The SES account's ${what} reached ${threshold * 100} %, where SES puts an account under review`,
          metric: new cloudwatch.Metric({
            namespace: 'AWS/SES',
            metricName,
            statistic: cloudwatch.Stats.MAXIMUM,
            period: Duration.minutes(15),
          }),
          threshold,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          // SES publishes these only while it has a rate to report: no data is no news.
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
    );

    new CfnOutput(this, 'ApiUrl', {
      value: this.publicBaseUrl,
      description: 'Base URL of the API and hosted pages',
    });
    if (domain) {
      new CfnOutput(this, 'CustomDomainTarget', {
        value: domain.regionalDomainName,
        description: `Point ${domain.name} here (CNAME or alias); DNS is not managed by this app`,
      });
    }
    new CfnOutput(this, 'ApiEndpoint', {
      value: this.api.apiEndpoint,
      description: 'The execute-api endpoint',
    });
  }

  private queue(name: string): QueueWithDlq {
    const queue = (this.queues as Partial<Record<string, QueueWithDlq>>)[name];
    if (!queue) throw new Error(`No queue "${name}" in infra/queues.ts`);
    return queue;
  }
}
