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
 *   mapping uses their role); the unsubscribe mailbox's handler by SES alone, for its own receipt
 *   rule; no function URL.
 * - A `*` action appears only in Deny statements or in the KMS key's delegation to the account's
 *   own IAM; a `*` resource in an Allow only for what has no resource-level permissions (X-Ray, and
 *   SES's account-level suppression list, pinned to the region) or inside a key policy (where `*`
 *   is the key itself).
 * - Every resource policy's Allow names a principal narrower than everyone: a service restricted by
 *   source ARN or account, or this account.
 * - The API has the route table's routes and nothing else: no `$default` catch-all, no `ANY`, no
 *   greedy path; its stage is throttled. (HTTP APIs have no configurable body limit; the handlers
 *   refuse JSON over 1 MB and forms over 64 KB — test/integration/fuzz.test.ts sends both.)
 */
import type { Stack } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '#infra/app.ts';
import type { NodeFunction } from '#infra/constructs/node-function.ts';
import { reconcilerDefinition } from '#infra/constructs/reconciler.ts';
import { inboundMail } from '#infra/inbound-mail.ts';
import { type QueueDefinition, type QueueName, queues } from '#infra/queues.ts';
import { routeList } from '#infra/routes.ts';
import { type StreamConsumerDefinition, type StreamConsumerName, streamConsumers } from '#infra/streams.ts';
import type { ServiceStack } from '#infra/stacks/service-stack.ts';
import type { StatefulStack } from '#infra/stacks/stateful-stack.ts';
import { allResources, logicalIdOf, resolveIn, resourcesOf } from '#test/helpers/app-templates.ts';

const fast = { context: { 'aws:cdk:bundling-stacks': [] }, env: {}, validateTemplates: false };

type Resource = { Type: string; Properties: Record<string, unknown> };
type Statement = {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: Record<string, unknown>;
};

// Built at load: the per-function cases below are generated from the app's functions.
const built = buildApp(fast);
const {
  stateful,
  service,
  functions,
}: { stateful: StatefulStack; service: ServiceStack; functions: ReadonlyMap<string, NodeFunction> } = built;
/** The stacks that hold code: the service stack (queue consumers) and the routes stacks. */
const codeStacks: Stack[] = [service, ...Object.values(built.routeStacks)];
let serviceResources: Record<string, Resource>;
let statefulResources: Record<string, Resource>;

beforeAll(() => {
  serviceResources = allResources(codeStacks);
  statefulResources = allResources([stateful]);
});

const logicalId = logicalIdOf;
const actions = (statement: Statement) => [statement.Action].flat();
const resources = (statement: Statement) => [statement.Resource].flat();

const policyOf = (fn: NodeFunction): Statement[] => {
  const policy = (fn.role as iam.Role).node.tryFindChild('DefaultPolicy') as iam.Policy;
  const document = resourcesOf(policy)[logicalId(policy)]?.Properties.PolicyDocument as
    | { Statement: Statement[] }
    | undefined;
  return document?.Statement ?? [];
};

/** Every function with what it declares: route functions and queue consumers alike. */
const declaredFunctions = () => [
  // Routes that share a handler share its function: one entry per function.
  ...[...new Map(routeList().map((route) => [functions.get(route.key), route])).values()].map((route) => ({
    name: route.key,
    fn: functions.get(route.key) as NodeFunction,
    sendsTo: [...(route.queues ?? [])] as QueueName[],
    deadLetters: [] as unknown[],
    consumes: undefined as QueueName | undefined,
    secrets: [...(route.secrets ?? [])],
  })),
  ...(Object.entries(queues) as [QueueName, QueueDefinition][])
    .filter(([, definition]) => definition.consumer)
    .map(([name, definition]) => ({
      name: `${name} consumer`,
      fn: service.queues[name].consumer as NodeFunction,
      sendsTo: [...(definition.consumer?.queues ?? [])] as QueueName[],
      // A consumer that moves what it gave up on to its own DLQ.
      deadLetters: definition.consumer?.sendsToDeadLetter
        ? [
            resolveIn(
              service.queues[name].consumer as NodeFunction,
              service.queues[name].deadLetterQueue.queue.queueArn,
            ),
          ]
        : ([] as unknown[]),
      consumes: name as QueueName | undefined,
      secrets: [...(definition.consumer?.secrets ?? [])],
    })),
  {
    name: 'reconciler',
    fn: service.reconciler.function,
    sendsTo: [...reconcilerDefinition.queues],
    deadLetters: [] as unknown[],
    consumes: undefined as QueueName | undefined,
    secrets: [] as string[],
  },
  ...(Object.entries(streamConsumers) as [StreamConsumerName, StreamConsumerDefinition][]).map(
    ([name, definition]) => ({
      name: `${name} stream consumer`,
      fn: service.streamConsumers[name].fn,
      sendsTo: [...(definition.queues ?? [])] as QueueName[],
      // Lambda's on-failure destination of its stream mappings, written with the function's role.
      deadLetters: [
        resolveIn(
          service.streamConsumers[name].fn,
          service.streamConsumers[name].deadLetterQueue.queue.queueArn,
        ),
      ],
      consumes: undefined as QueueName | undefined,
      secrets: [...(definition.secrets ?? [])],
    }),
  ),
  {
    name: 'inbound mail handler',
    fn: service.inboundMail?.handler as NodeFunction,
    sendsTo: [] as QueueName[],
    // Where Lambda puts an asynchronous invocation that failed all its tries, with the function's role.
    deadLetters: [
      { 'Fn::GetAtt': [logicalId(service.inboundMail?.deadLetterQueue.queue as sqs.IQueue), 'Arn'] },
    ],
    consumes: undefined as QueueName | undefined,
    secrets: [...inboundMail.secrets],
  },
];

