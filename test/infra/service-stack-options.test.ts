import type { CfnResource } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { buildApp } from '#infra/app.ts';

// No bundling and no CloudFormation schema check (cdk-nag.test.ts runs that): these tests read templates.
const fast = { context: { 'aws:cdk:bundling-stacks': [] }, env: {}, validateTemplates: false };

describe('the SES feedback hook', () => {
  // Any real handler file will do: the test is about the wiring, not the code.
  const { service } = buildApp({
    ...fast,
    feedback: { entry: 'functions/api/get-health.ts', tables: { contacts: 'write' }, secrets: ['signing'] },
  });
  const template = Template.fromStack(service);
  const fn = service.feedbackFunction;
  const fnId = service.getLogicalId(fn?.node.defaultChild as CfnResource);

  it('subscribes the function to the SES event topic, invocable by SNS from that topic only', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      Endpoint: { 'Fn::GetAtt': [fnId, 'Arn'] },
      TopicArn: { 'Fn::ImportValue': Match.stringLikeRegexp('SesEvents') },
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: { 'Fn::GetAtt': [fnId, 'Arn'] },
      Principal: 'sns.amazonaws.com',
      SourceArn: { 'Fn::ImportValue': Match.stringLikeRegexp('SesEvents') },
    });
  });

  it('keeps failed invocations in an alarmed dead-letter queue and binds what the definition lists', () => {
    const dlqId = template.toJSON().Resources[fnId].Properties.DeadLetterConfig.TargetArn['Fn::GetAtt'][0];
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }],
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectEquals({
          LOG_LEVEL: 'info',
          PUBLIC_BASE_URL: Match.anyValue(),
          CONTACTS_TABLE: Match.anyValue(),
          SIGNING_KEYS_SECRET_ARN: Match.anyValue(),
        }),
      },
    });
  });

  it('passes the cdk-nag checks', () => {
    expect(new AwsSolutionsChecks().validateScope(service).violations).toEqual([]);
  });
});

describe('a custom domain', () => {
  const { service } = buildApp({
    ...fast,
    context: {
      ...fast.context,
      domainName: 'subscriptions.example.org',
      certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-123456789abc',
    },
  });
  const template = Template.fromStack(service);

  it('is mapped to the $default stage and becomes the base of every public link', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainName: 'subscriptions.example.org',
    });
    template.resourceCountIs('AWS::ApiGatewayV2::ApiMapping', 1);
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties.Environment.Variables.PUBLIC_BASE_URL).toBe('https://subscriptions.example.org');
    }
    template.hasOutput('ApiUrl', { Value: 'https://subscriptions.example.org' });
    template.hasOutput('CustomDomainTarget', {});
  });
});
