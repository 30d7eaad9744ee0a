import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { buildApp } from '#infra/app.ts';
import { inboundMail } from '#infra/inbound-mail.ts';

// cdk-nag 3 is a policy-validation plugin, no longer an aspect writing annotations, so
// Annotations.fromStack() would find nothing whatever the stacks hold. These tests run the pack on
// each stack (acknowledgements honoured) and read the validation report the synth writes.
const { app, stacks } = buildApp({ context: { 'aws:cdk:bundling-stacks': [] }, env: {} });

const findings = (scope: IConstruct, severity: 'error' | 'warning') =>
  new AwsSolutionsChecks(undefined, { verbose: true })
    .validateScope(scope)
    .violations.filter((violation) => violation.severity === severity)
    .map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);

/** Every acknowledgement in the app: where, which rule, why. */
const acknowledgements = () =>
  app.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          construct,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );

describe('cdk-nag AwsSolutions checks', () => {
  it.each(stacks.map((stack) => [stack.stackName, stack] as const))(
    'find no unacknowledged error in %s',
    (_name, stack) => {
      expect(findings(stack, 'error')).toEqual([]);
    },
  );

  it.each(stacks.map((stack) => [stack.stackName, stack] as const))(
    'find no unacknowledged warning in %s',
    (_name, stack) => {
      expect(findings(stack, 'warning')).toEqual([]);
    },
  );

  it('leave the synth with an empty validation report (cdk-nag and the CloudFormation schema check)', () => {
    const assembly = app.synth();
    const report = JSON.parse(readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf8'));
    const violations = report.pluginReports.flatMap((r: { violations?: unknown[] }) => r.violations ?? []);
    expect(violations).toEqual([]);
  });

  it('do flag what they should, so the checks above are not vacuous', () => {
    const stack = new Stack(new App(), 'Probe');
    new sqs.Queue(stack, 'PlainQueue', { encryption: sqs.QueueEncryption.UNENCRYPTED });
    expect(findings(stack, 'error')).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^AwsSolutions-SQS3/),
        expect.stringMatching(/^AwsSolutions-SQS4/),
      ]),
    );
  });
});

describe('cdk-nag acknowledgements', () => {
  const expected: Record<string, (construct: IConstruct) => boolean> = {
    // Only on Lambda execution roles, whose only "*" resources are X-Ray's and, for the functions
    // that mirror suppressions, SES's account-level suppression list (see least-privilege.test.ts).
    'AwsSolutions-IAM5[Resource::*]': (construct) => construct instanceof iam.Role,
    'AwsSolutions-APIG4': (construct) => construct instanceof apigwv2.HttpRoute,
    'AwsSolutions-SMG4': (construct) => construct instanceof secretsmanager.Secret,
    // The inbound bucket, which only SES writes and only the inbound handler reads.
    'AwsSolutions-S1': (construct) => construct instanceof s3.Bucket,
    // The on-failure destination of the change-stream consumer's event source mappings: a DLQ itself.
    'AwsSolutions-SQS3': (construct) =>
      construct instanceof sqs.Queue && /\/ChangeStreamConsumer\/Dlq\/Queue$/.test(construct.node.path),
  };
  /** The inbound handler's read of its key prefix: the bucket named as built, or as exported. */
  const prefixRead = new RegExp(
    `^AwsSolutions-IAM5\\[Resource::(<InboundMailBucket\\w+\\.Arn>|[\\w-]+:ExportsOutputFnGetAttInboundMailBucket\\w+)/${inboundMail.objectKeyPrefix}\\*\\]$`,
  );

  /** Object access to a bulk-job bucket (imports, exports), by the functions bound to it. */
  const bucketObjects =
    /^AwsSolutions-IAM5\[Resource::(<(Imports|Exports)Bucket\w+\.Arn>|[\w-]+:ExportsOutputFnGetAtt(Imports|Exports)Bucket\w+)\/\*\]$/;

  it('are only the known ones, each on the kind of resource its reason is about', () => {
    const found = acknowledgements();
    expect(found.length).toBeGreaterThan(0);
    for (const { construct, id } of found) {
      if (prefixRead.test(id)) {
        expect(construct.node.path).toMatch(/\/InboundMail\/HandlerRole$/);
        continue;
      }
      if (bucketObjects.test(id)) {
        expect(construct.node.path).toMatch(
          /(ImportsQueue|ExportsQueue)\/ConsumerRole$|(Imports|Exports)\w*FnRole$/,
        );
        continue;
      }
      expect(Object.keys(expected), construct.node.path).toContain(id);
      expect(expected[id]?.(construct), `${id} on ${construct.node.path}`).toBe(true);
    }
    // Both names of the one prefix read: as built and as synthesized.
    expect(found.filter(({ id }) => prefixRead.test(id))).toHaveLength(2);
  });

  it('each carry a concrete reason', () => {
    for (const { construct, id, reason } of acknowledgements()) {
      expect(reason.length, `${id} on ${construct.node.path}`).toBeGreaterThanOrEqual(40);
    }
  });
});
