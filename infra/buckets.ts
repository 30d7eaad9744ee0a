/**
 * The one definition of every S3 bucket: what it holds and how long. Read by CDK
 * (infra/stacks/stateful-stack.ts, through infra/constructs/private-bucket.ts) and by the local stack
 * (infra/local/bootstrap.ts creates the same buckets in the local S3). Every bucket is private,
 * encrypted, TLS-only and expires what it holds; key prefixes inside a bucket belong to whoever
 * writes there (infra/inbound-mail.ts for the unsubscribe mailbox).
 */
export interface BucketDefinition {
  /** Logical id in CDK. */
  readonly id: string;
  /** Env var carrying the physical name to the functions that use the bucket. */
  readonly envVar: string;
  /** Objects are deleted this many days after they were written (S3 lifecycle). */
  readonly expireAfterDays: number;
  readonly description: string;
  /**
   * Objects created under this key pattern (`*` for any run of characters) are announced on this
   * queue: in AWS through EventBridge (the bucket sends its events there; a rule matches the key),
   * locally by the local stack from the local S3's own events, in the same EventBridge shape.
   */
  readonly objectCreated?: { readonly keyPattern: string; readonly queue: 'imports' };
}

export const buckets = {
  /**
   * Raw inbound mail, as SES's receipt rule stores it before invoking the handler: the evidence
   * behind a mailto unsubscribe (history entries name the message id). It holds the senders'
   * addresses, so it is kept only as long as someone may need to look at a message again.
   */
  inboundMail: {
    id: 'InboundMailBucket',
    envVar: 'INBOUND_MAIL_BUCKET',
    expireAfterDays: 30,
    description: 'raw inbound mail of the unsubscribe mailbox, kept 30 days',
  },
  /**
   * CSV files uploaded for import (`imports/<job id>/upload.csv`, through a presigned PUT or from a
   * request body), the parse summary, and each job's results file of failed and skipped rows. A
   * new upload starts its job.
   */
  imports: {
    id: 'ImportsBucket',
    envVar: 'IMPORTS_BUCKET',
    expireAfterDays: 7,
    description: 'CSV imports: uploaded files and results files, kept 7 days',
    objectCreated: { keyPattern: 'imports/*/upload.csv', queue: 'imports' },
  },
  /** CSV exports (`exports/<job id>.csv`), handed out through presigned GET URLs. */
  exports: {
    id: 'ExportsBucket',
    envVar: 'EXPORTS_BUCKET',
    expireAfterDays: 7,
    description: 'CSV exports of contacts and recipient reports, kept 7 days',
  },
} as const satisfies Record<string, BucketDefinition>;

export type BucketName = keyof typeof buckets;
