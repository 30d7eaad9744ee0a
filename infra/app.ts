/**
 * The CDK app: a stateful stack (tables, signing keys, SES configuration set and event topic), a
 * service stack (HTTP API, queues and their consumers, the feedback queue subscribed to the event
 * topic) and routes stacks (the route functions, a few tags each: infra/stacks/routes-stack.ts),
 * each receiving what it uses from the others as typed props. All are
 * environment-agnostic, so `cdk synth` needs no AWS account and no network. cdk-nag's AwsSolutions
 * checks run on every synth and fail it on any finding not acknowledged with a reason.
 *
 *   cdk synth --quiet                                   the dev stage, into cdk.out
 *   node infra/app.ts                                   the same without the CLI
 *   cdk deploy --all -c stage=prod -c senderDomain=news.example.org
 */
import path from 'node:path';
import { App, type Stack, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { type DeploymentConfig, loadDeploymentConfig } from './config.ts';
import type { NodeFunction } from './constructs/node-function.ts';
import { type RouteKey, routeList } from './routes.ts';
import { groupOf, type RouteGroup, RoutesStack, routeGroups } from './stacks/routes-stack.ts';
import { ServiceStack } from './stacks/service-stack.ts';
import { StatefulStack } from './stacks/stateful-stack.ts';

export interface BuildAppOptions {
  /** CDK context, as `-c key=value` would give; tests pass `{'aws:cdk:bundling-stacks': []}` to skip bundling. */
  readonly context?: Record<string, unknown>;
  /** Environment the deployment config falls back to; tests pass `{}` to be independent of the shell. */
  readonly env?: NodeJS.ProcessEnv;
  readonly outdir?: string;
  /** CDK's built-in CloudFormation schema check of the templates; about 1.5 s a synth. Default on. */
  readonly validateTemplates?: boolean;
}

export interface SubscriptionCenterApp {
  readonly app: App;
  readonly config: DeploymentConfig;
  readonly stateful: StatefulStack;
  readonly service: ServiceStack;
  /** The routes and their functions, a few tags per stack. */
  readonly routeStacks: Readonly<Record<RouteGroup, RoutesStack>>;
  /** Every route's function, whichever routes stack holds it. */
  readonly functions: ReadonlyMap<RouteKey, NodeFunction>;
  /** Every stack of the app. */
  readonly stacks: readonly Stack[];
}

export const buildApp = (options: BuildAppOptions = {}): SubscriptionCenterApp => {
  const app = new App({
    context: options.context,
    outdir: options.outdir,
    builtinCloudFormationValidation: options.validateTemplates ?? true,
  });
  const config = loadDeploymentConfig((key) => app.node.tryGetContext(key), options.env ?? process.env);
  const prefix = `subscription-center-${config.stage}`;

  const stateful = new StatefulStack(app, `${prefix}-stateful`, {
    description: `Subscription Center (${config.stage}): tables, signing keys, SES configuration set and events`,
    config,
  });
  const service = new ServiceStack(app, `${prefix}-service`, {
    description: `Subscription Center (${config.stage}): HTTP API, functions and queues`,
    config,
    tables: stateful.tables,
    buckets: stateful.buckets,
    signingKeys: stateful.signingKeys,
    sesEvents: stateful.sesEvents,
  });

  const routes = routeList();
  const routeStacks = Object.fromEntries(
    (Object.keys(routeGroups) as RouteGroup[]).map((group) => [
      group,
      new RoutesStack(app, `${prefix}-routes-${group}`, {
        description: `Subscription Center (${config.stage}): the ${routeGroups[group].join(', ')} routes and their functions`,
        config,
        routes: routes.filter((route) => groupOf(route) === group),
        api: service.api,
        functionDefaults: service.functionDefaults,
        tables: stateful.tables,
        buckets: stateful.buckets,
        signingKeys: stateful.signingKeys,
        queues: service.queues,
      }),
    ]),
  ) as Record<RouteGroup, RoutesStack>;
  const functions = new Map(Object.values(routeStacks).flatMap((stack) => [...stack.functions]));

  Tags.of(app).add('app', 'subscription-center');
  Tags.of(app).add('stage', config.stage);
  // cdk-nag 3 is a policy-validation plugin: any finding that is not acknowledged fails the synth.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return {
    app,
    config,
    stateful,
    service,
    routeStacks,
    functions,
    stacks: [stateful, service, ...Object.values(routeStacks)],
  };
};

// Run by the CDK CLI (which sets CDK_OUTDIR) or directly with `node infra/app.ts`: cdk.out either way.
if (import.meta.main) {
  buildApp({ outdir: process.env.CDK_OUTDIR ?? path.join(import.meta.dirname, '..', 'cdk.out') }).app.synth();
}
