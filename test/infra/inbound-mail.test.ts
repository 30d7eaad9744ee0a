/**
 * The unsubscribe mailbox in the synthesized templates: the receipt rule set and its rule (store,
 * then invoke), the inbound bucket, and the handler's grants. Also the deployment switches:
 * `inboundMail=false` (a region without SES receiving) and `sesSuppressionMirror=false`.
 */
import type { CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '#infra/app.ts';
import { buckets } from '#infra/buckets.ts';
import type { NodeFunction } from '#infra/constructs/node-function.ts';
import { inboundMail } from '#infra/inbound-mail.ts';
import type { ServiceStack } from '#infra/stacks/service-stack.ts';
import type { StatefulStack } from '#infra/stacks/stateful-stack.ts';
import { tables } from '#infra/tables.ts';
import { allResources } from '#test/helpers/app-templates.ts';

const fast = { context: { 'aws:cdk:bundling-stacks': [] }, env: {}, validateTemplates: false };

type Resource = { Type: string; Properties: Record<string, unknown>; [key: string]: unknown };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

let stateful: StatefulStack;
let service: ServiceStack;
let serviceTemplate: Template;
let statefulResources: Record<string, Resource>;
let serviceResources: Record<string, Resource>;

beforeAll(() => {
  ({ stateful, service } = buildApp(fast));
  serviceTemplate = Template.fromStack(service);
  serviceResources = serviceTemplate.toJSON().Resources;
  statefulResources = Template.fromStack(stateful).toJSON().Resources;
});

const bucketId = () =>
  stateful.getLogicalId(stateful.buckets.inboundMail.bucket.node.defaultChild as CfnResource);
const handler = () => service.inboundMail?.handler as NodeFunction;
const handlerId = () => service.getLogicalId(handler().node.defaultChild as CfnResource);
const statementsOf = (fn: NodeFunction): Statement[] => {
  const policy = (fn.role as iam.Role).node.tryFindChild('DefaultPolicy') as iam.Policy;
  const id = service.getLogicalId(policy.node.defaultChild as CfnResource);
  return (
    (serviceResources[id]?.Properties.PolicyDocument as { Statement: Statement[] } | undefined)?.Statement ??
    []
  );
};
const actionsOf = (statement: Statement) => [statement.Action].flat();

describe('the receipt rule set', () => {
  it('has one rule for the unsubscribe address: TLS when offered, scanned, S3 first, then the handler asynchronously', () => {
    serviceTemplate.resourceCountIs('AWS::SES::ReceiptRuleSet', 1);
    serviceTemplate.hasResourceProperties('AWS::SES::ReceiptRuleSet', {
      RuleSetName: 'subscription-center-dev-inbound',
    });
    const rules = Object.values(serviceTemplate.findResources('AWS::SES::ReceiptRule'));
    expect(rules).toHaveLength(1);
    expect(rules[0]?.Properties).toMatchObject({
      RuleSetName: { Ref: expect.stringMatching(/RuleSet/) },
      Rule: {
        Name: 'unsubscribe-mailbox',
        Enabled: true,
        Recipients: ['unsubscribe@example.com'],
        ScanEnabled: true,
        TlsPolicy: 'Optional',
        Actions: [
          {
            S3Action: {
              BucketName: { 'Fn::ImportValue': expect.stringMatching(/InboundMailBucket/) },
              ObjectKeyPrefix: inboundMail.objectKeyPrefix,
            },
          },
          {
            LambdaAction: {
              FunctionArn: { 'Fn::GetAtt': [handlerId(), 'Arn'] },
              InvocationType: 'Event',
            },
          },
        ],
      },
    });
  });

  it('says, as an output, that it must be made the active rule set', () => {
    const outputs = serviceTemplate.toJSON().Outputs as Record<
      string,
      { Value: unknown; Description: string }
    >;
    const output = Object.values(outputs).find((o) => o.Value === 'subscription-center-dev-inbound');
    expect(output?.Description).toContain('set-active-receipt-rule-set');
  });
});

describe('the inbound bucket', () => {
  const bucket = () => statefulResources[bucketId()] as Resource;

  it('is encrypted, private, retained, and expires raw messages', () => {
    // One bucket per definition of infra/buckets.ts, and no other.
    Template.fromStack(stateful).resourceCountIs('AWS::S3::Bucket', Object.keys(buckets).length);
    expect(bucket()).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        LifecycleConfiguration: {
          Rules: [
            expect.objectContaining({
              ExpirationInDays: buckets.inboundMail.expireAfterDays,
              AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
              Status: 'Enabled',
            }),
          ],
        },
      },
    });
  });

  it('refuses any request without TLS, and lets SES of this account alone write, under the prefix only', () => {
    const policy = Object.values(statefulResources).find(
      (r) => r.Type === 'AWS::S3::BucketPolicy' && JSON.stringify(r.Properties.Bucket).includes(bucketId()),
    );
    const statements =
      (policy?.Properties.PolicyDocument as { Statement: Array<Record<string, unknown>> } | undefined)
        ?.Statement ?? [];
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 's3:*',
        Principal: { AWS: '*' },
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows).toEqual([
      expect.objectContaining({
        Action: 's3:PutObject',
        Principal: { Service: 'ses.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        Resource: {
          'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId(), 'Arn'] }, `/${inboundMail.objectKeyPrefix}*`]],
        },
      }),
    ]);
  });
});

