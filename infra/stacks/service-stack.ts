/**
 * The code and everything that can be replaced at will: the HTTP API with one route and one Lambda per
 * entry of infra/routes.ts, the queues of infra/queues.ts (the SES event topic feeds the feedback
 * queue), and the alarms on the account's SES reputation. Tables, keys and the SES event topic come in
 * from the stateful stack as props.
 */
import {
  CfnOutput,
  CrossStackReferences,
  Duration,
  ReferenceStrength,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import type { DeploymentConfig } from '#infra/config.ts';
import { type DefinedTable, type FunctionDefaults, NodeFunction } from '#infra/constructs/node-function.ts';
import { QueueWithDlq } from '#infra/constructs/queue-with-dlq.ts';
import { Reconciler } from '#infra/constructs/reconciler.ts';
import { type QueueDefinition, type QueueName, queues } from '#infra/queues.ts';
import {
  type Access,
  type Auth,
  type RouteDefinition,
  type RouteKey,
  routeList,
  routeTables,
} from '#infra/routes.ts';
import type { TableName } from '#infra/tables.ts';

export interface ServiceStackProps extends StackProps {
  readonly config: DeploymentConfig;
  readonly tables: Readonly<Record<TableName, DefinedTable>>;
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

/** Why API Gateway itself authorizes no route (cdk-nag AwsSolutions-APIG4), by the route's `auth`. */
const whyNoAuthorizer: Record<Auth, string> = {
  none: 'public by design (API.md): it serves no stored data.',
  token:
    'a recipient page: the signed, unguessable token in the URL is the credential, verified (HMAC, constant time) in the function; RFC 8058 one-click POSTs carry no other credential an authorizer could check.',
  marketer:
    'the Bearer API key and its role are checked in the function before anything is looked up (shared/http/api.ts → shared/http/auth.ts, keys stored hashed in the app table).',
  admin:
    'the Bearer API key and its admin role are checked in the function before anything is looked up (shared/http/api.ts → shared/http/auth.ts, keys stored hashed in the app table).',
};

/** `DELETE /api-keys/{id}` → `DeleteApiKeysId`: a stable construct id per route. */
export const routeConstructId = (key: RouteKey): string =>
  key
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0]?.toUpperCase() + word.slice(1).toLowerCase())
    .join('');

export class ServiceStack extends Stack {
  readonly api: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  /** What PUBLIC_BASE_URL is set to in every function. */
  readonly publicBaseUrl: string;
  readonly functions: ReadonlyMap<RouteKey, NodeFunction>;
  readonly queues: Readonly<Record<QueueName, QueueWithDlq>>;
  readonly reputationAlarms: readonly cloudwatch.Alarm[];
  readonly reconciler: Reconciler;

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

    const made: Partial<Record<QueueName, QueueWithDlq>> = {};
    for (const [name, definition] of Object.entries(queues) as [QueueName, QueueDefinition][]) {
      made[name] = new QueueWithDlq(this, definition.id, { definition, tables, functionDefaults: defaults });
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

    const functions = new Map<RouteKey, NodeFunction>();
    for (const route of routeList()) {
      const name = routeConstructId(route.key);
      const fn = new NodeFunction(this, `${name}Fn`, {
        ...defaults,
        entry: route.entry,
        description: route.key,
      });
      this.bindRouteTables(fn, route, tables);
      for (const queue of route.queues ?? []) fn.bindQueue(this.queues[queue]);
      for (const secret of route.secrets ?? []) fn.bindSecret(secrets[secret]);
      if (route.sendsEmail) fn.bindEmailSending(config.email);
      const httpRoute = new apigwv2.HttpRoute(this, `${name}Route`, {
        httpApi: this.api,
        routeKey: apigwv2.HttpRouteKey.with(route.path, apigwv2.HttpMethod[route.method]),
        integration: new HttpLambdaIntegration(`${name}Integration`, fn),
      });
      Validations.of(httpRoute).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason: `${route.key}: ${whyNoAuthorizer[route.auth]}`,
      });
      functions.set(route.key, fn);
    }
    this.functions = functions;

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

  /**
   * Binds the tables of routeTables(route). Reading the app table without declaring it is the API-key
   * check alone, so that read is narrowed to API-key items.
   */
  private bindRouteTables(
    fn: NodeFunction,
    route: RouteDefinition,
    tables: Readonly<Record<TableName, DefinedTable>>,
  ) {
    for (const [name, access] of Object.entries(routeTables(route)) as [TableName, Access][]) {
      if (name === 'app' && route.tables.app === undefined && access === 'read')
        fn.bindApiKeyLookup(tables[name]);
      else fn.bindTable(tables[name], access);
    }
  }
}
