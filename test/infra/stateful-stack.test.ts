import type { CfnResource } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '#infra/app.ts';
import type { StatefulStack } from '#infra/stacks/stateful-stack.ts';
import { type IndexDefinition, type TableDefinition, type TableName, tables } from '#infra/tables.ts';
import { parseSigningKeys } from '#shared/adapters/secrets/signing-keys.ts';

// No bundling and no CloudFormation schema check (cdk-nag.test.ts runs that): these tests read templates.
const fast = { context: { 'aws:cdk:bundling-stacks': [] }, env: {}, validateTemplates: false };

let stack: StatefulStack;
let template: Template;
let resources: Record<string, { Type: string; Properties: Record<string, unknown>; [key: string]: unknown }>;

beforeAll(() => {
  ({ stateful: stack } = buildApp(fast));
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources;
});

const resource = (logicalId: string) => {
  const found = resources[logicalId];
  if (!found) throw new Error(`no resource ${logicalId}`);
  return found;
};

const projection = (index: IndexDefinition) =>
  index.projection === 'all'
    ? { ProjectionType: 'ALL' }
    : index.projection === 'keys'
      ? { ProjectionType: 'KEYS_ONLY' }
      : { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.projection] };

const keySchema = (partitionKey: string, sortKey?: string) => [
  { AttributeName: partitionKey, KeyType: 'HASH' },
  ...(sortKey ? [{ AttributeName: sortKey, KeyType: 'RANGE' }] : []),
];

describe('stateful stack: tables', () => {
  it('has exactly one table per definition in infra/tables.ts', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', Object.keys(tables).length);
  });

  describe.each(Object.entries(tables) as [TableName, TableDefinition][])('%s', (name, definition) => {
    const table = () =>
      resource(stack.getLogicalId(stack.tables[name].table.node.defaultChild as CfnResource));

    it('is on-demand, point-in-time recoverable, encrypted and retained on delete', () => {
      expect(table()).toMatchObject({
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          BillingMode: 'PAY_PER_REQUEST',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          SSESpecification: { SSEEnabled: true },
        },
      });
    });

    it('has its keys, indexes with their projections, and TTL', () => {
      const properties = table().Properties;
      expect(properties.KeySchema).toEqual(keySchema(definition.partitionKey, definition.sortKey));
      expect(properties.GlobalSecondaryIndexes ?? []).toEqual(
        definition.indexes.map((index) => ({
          IndexName: index.name,
          KeySchema: keySchema(index.partitionKey, index.sortKey),
          Projection: projection(index),
        })),
      );
      expect(properties.TimeToLiveSpecification).toEqual(
        definition.ttlAttribute ? { AttributeName: definition.ttlAttribute, Enabled: true } : undefined,
      );
    });

    it('publishes its name', () => {
      template.hasOutput(`${definition.id}Name`, {});
    });
  });
});

describe('stateful stack: signing keys', () => {
  it('generates at deploy time a key set the signing-keys adapter accepts, and keeps it on delete', () => {
    const id = stack.getLogicalId(stack.signingKeys.node.defaultChild as CfnResource);
    const secret = resource(id);
    expect(secret).toMatchObject({
      DeletionPolicy: 'Retain',
      // Letters and digits only, 64 of them: well past the adapter's 32-character minimum.
      Properties: {
        GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true, IncludeSpace: false },
      },
    });
    expect(secret.Properties).not.toHaveProperty('SecretString');
    // What Secrets Manager stores: the template plus the generated field.
    const generate = secret.Properties.GenerateSecretString as Record<string, string>;
    const stored = JSON.stringify({
      ...JSON.parse(generate.SecretStringTemplate as string),
      [generate.GenerateStringKey as string]: 'A1'.repeat(32),
    });
    expect(parseSigningKeys(stored)).toMatchObject({ current: 'k1', keys: { k1: 'A1'.repeat(32) } });
    template.hasOutput('SigningKeysSecretArn', { Value: { Ref: id } });
  });
});

describe('stateful stack: SES events', () => {
  it('encrypts the event topic with a rotating key that SES of this account may use', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'ses.amazonaws.com' },
            Action: Match.arrayWith(['kms:GenerateDataKey*', 'kms:Decrypt']),
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
  });

  it('lets only SES of this account publish to the topic, over TLS only', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sns:Publish',
            Principal: { Service: 'ses.amazonaws.com' },
            Condition: { StringEquals: Match.objectLike({ 'AWS:SourceAccount': { Ref: 'AWS::AccountId' } }) },
          }),
        ]),
      },
    });
  });

  it('has the configuration set publishing every event the feedback handler needs to the topic', () => {
    template.hasResourceProperties('AWS::SES::ConfigurationSet', {
      Name: 'subscription-center-dev',
      ReputationOptions: { ReputationMetricsEnabled: true },
    });
    const topicId = stack.getLogicalId(stack.sesEvents.node.defaultChild as CfnResource);
    const [destination] = Object.values(template.findResources('AWS::SES::ConfigurationSetEventDestination'));
    const eventDestination = destination?.Properties.EventDestination;
    expect(eventDestination).toMatchObject({ Enabled: true, SnsDestination: { TopicARN: { Ref: topicId } } });
    // No 'send': acceptance is known from SendBulkEmail's answer (and proven by any later event).
    expect([...(eventDestination?.MatchingEventTypes ?? [])].sort()).toEqual(
      ['bounce', 'complaint', 'delivery', 'deliveryDelay', 'reject', 'renderingFailure'].sort(),
    );
    template.hasOutput('ConfigurationSetName', {});
    template.hasOutput('SesEventsTopicArn', {});
  });

  it('publishes no Delivery events when the deployment turns them off', () => {
    const { stateful } = buildApp({ ...fast, context: { ...fast.context, deliveryEvents: 'false' } });
    const [destination] = Object.values(
      Template.fromStack(stateful).findResources('AWS::SES::ConfigurationSetEventDestination'),
    );
    expect([...(destination?.Properties.EventDestination.MatchingEventTypes ?? [])].sort()).toEqual(
      ['bounce', 'complaint', 'deliveryDelay', 'reject', 'renderingFailure'].sort(),
    );
  });
});