/** A queue's ARN and the signing secret's, as the function's own stack refers to them. */
const queueArn = (fn: NodeFunction) => (name: QueueName) =>
  resolveIn(fn, service.queues[name].queue.queueArn);
const signingSecretArn = (fn: NodeFunction) => resolveIn(fn, stateful.signingKeys.secretArn);

describe('each function reaches only what it declares', () => {
  it('covers every function of the stack', () => {
    const functions = Object.values(serviceResources).filter((r) => r.Type === 'AWS::Lambda::Function');
    expect(declaredFunctions()).toHaveLength(functions.length);
  });

  it.each(declaredFunctions().map((entry) => [entry.name, entry] as const))(
    '%s: its queues, its secrets, no topic',
    (_name, { fn, sendsTo, deadLetters, consumes, secrets }) => {
      const statements = policyOf(fn).filter((s) => s.Effect === 'Allow');
      expect(statements.length).toBeGreaterThan(0);
      const sqs = statements.filter((s) => actions(s).some((a) => a.startsWith('sqs:')));
      const sending = sqs.filter((s) => actions(s).includes('sqs:SendMessage'));
      expect(sending.flatMap(resources).sort(byJson)).toEqual(
        [...sendsTo.map(queueArn(fn)), ...deadLetters].sort(byJson),
      );
      for (const statement of sending)
        if (fn !== (service.streamConsumers as Record<string, { fn: NodeFunction }>).changes?.fn)
          expect(actions(statement)).toEqual(['sqs:SendMessage']);
        // Lambda's SqsDlq grants what it needs to send there: SendMessage and reading the queue's URL
        // and attributes, nothing that receives or deletes.
        else
          expect(actions(statement).sort()).toSatisfy((a: string[]) =>
            a.every((x) => ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'].includes(x)),
          );
      const consuming = sqs.filter((s) => !actions(s).includes('sqs:SendMessage'));
      expect(consuming.flatMap(resources)).toEqual(consumes ? [queueArn(fn)(consumes)] : []);

      const reading = statements.filter((s) => actions(s).some((a) => a.startsWith('secretsmanager:')));
      expect(reading.flatMap(resources)).toEqual(secrets.map(() => signingSecretArn(fn)));
      for (const statement of reading) expect(actions(statement)).toEqual(['secretsmanager:GetSecretValue']);

      const everything = statements.flatMap(actions);
      const s3 = statements.filter((s) => actions(s).some((a) => a.startsWith('s3:')));
      if (fn === service.inboundMail?.handler) {
        // Reading raw messages under its prefix: nothing else of the bucket, nothing of any other.
        expect(s3).toEqual([
          expect.objectContaining({
            Action: 's3:GetObject',
            Resource: {
              'Fn::Join': [
                '',
                [
                  { 'Fn::ImportValue': expect.stringMatching(/InboundMailBucket.*Arn/) },
                  `/${inboundMail.objectKeyPrefix}*`,
                ],
              ],
            },
          }),
        ]);
      } else if (!declaredBuckets(fn)) expect(s3).toEqual([]);
      // A function bound to a bucket (imports, exports) reaches its objects only: service-stack.test.ts.
      else
        for (const statement of s3)
          expect(
            actions(statement).every((a) => /^s3:(Get|Put|AbortMultipart|ListMultipartUploadParts)/.test(a)),
          ).toBe(true);
      expect(everything.filter((a) => /^(sns|kms|iam|lambda|sts|ssm):/.test(a))).toEqual([]);
    },
  );
});

/** Whether the function's definition (route or queue) binds any bucket. */
function declaredBuckets(fn: NodeFunction): boolean {
  const route = routeList().find((r) => functions.get(r.key) === fn);
  if (route) return Object.keys(route.buckets ?? {}).length > 0;
  const queue = (Object.entries(queues) as [QueueName, QueueDefinition][]).find(
    ([name]) => service.queues[name].consumer === fn,
  );
  return Object.keys(queue?.[1].consumer?.buckets ?? {}).length > 0;
}

const byJson = (a: unknown, b: unknown) => JSON.stringify(a).localeCompare(JSON.stringify(b));

describe('who may invoke what', () => {
  it('lets API Gateway alone invoke each route function, for this API and its own routes', () => {
    const permissions = Object.values(serviceResources).filter(
      (r) => r.Type === 'AWS::Lambda::Permission' && r.Properties.Principal === 'apigateway.amazonaws.com',
    );
    expect(permissions).toHaveLength(routeList().length);
    // A function serves one route, or (the console) every route of its handler file: one
    // permission per route it serves, each for that route's path on this API.
    const routesOf = new Map<NodeFunction, string[]>();
    for (const route of routeList()) {
      const fn = functions.get(route.key) as NodeFunction;
      routesOf.set(fn, [...(routesOf.get(fn) ?? []), route.path]);
    }
    for (const [fn, paths] of routesOf) {
      const fnId = logicalId(fn);
      const mine = Object.values(resourcesOf(fn)).filter(
        (r) =>
          r.Type === 'AWS::Lambda::Permission' && JSON.stringify(r.Properties.FunctionName).includes(fnId),
      );
      expect(mine, paths.join(', ')).toHaveLength(paths.length);
      const granted: string[] = [];
      for (const permission of mine) {
        const { Principal, SourceArn, Action } = permission.Properties;
        expect(Action).toBe('lambda:InvokeFunction');
        expect(Principal).toBe('apigateway.amazonaws.com');
        const arn = JSON.stringify(SourceArn);
        expect(arn, paths.join(', ')).toContain(JSON.stringify(resolveIn(fn, service.api.apiId)));
        granted.push(/\/\*\/\*(\/[^"]*)"\]\]\}$/.exec(arn)?.[1] ?? arn);
      }
      expect(granted.sort()).toEqual([...paths].sort());
    }
  });

  it('gives no principal but API Gateway, the schedule’s rule and SES an invoke permission', () => {
    const others = Object.values(serviceResources).filter(
      (r) => r.Type === 'AWS::Lambda::Permission' && r.Properties.Principal !== 'apigateway.amazonaws.com',
    );
    expect(others.map((p) => p.Properties.Principal).sort()).toEqual([
      'events.amazonaws.com',
      'ses.amazonaws.com',
    ]);
  });

  it('lets the schedule’s rule alone invoke the reconciler', () => {
    const permissions = Object.values(serviceResources).filter(
      (r) => r.Type === 'AWS::Lambda::Permission' && r.Properties.Principal === 'events.amazonaws.com',
    );
    expect(permissions).toHaveLength(1);
    const { SourceArn, Action, FunctionName } = permissions[0]?.Properties ?? {};
    expect(Action).toBe('lambda:InvokeFunction');
    expect(SourceArn).toEqual({ 'Fn::GetAtt': [logicalId(service.reconciler.rule), 'Arn'] });
    expect(JSON.stringify(FunctionName)).toContain(logicalId(service.reconciler.function));
    const rule = resourcesOf(service)[logicalId(service.reconciler.rule)];
    expect(rule?.Properties.ScheduleExpression).toBe(`rate(${reconcilerDefinition.everyMinutes} minutes)`);
  });

  it('lets SES alone invoke the unsubscribe mailbox handler, for its own receipt rule in this account', () => {
    const permissions = Object.values(serviceResources).filter((r) => r.Type === 'AWS::Lambda::Permission');
    const ses = permissions.filter((p) => p.Properties.Principal === 'ses.amazonaws.com');
    expect(ses).toEqual([
      expect.objectContaining({
        Properties: expect.objectContaining({
          Action: 'lambda:InvokeFunction',
          Principal: 'ses.amazonaws.com',
          FunctionName: { 'Fn::GetAtt': [logicalId(service.inboundMail?.handler as NodeFunction), 'Arn'] },
          SourceAccount: { Ref: 'AWS::AccountId' },
          SourceArn: {
            'Fn::Join': [
              '',
              expect.arrayContaining([expect.stringMatching(/:receipt-rule-set\/.+:receipt-rule\/.+$/)]),
            ],
          },
        }),
      }),
    ]);
  });

  it('gives queue consumers no invoke permission and no function a public URL', () => {
    const permissions = JSON.stringify(
      Object.values(resourcesOf(service)).filter((r) => r.Type === 'AWS::Lambda::Permission'),
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

  it('allow "*" resources only to X-Ray and the SES suppression list in this region, or within a key policy (where "*" is the key)', () => {
    for (const { id, type, statements } of allDocuments()) {
      for (const statement of statements.filter((s) => s.Effect === 'Allow')) {
        if (!resources(statement).includes('*')) continue;
        if (type === 'AWS::KMS::Key') continue;
        if (actions(statement).some((a) => a.startsWith('ses:'))) {
          expect(actions(statement).sort(), id).toEqual([
            'ses:DeleteSuppressedDestination',
            'ses:PutSuppressedDestination',
          ]);
          expect(statement.Condition, id).toEqual({
            StringEquals: { 'aws:RequestedRegion': { Ref: 'AWS::Region' } },
          });
        } else if (actions(statement).includes('dynamodb:ListStreams')) {
          // No resource-level permission; the stream's records are granted on its ARN only.
          expect(actions(statement), id).toEqual(['dynamodb:ListStreams']);
        } else
          expect(actions(statement).sort(), id).toEqual([
            'xray:PutTelemetryRecords',
            'xray:PutTraceSegments',
          ]);
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
