/**
 * Least privilege beyond the tables (service-stack.test.ts checks those and the SES scoping): what
 * each function may send to, consume, read and publish, who may invoke what, and that no policy of
 * either stack opens anything to everyone.
 *
 * - Every function reaches exactly the queues its definition names (route table or queue table),
 *   consumes only its own queue, reads the signing secret only when it declares it, and publishes to
 *   no topic (SES alone publishes to the event topic).
 * - Each route function is invocable by API Gateway alone, for this API and its own route's path;
 *   the reconciler by its schedule's rule alone; queue consumers by no one (their event source
 *   mapping uses their role); no function URL.
 * - A `*` action appears only in Deny statements or in the KMS key's delegation to the account's
 *   own IAM; a `*` resource in an Allow only for X-Ray (no resource-level permissions) or inside a
 *   key policy (where `*` is the key itself).
 * - Every resource policy's Allow names a principal narrower than everyone: a service restricted by
 *   source ARN or account, or this account.
 * - The API has the route table's routes and nothing else: no `$default` catch-all, no `ANY`, no
 *   greedy path; its stage is throttled. (HTTP APIs have no configurable body limit; the handlers
 *   refuse JSON over 1 MB and forms over 64 KB — test/integration/fuzz.test.ts sends both.)
 */
import type { CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '#infra/app.ts';
import type { NodeFunction } from '#infra/constructs/node-function.ts';
import { reconcilerDefinition } from '#infra/constructs/reconciler.ts';
import { type QueueDefinition, type QueueName, queues } from '#infra/queues.ts';
import { routeList } from '#infra/routes.ts';
import type { ServiceStack } from '#infra/stacks/service-stack.ts';
import type { StatefulStack } from '#infra/stacks/stateful-stack.ts';

const fast = { context: { 'aws:cdk:bundling-stacks': [] }, env: {}, validateTemplates: false };

type Resource = { Type: string; Properties: Record<string, unknown> };
type Statement = {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: Record<string, unknown>;
};

// Built at load: the per-function cases below are generated from the stack's functions.
const { stateful, service }: { stateful: StatefulStack; service: ServiceStack } = buildApp(fast);
let serviceResources: Record<string, Resource>;
let statefulResources: Record<string, Resource>;

beforeAll(() => {
  serviceResources = Template.fromStack(service).toJSON().Resources;
  statefulResources = Template.fromStack(stateful).toJSON().Resources;
});

const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
  service.getLogicalId(construct.node.defaultChild as CfnResource);
const actions = (statement: Statement) => [statement.Action].flat();
const resources = (statement: Statement) => [statement.Resource].flat();

const policyOf = (fn: NodeFunction): Statement[] => {
  const policy = (fn.role as iam.Role).node.tryFindChild('DefaultPolicy') as iam.Policy;
  const document = serviceResources[logicalId(policy)]?.Properties.PolicyDocument as
    | { Statement: Statement[] }
    | undefined;
  return document?.Statement ?? [];
};

/** Every function with what it declares: route functions and queue consumers alike. */
const declaredFunctions = () => [
  ...routeList().map((route) => ({
    name: route.key,
    fn: service.functions.get(route.key) as NodeFunction,
    sendsTo: [...(route.queues ?? [])] as QueueName[],
    consumes: undefined as QueueName | undefined,
    secrets: [...(route.secrets ?? [])],
  })),
  ...(Object.entries(queues) as [QueueName, QueueDefinition][])
    .filter(([, definition]) => definition.consumer)
    .map(([name, definition]) => ({
      name: `${name} consumer`,
      fn: service.queues[name].consumer as NodeFunction,
      sendsTo: [...(definition.consumer?.queues ?? [])] as QueueName[],
      consumes: name as QueueName | undefined,
      secrets: [...(definition.consumer?.secrets ?? [])],
    })),
  {
    name: 'reconciler',
    fn: service.reconciler.function,
    sendsTo: [...reconcilerDefinition.queues],
    consumes: undefined as QueueName | undefined,
    secrets: [] as string[],
  },
];

const queueArn = (name: QueueName) => ({ 'Fn::GetAtt': [logicalId(service.queues[name].queue), 'Arn'] });
const signingSecretArn = () => service.resolve(stateful.signingKeys.secretArn);

describe('each function reaches only what it declares', () => {
  it('covers every function of the stack', () => {
    const functions = Object.values(serviceResources).filter((r) => r.Type === 'AWS::Lambda::Function');
    expect(declaredFunctions()).toHaveLength(functions.length);
  });

  it.each(declaredFunctions().map((entry) => [entry.name, entry] as const))(
    '%s: its queues, its secrets, no topic',
    (_name, { fn, sendsTo, consumes, secrets }) => {
      const statements = policyOf(fn).filter((s) => s.Effect === 'Allow');
      expect(statements.length).toBeGreaterThan(0);
      const sqs = statements.filter((s) => actions(s).some((a) => a.startsWith('sqs:')));
      const sending = sqs.filter((s) => actions(s).includes('sqs:SendMessage'));
      expect(sending.flatMap(resources).sort(byJson)).toEqual(sendsTo.map(queueArn).sort(byJson));
      for (const statement of sending) expect(actions(statement)).toEqual(['sqs:SendMessage']);
      const consuming = sqs.filter((s) => !actions(s).includes('sqs:SendMessage'));
      expect(consuming.flatMap(resources)).toEqual(consumes ? [queueArn(consumes)] : []);

      const reading = statements.filter((s) => actions(s).some((a) => a.startsWith('secretsmanager:')));
      expect(reading.flatMap(resources)).toEqual(secrets.map(() => signingSecretArn()));
      for (const statement of reading) expect(actions(statement)).toEqual(['secretsmanager:GetSecretValue']);

      const everything = statements.flatMap(actions);
      expect(everything.filter((a) => /^(sns|kms|iam|lambda|sts|s3|ssm):/.test(a))).toEqual([]);
    },
  );
});

const byJson = (a: unknown, b: unknown) => JSON.stringify(a).localeCompare(JSON.stringify(b));

describe('who may invoke what', () => {
  it('lets API Gateway alone invoke each route function, for this API and that route', () => {
    const permissions = Object.values(serviceResources).filter(
      (r) => r.Type === 'AWS::Lambda::Permission' && r.Properties.Principal === 'apigateway.amazonaws.com',
    );
    expect(permissions).toHaveLength(routeList().length);
    for (const route of routeList()) {
      const fnId = logicalId(service.functions.get(route.key) as NodeFunction);
      const mine = permissions.filter((p) => JSON.stringify(p.Properties.FunctionName).includes(fnId));
      expect(mine, route.key).toHaveLength(1);
      const { Principal, SourceArn, Action } = mine[0]?.Properties ?? {};
      expect(Action).toBe('lambda:InvokeFunction');
      expect(Principal).toBe('apigateway.amazonaws.com');
      const arn = JSON.stringify(SourceArn);
      expect(arn, route.key).toContain(JSON.stringify({ Ref: logicalId(service.api) }));
      expect(arn, route.key).toContain(`${route.path}"`);
    }
  });

  it('lets the schedule’s rule alone invoke the reconciler, and nothing else', () => {
    const permissions = Object.values(serviceResources).filter(
      (r) => r.Type === 'AWS::Lambda::Permission' && r.Properties.Principal !== 'apigateway.amazonaws.com',
    );
    expect(permissions).toHaveLength(1);
    const { Principal, SourceArn, Action, FunctionName } = permissions[0]?.Properties ?? {};
    expect(Action).toBe('lambda:InvokeFunction');
    expect(Principal).toBe('events.amazonaws.com');
    expect(SourceArn).toEqual({ 'Fn::GetAtt': [logicalId(service.reconciler.rule), 'Arn'] });
    expect(JSON.stringify(FunctionName)).toContain(logicalId(service.reconciler.function));
    const rule = serviceResources[logicalId(service.reconciler.rule)];
    expect(rule?.Properties.ScheduleExpression).toBe(`rate(${reconcilerDefinition.everyMinutes} minutes)`);
  });

  it('gives queue consumers no invoke permission and no function a public URL', () => {
    const permissions = JSON.stringify(
      Object.values(serviceResources).filter((r) => r.Type === 'AWS::Lambda::Permission'),
    );
    for (const { consumer } of Object.values(service.queues))
      if (consumer) expect(permissions).not.toContain(logicalId(consumer));
    for (const resources of [serviceResources, statefulResources])
      expect(Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::Url')).toEqual([]);
  });
});

/** Every policy document of both stacks: IAM, queue, topic, key and secret policies. */
const allDocuments = () =>
  [...Object.entries(serviceResources), ...Object.entries(statefulResources)].flatMap(([id, r]) => {
    const document = (r.Properties.PolicyDocument ?? r.Properties.KeyPolicy ?? r.Properties.ResourcePolicy) as
      | { Statement: Statement[] }
      | undefined;
    return document ? [{ id, type: r.Type, statements: document.Statement }] : [];
  });

const accountRoot = {
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']],
};

describe('wildcards', () => {
  it('allow "*" actions only as the KMS key’s delegation to this account’s IAM', () => {
    const documents = allDocuments();
    expect(documents.length).toBeGreaterThan(50);
    for (const { id, type, statements } of documents) {
      for (const statement of statements.filter((s) => s.Effect === 'Allow')) {
        if (!actions(statement).some((a) => a === '*' || a.endsWith(':*'))) continue;
        expect(type, id).toBe('AWS::KMS::Key');
        expect(actions(statement), id).toEqual(['kms:*']);
        expect(statement.Principal, id).toEqual({ AWS: accountRoot });
      }
    }
  });

  it('allow "*" resources only to X-Ray, or within a key policy (where "*" is the key)', () => {
    for (const { id, type, statements } of allDocuments()) {
      for (const statement of statements.filter((s) => s.Effect === 'Allow')) {
        if (!resources(statement).includes('*')) continue;
        if (type === 'AWS::KMS::Key') continue;
        expect(actions(statement).sort(), id).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
      }
    }
  });
});

describe('nothing open to everyone', () => {
  const resourcePolicies = () =>
    allDocuments().filter(({ type }) => type !== 'AWS::IAM::Policy' && type !== 'AWS::IAM::ManagedPolicy');

  it('has resource policies, and each Allow names a narrow principal', () => {
    const policies = resourcePolicies();
    expect(policies.length).toBeGreaterThan(0);
    for (const { id, statements } of policies) {
      for (const statement of statements.filter((s) => s.Effect === 'Allow')) {
        const principal = statement.Principal as { Service?: string; AWS?: unknown } | string | undefined;
        expect(principal, id).not.toBe('*');
        expect(typeof principal === 'object' && principal.AWS === '*', id).toBe(false);
        if (typeof principal === 'object' && principal.Service) {
          // A service acting for anyone's resources is everyone: it must be pinned to ours.
          const condition = JSON.stringify(statement.Condition ?? {});
          expect(condition, `${id}: ${principal.Service}`).toMatch(/SourceArn|SourceAccount/i);
        } else expect(principal, id).toEqual({ AWS: accountRoot });
      }
    }
  });

  it('serves the route table and nothing else: no catch-all, no ANY, no greedy path', () => {
    const routes = Object.values(serviceResources).filter((r) => r.Type === 'AWS::ApiGatewayV2::Route');
    const keys = routes.map((r) => String(r.Properties.RouteKey)).sort();
    expect(keys).toEqual(
      routeList()
        .map((route) => `${route.method} ${route.path}`)
        .sort(),
    );
    for (const key of keys) expect(key).not.toMatch(/^\$default$|^ANY |\+\}/);
    const stage = Object.values(serviceResources).find((r) => r.Type === 'AWS::ApiGatewayV2::Stage');
    const throttle = (stage?.Properties.DefaultRouteSettings ?? {}) as Record<string, number>;
    expect(throttle.ThrottlingRateLimit).toBeGreaterThan(0);
    expect(throttle.ThrottlingBurstLimit).toBeGreaterThan(0);
  });
});
