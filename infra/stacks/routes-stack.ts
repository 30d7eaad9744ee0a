/**
 * A few tags' worth of the route table: one Lambda per route with exactly the grants its contract
 * declares, and its route on the HTTP API (which lives in the service stack). The app makes one
 * such stack per group of {@link routeGroups}, so each stays far below CloudFormation's 500
 * resources (a route costs 8: function, role, policy, log group, alarm, route, integration,
 * permission) as routes are added.
 */
import { CrossStackReferences, ReferenceStrength, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { DeploymentConfig } from '#infra/config.ts';
import type { BucketName } from '#infra/buckets.ts';
import {
  type DefinedBucket,
  type DefinedTable,
  type FunctionDefaults,
  NodeFunction,
} from '#infra/constructs/node-function.ts';
import type { QueueWithDlq } from '#infra/constructs/queue-with-dlq.ts';
import type { QueueName } from '#infra/queues.ts';
import type { Access, Auth, RouteDefinition, RouteKey } from '#infra/routes.ts';
import { routeTables } from '#infra/routes.ts';
import type { TableName } from '#infra/tables.ts';

/** Which tags each routes stack serves; every tag of the route table is in exactly one group. */
export const routeGroups = {
  admin: ['meta', 'api-keys', 'settings', 'audit', 'suppressions', 'webhooks'],
  contacts: ['subscription-types', 'contacts', 'imports', 'exports'],
  mailings: ['lists', 'mailings'],
  pages: ['pages'],
} as const satisfies Record<string, readonly string[]>;

export type RouteGroup = keyof typeof routeGroups;

/** The group a route's tag belongs to; a tag in no group fails the synth. */
export const groupOf = (route: RouteDefinition): RouteGroup => {
  for (const [group, tags] of Object.entries(routeGroups) as [RouteGroup, readonly string[]][])
    if (tags.includes(route.tag)) return group;
  throw new Error(`${route.method} ${route.path}: tag "${route.tag}" is in no group of routeGroups`);
};

/** Why API Gateway itself authorizes no route (cdk-nag AwsSolutions-APIG4), by the route's `auth`. */
const whyNoAuthorizer: Record<Auth, string> = {
  none: 'public by design (docs/api.md): it serves no stored data.',
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

export interface RoutesStackProps extends StackProps {
  readonly config: DeploymentConfig;
  readonly routes: ReadonlyArray<RouteDefinition & { key: RouteKey }>;
  readonly api: apigwv2.IHttpApi;
  readonly functionDefaults: FunctionDefaults;
  readonly tables: Readonly<Record<TableName, DefinedTable>>;
  readonly buckets: Readonly<Record<BucketName, DefinedBucket>>;
  readonly signingKeys: secretsmanager.ISecret;
  readonly queues: Readonly<Record<QueueName, QueueWithDlq>>;
}

export class RoutesStack extends Stack {
  readonly functions: ReadonlyMap<RouteKey, NodeFunction>;

  constructor(scope: Construct, id: string, props: RoutesStackProps) {
    super(scope, id, props);
    // Exports and imports: CloudFormation refuses to delete a table, queue or API a route still uses.
    CrossStackReferences.of(this).consume(ReferenceStrength.STRONG);
    const secrets = { signing: props.signingKeys };
    const functions = new Map<RouteKey, NodeFunction>();
    for (const route of props.routes) {
      const name = routeConstructId(route.key);
      const fn = new NodeFunction(this, `${name}Fn`, {
        ...props.functionDefaults,
        entry: route.entry,
        description: route.key,
      });
      bindRouteTables(fn, route, props.tables);
      for (const queue of route.queues ?? []) fn.bindQueue(props.queues[queue]);
      for (const [bucket, access] of Object.entries(route.buckets ?? {}) as [BucketName, Access][])
        fn.bindBucket(props.buckets[bucket], access);
      for (const secret of route.secrets ?? []) fn.bindSecret(secrets[secret]);
      if (route.sendsEmail) fn.bindEmailSending(props.config.email);
      if (route.mirrorsSuppressions) fn.bindSuppressionMirror(props.config.email.suppressionMirror);
      const httpRoute = new apigwv2.HttpRoute(this, `${name}Route`, {
        httpApi: props.api,
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
  }
}

/**
 * Binds the tables of routeTables(route). Reading the app table without declaring it is the API-key
 * check alone, so that read is narrowed to API-key items.
 */
const bindRouteTables = (
  fn: NodeFunction,
  route: RouteDefinition,
  tables: Readonly<Record<TableName, DefinedTable>>,
) => {
  for (const [name, access] of Object.entries(routeTables(route)) as [TableName, Access][]) {
    if (name === 'app' && route.tables.app === undefined && access === 'read')
      fn.bindApiKeyLookup(tables[name]);
    else fn.bindTable(tables[name], access);
  }
};
