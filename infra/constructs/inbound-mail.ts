/**
 * The unsubscribe mailbox in AWS (infra/inbound-mail.ts defines it): an SES receipt rule set with
 * one rule for the List-Unsubscribe address, whose actions
 * 1. store the raw message in the inbound bucket under `objectKeyPrefix` (S3 action), then
 * 2. invoke the handler asynchronously with SES's receipt event (Lambda action),
 * and the handler itself: it reads under that prefix only, writes the contacts and app tables,
 * verifies tokens with the signing keys, and sends events it could not handle after its retries to
 * a dead-letter queue with an alarm.
 *
 * SES receives mail in some regions only, and only through the ONE active receipt rule set of an
 * account and region: CloudFormation cannot activate a rule set, so after the first deploy run
 * `aws ses set-active-receipt-rule-set --rule-set-name <InboundRuleSetName output>` (or add this
 * rule to the rule set already active). The address's domain needs an MX record pointing to
 * `inbound-smtp.<region>.amazonaws.com` and a verified SES identity.
 */
import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as actions from 'aws-cdk-lib/aws-ses-actions';
import { Construct } from 'constructs';
import type { InboundMailDefinition } from '#infra/inbound-mail.ts';
import type { Access } from '#infra/routes.ts';
import type { TableName } from '#infra/tables.ts';
import {
  type DefinedBucket,
  type DefinedTable,
  type FunctionDefaults,
  NodeFunction,
} from './node-function.ts';
import { DeadLetterQueue } from './queue-with-dlq.ts';

export interface InboundMailProps {
  readonly definition: InboundMailDefinition;
  /** The address SES receives for this rule (the List-Unsubscribe mailto). */
  readonly address: string;
  /** Names the rule set: one per deployment. */
  readonly stage: string;
  readonly bucket: DefinedBucket;
  readonly tables: Readonly<Record<TableName, DefinedTable>>;
  readonly signingKeys: secretsmanager.ISecret;
  readonly functionDefaults: FunctionDefaults;
}

export class InboundMail extends Construct {
  readonly handler: NodeFunction;
  readonly deadLetterQueue: DeadLetterQueue;
  readonly ruleSet: ses.ReceiptRuleSet;
  readonly rule: ses.ReceiptRule;

  constructor(scope: Construct, id: string, props: InboundMailProps) {
    super(scope, id);
    const { definition } = props;
    const ruleSetName = `subscription-center-${props.stage}-inbound`;
    const ruleName = 'unsubscribe-mailbox';

    this.deadLetterQueue = new DeadLetterQueue(this, 'Dlq', {
      description: 'the unsubscribe mailbox handler (receipt events it failed on after its retries)',
      retentionDays: definition.dlqRetentionDays,
    });
    this.handler = new NodeFunction(this, 'Handler', {
      ...props.functionDefaults,
      entry: definition.entry,
      description: `Unsubscribe mailbox: mail to ${props.address}, from SES receiving`,
      timeout: Duration.seconds(definition.timeoutSeconds),
      memorySize: definition.memorySize,
      deadLetterQueue: this.deadLetterQueue.queue,
    });
    this.handler.configureAsyncInvoke({ retryAttempts: definition.retryAttempts });
    this.handler.addEnvironment('UNSUBSCRIBE_ADDRESS', props.address);
    this.handler.addEnvironment(definition.prefixEnvVar, definition.objectKeyPrefix);
    this.handler.bindBucketRead(props.bucket, definition.objectKeyPrefix);
    for (const [name, access] of Object.entries(definition.tables) as [TableName, Access][])
      this.handler.bindTable(props.tables[name], access);
    if (definition.secrets.includes('signing')) this.handler.bindSecret(props.signingKeys);

    // SES may invoke the handler for this rule alone. Made before the Lambda action binds, which then
    // finds it (by this id) instead of adding its own, account-wide one.
    const { partition, region, account } = Stack.of(this);
    this.handler.addPermission('AllowSes', {
      action: 'lambda:InvokeFunction',
      principal: new iam.ServicePrincipal('ses.amazonaws.com'),
      sourceAccount: account,
      sourceArn: `arn:${partition}:ses:${region}:${account}:receipt-rule-set/${ruleSetName}:receipt-rule/${ruleName}`,
    });

    this.ruleSet = new ses.ReceiptRuleSet(this, 'RuleSet', { receiptRuleSetName: ruleSetName });
    this.rule = this.ruleSet.addRule('Unsubscribe', {
      receiptRuleName: ruleName,
      recipients: [props.address],
      // Spam and virus verdicts in the event; TLS when the sender offers it (requiring it would lose
      // the opt-outs of servers that do not).
      scanEnabled: true,
      tlsPolicy: ses.TlsPolicy.OPTIONAL,
      actions: [
        new actions.S3({ bucket: props.bucket.bucket, objectKeyPrefix: definition.objectKeyPrefix }),
        new actions.Lambda({ function: this.handler, invocationType: actions.LambdaInvocationType.EVENT }),
      ],
    });

    new CfnOutput(this, 'InboundRuleSetName', {
      value: ruleSetName,
      description: `Activate once per account and region: aws ses set-active-receipt-rule-set --rule-set-name ${ruleSetName}`,
    });
  }
}
