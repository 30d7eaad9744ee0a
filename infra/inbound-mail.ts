/**
 * The unsubscribe mailbox (the `mailto:` of every List-Unsubscribe header): what receives it and
 * what handles it, read by CDK (infra/constructs/inbound-mail.ts: an SES receipt rule whose S3
 * action stores the raw message under `objectKeyPrefix` and whose Lambda action invokes `entry`)
 * and by the local stack (infra/local/inbound-smtp.ts: an SMTP server that does the same).
 *
 * SES writes the object at `objectKeyPrefix + <SES message id>` and then invokes the handler
 * asynchronously with its receipt event (no body in it), so the handler finds the raw message by
 * the event's message id.
 */
import type { BucketName } from './buckets.ts';
import type { Access } from './routes.ts';
import type { TableName } from './tables.ts';

export interface InboundMailDefinition {
  /** Handler file, relative to the project root; exports `handler`. */
  readonly entry: string;
  readonly bucket: BucketName;
  /** Key prefix of the raw messages; the handler may read under it and nowhere else. */
  readonly objectKeyPrefix: string;
  /** Env var carrying the prefix to the handler. */
  readonly prefixEnvVar: string;
  readonly timeoutSeconds: number;
  readonly memorySize: number;
  /**
   * Retries of a failed asynchronous invocation (Lambda's default and maximum is 2); after them the
   * event goes to the handler's dead-letter queue. Bad input never fails (it is logged and dropped),
   * so only a failing dependency is retried.
   */
  readonly retryAttempts: number;
  readonly dlqRetentionDays: number;
  readonly tables: Partial<Record<TableName, Access>>;
  readonly secrets: readonly 'signing'[];
}

export const inboundMail = {
  entry: 'functions/inbound/unsubscribe-by-mail.ts',
  bucket: 'inboundMail',
  objectKeyPrefix: 'unsubscribe/',
  prefixEnvVar: 'INBOUND_MAIL_PREFIX',
  timeoutSeconds: 30,
  memorySize: 256,
  retryAttempts: 2,
  dlqRetentionDays: 14,
  // contacts: the unsubscribe itself; app: the subscription type, and the marker that makes a
  // duplicate message change nothing.
  tables: { contacts: 'write', app: 'write' },
  secrets: ['signing'],
} as const satisfies InboundMailDefinition;
