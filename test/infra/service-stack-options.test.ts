import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '#infra/app.ts';

// No bundling and no CloudFormation schema check (cdk-nag.test.ts runs that): these tests read templates.
const fast = { context: { 'aws:cdk:bundling-stacks': [] }, env: {}, validateTemplates: false };

describe('a custom domain', () => {
  const { service, stacks } = buildApp({
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
    const functions = stacks.flatMap((stack) =>
      Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function')),
    );
    expect(functions.length).toBeGreaterThan(50);
    for (const fn of functions) {
      expect(fn.Properties.Environment.Variables.PUBLIC_BASE_URL).toBe('https://subscriptions.example.org');
    }
    template.hasOutput('ApiUrl', { Value: 'https://subscriptions.example.org' });
    template.hasOutput('CustomDomainTarget', {});
  });
});