describe('the inbound handler', () => {
  it('reads only under the prefix, writes its two tables, reads the signing keys, and nothing more', () => {
    const statements = statementsOf(handler());
    const s3 = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')));
    expect(s3).toEqual([
      expect.objectContaining({
        Action: 's3:GetObject',
        Resource: {
          'Fn::Join': [
            '',
            [
              { 'Fn::ImportValue': expect.stringMatching(/InboundMailBucket/) },
              `/${inboundMail.objectKeyPrefix}*`,
            ],
          ],
        },
      }),
    ]);
    const text = JSON.stringify(statements);
    for (const name of Object.keys(inboundMail.tables) as Array<keyof typeof tables>)
      expect(text).toContain(
        stateful.getLogicalId(stateful.tables[name].table.node.defaultChild as CfnResource),
      );
    expect(text).not.toContain(
      stateful.getLogicalId(stateful.tables.recipients.table.node.defaultChild as CfnResource),
    );
    expect(statements.flatMap(actionsOf)).toEqual(
      expect.not.arrayContaining(['ses:SendEmail', 'ses:SendBulkEmail', 'ses:PutSuppressedDestination']),
    );
    expect(statements.flatMap(actionsOf)).toContain('secretsmanager:GetSecretValue');
  });

  it('knows its bucket, prefix, address and tables from its environment', () => {
    const variables =
      (
        serviceResources[handlerId()]?.Properties.Environment as
          | { Variables: Record<string, unknown> }
          | undefined
      )?.Variables ?? {};
    expect(Object.keys(variables).sort()).toEqual(
      [
        'LOG_LEVEL',
        'PUBLIC_BASE_URL',
        'UNSUBSCRIBE_ADDRESS',
        inboundMail.prefixEnvVar,
        buckets.inboundMail.envVar,
        tables.contacts.envVar,
        tables.app.envVar,
        'SIGNING_KEYS_SECRET_ARN',
      ].sort(),
    );
    expect(variables.UNSUBSCRIBE_ADDRESS).toBe('unsubscribe@example.com');
    expect(variables[inboundMail.prefixEnvVar]).toBe(inboundMail.objectKeyPrefix);
  });

  it('is retried twice after an error, then leaves the event in an encrypted, alarmed dead-letter queue', () => {
    serviceTemplate.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: handlerId() },
      MaximumRetryAttempts: inboundMail.retryAttempts,
    });
    const dlqId = service.getLogicalId(
      service.inboundMail?.deadLetterQueue.queue.node.defaultChild as CfnResource,
    );
    expect(serviceResources[handlerId()]?.Properties.DeadLetterConfig).toEqual({
      TargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] },
    });
    expect(serviceResources[dlqId]?.Properties).toMatchObject({ SqsManagedSseEnabled: true });
    serviceTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }],
    });
  });
});

describe('a deployment in a region without SES receiving (inboundMail=false)', () => {
  const { service: noInbound } = buildApp({ ...fast, context: { ...fast.context, inboundMail: 'false' } });
  const template = Template.fromStack(noInbound);

  it('has no receipt rule and no inbound handler, and mails carry no mailto', () => {
    template.resourceCountIs('AWS::SES::ReceiptRuleSet', 0);
    template.resourceCountIs('AWS::SES::ReceiptRule', 0);
    expect(noInbound.inboundMail).toBeUndefined();
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function')))
      expect(fn.Properties.Environment.Variables.UNSUBSCRIBE_ADDRESS).toBeUndefined();
  });
});

describe('a deployment that does not mirror suppressions into SES (sesSuppressionMirror=false)', () => {
  /** Resources of the stacks that hold code: the service stack (consumers) and the routes stacks. */
  const codeResources = (app: ReturnType<typeof buildApp>) =>
    Object.values(allResources([app.service, ...Object.values(app.routeStacks)])) as Resource[];
  const functionsOf = (resources: Resource[]) =>
    resources.filter((r) => r.Type === 'AWS::Lambda::Function') as unknown as Array<{
      Properties: { Environment: { Variables: Record<string, string | undefined> } };
    }>;
  const mirrorPolicies = (resources: Resource[]) =>
    resources.filter(
      (r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties).includes('SuppressedDestination'),
    );
  const noMirror = codeResources(
    buildApp({ ...fast, context: { ...fast.context, sesSuppressionMirror: 'false' } }),
  );
  const byDefault = codeResources(buildApp(fast));

  it('tells the functions so and grants no suppression-list action', () => {
    expect(mirrorPolicies(noMirror)).toEqual([]);
    const mirroring = functionsOf(noMirror).filter(
      (fn) => fn.Properties.Environment.Variables.SES_SUPPRESSION_MIRROR !== undefined,
    );
    // POST and DELETE /suppressions, the console (which lifts and adds them too), and the feedback consumer.
    expect(mirroring).toHaveLength(4);
    for (const fn of mirroring)
      expect(fn.Properties.Environment.Variables.SES_SUPPRESSION_MIRROR).toBe('false');
  });

  it('by default, does mirror: the same four functions may put and delete, and are told to', () => {
    const mirroring = functionsOf(byDefault).filter(
      (fn) => fn.Properties.Environment.Variables.SES_SUPPRESSION_MIRROR === 'true',
    );
    expect(mirroring).toHaveLength(4);
    const policies = mirrorPolicies(byDefault);
    expect(policies).toHaveLength(4);
    for (const policy of policies)
      expect(
        (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement.filter((s) =>
          actionsOf(s).some((a) => a.includes('SuppressedDestination')),
        ).map(actionsOf),
      ).toEqual([['ses:PutSuppressedDestination', 'ses:DeleteSuppressedDestination']]);
  });
});
