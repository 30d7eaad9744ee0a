/**
 * The code and everything that can be replaced at will: the HTTP API with one route and one Lambda per
 * entry of infra/routes.ts, the queues of infra/queues.ts, and (once it exists) the SES feedback
 * handler. Tables, keys and the SES event topic come in from the stateful stack as props.
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
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import type { DeploymentConfig } from '#infra/config.ts';
import { type DefinedTable, type FunctionDefaults, NodeFunction } from '#infra/constructs/node-function.ts';
import { DeadLetterQueue, QueueWithDlq } from '#infra/constructs/queue-with-dlq.ts';
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

/**
 * A Lambda subscribed to the SES event topic. The feedback handler is added with one line in
 * infra/app.ts: `feedback: { entry: 'functions/feedback/<file>.ts', tables: { contacts: 'write', … } }`.
 */
export interface TopicSubscriberDefinition {
  /** Handler file relative to the project root; exports `handler` taking an SNS event. */
  readonly entry: string;
  readonly tables: Partial<Record<TableName, Access>>;
  readonly secrets?: readonly 'signing'[];
  /** @default 30 */
  readonly timeoutSeconds?: number;
}

export interface ServiceStackProps extends StackProps {
  readonly config: DeploymentConfig;
  readonly tables: Readonly<Record<TableName, DefinedTable>>;
  readonly signingKeys: secretsmanager.ISecret;
  readonly sesEvents: sns.ITopic;
  /** The SES feedback handler; absent until it is written. */
  readonly feedback?: TopicSubscriberDefinition;
}

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
  readonly feedbackFunction?: NodeFunction;

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

    if (props.feedback) {
      const { feedback } = props;
      // SNS invokes the function asynchronously; what still fails after Lambda's retries lands here.
      const dlq = new DeadLetterQueue(this, 'FeedbackDlq', {
        description: 'the SES feedback handler',
        retentionDays: 14,
      });
      const fn = new NodeFunction(this, 'FeedbackFn', {
        ...defaults,
        entry: feedback.entry,
        description: 'SES feedback: delivery, bounce and complaint events',
        timeout: Duration.seconds(feedback.timeoutSeconds ?? 30),
        deadLetterQueue: dlq.queue,
      });
      for (const [name, access] of Object.entries(feedback.tables) as [TableName, Access][]) {
        fn.bindTable(tables[name], access);
      }
      for (const secret of feedback.secrets ?? []) fn.bindSecret(secrets[secret]);
      props.sesEvents.addSubscription(new LambdaSubscription(fn));
      this.feedbackFunction = fn;
    }

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
