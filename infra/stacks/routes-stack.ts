/**
 * A few tags' worth of the route table: one Lambda per route (or per handler file, when several
 * routes share one: the console) with exactly the grants its contract declares, and its route on the HTTP API (which lives in the service stack). The app makes one
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
  console: ['console'],
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
  session:
    "the marketers' console: an HttpOnly, SameSite=Strict session cookie (a random id, stored hashed server-side, exchanged for an API key at /console/sign-in) is checked in the function, with the key it was made from, before anything is looked up; every form carries a CSRF token.",
};

/** `DELETE /api-keys/{id}` → `DeleteApiKeysId`: a stable construct id per route. */
export const routeConstructId = (key: string): string =>
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
    const byEntry = new Map<string, NodeFunction>();
    const sharing = entriesShared(props.routes);
    for (const route of props.routes) {
      const name = routeConstructId(route.key);
      let fn = byEntry.get(route.entry);
      if (!fn) {
        const shared = sharing.get(route.entry);
        fn = new NodeFunction(this, shared ? `${shared.id}Fn` : `${name}Fn`, {
          ...props.functionDefaults,
          entry: route.entry,
          description: shared ? `${shared.count} routes: ${route.entry}` : route.key,
        });
        bindRouteTables(fn, route, props.tables);
        for (const queue of route.queues ?? []) fn.bindQueue(props.queues[queue]);
        for (const [bucket, access] of Object.entries(route.buckets ?? {}) as [BucketName, Access][])
          fn.bindBucket(props.buckets[bucket], access);
        for (const secret of route.secrets ?? []) fn.bindSecret(secrets[secret]);
        if (route.sendsEmail) fn.bindEmailSending(props.config.email);
        if (route.mirrorsSuppressions) fn.bindSuppressionMirror(props.config.email.suppressionMirror);
        byEntry.set(route.entry, fn);
      }
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

/** What a route's function is granted: routes that share a handler must declare the same. */
const grantsOf = (route: RouteDefinition) =>
  JSON.stringify({
    tables: routeTables(route),
    queues: [...(route.queues ?? [])].sort(),
    buckets: route.buckets ?? {},
    secrets: route.secrets ?? [],
    sendsEmail: route.sendsEmail ?? false,
    mirrorsSuppressions: route.mirrorsSuppressions ?? false,
  });

/**
 * Handlers that serve several routes (the console's small router): one function each, named after
 * its file. Each route still has its own API route, integration and invoke permission (3 resources
 * instead of 8), so a page group costs one function, not one per page.
 */
const entriesShared = (
  routes: ReadonlyArray<RouteDefinition & { key: RouteKey }>,
): Map<string, { id: string; count: number }> => {
  const shared = new Map<string, { id: string; count: number }>();
  for (const route of routes) {
    const same = routes.filter((other) => other.entry === route.entry);
    if (same.length < 2 || shared.has(route.entry)) continue;
    for (const other of same)
      if (grantsOf(other) !== grantsOf(route))
        throw new Error(`${other.key} shares ${route.entry} with ${route.key} but declares other grants`);
    const base = route.entry.split('/').pop()?.replace(/\.ts$/, '') ?? route.entry;
    shared.set(route.entry, { id: routeConstructId(base), count: same.length });
  }
  return shared;
};

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
