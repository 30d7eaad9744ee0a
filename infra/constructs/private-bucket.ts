/**
 * An S3 bucket as infra/buckets.ts defines it: private (every public access blocked, ACLs off),
 * encrypted at rest, reachable over TLS only, objects expired by a lifecycle rule, and kept when the
 * stack is deleted (it holds evidence).
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { BucketDefinition } from '#infra/buckets.ts';
import type { DefinedBucket } from './node-function.ts';

export interface PrivateBucketProps {
  readonly definition: BucketDefinition;
}

export class PrivateBucket extends Construct implements DefinedBucket {
  readonly definition: BucketDefinition;
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: PrivateBucketProps) {
    super(scope, id);
    this.definition = props.definition;
    this.bucket = new s3.Bucket(this, 'Bucket', {
      // SSE-S3: SES's receipt rule writes with no key policy to arrange, and every reader is an
      // IAM role of this account; a customer-managed key would add cost and no separation.
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      lifecycleRules: [
        {
          id: 'expire',
          expiration: Duration.days(props.definition.expireAfterDays),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    if (props.definition.objectCreated) {
      // Object-created events for a queue go through EventBridge: a rule in the service stack picks
      // them up, so this stack never refers to a queue of another stack. Set on the bucket itself
      // (CloudFormation's NotificationConfiguration) rather than through CDK's notifications
      // custom resource, which would add a Lambda function to this stack.
      (this.bucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = {
        eventBridgeConfiguration: { eventBridgeEnabled: true },
      };
    }
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'No server access logs: only the IAM roles of this app (and, for inbound mail, SES through the bucket policy, for this account) read and write here, each call recorded by CloudTrail; access logs would need a second bucket holding the same personal data longer.',
    });
  }
}
