/**
 * The one definition of every SQS queue and its consumer. CDK makes the queue, its DLQ with
 * redrive, the alarm on DLQ depth and the event source mapping; the local stack creates the same
 * queues in local-aws-sqs and runs infra/local/poller.ts in place of the event source mapping.
 */
import { queueEnvVars } from './env-vars.ts';
import { maxReceiveCounts } from './queue-receives.ts';
import type { BucketName } from './buckets.ts';
import type { TableName } from './tables.ts';
import type { Access } from '#shared/http/contract.ts';

export interface QueueDefinition {
  readonly id: string;
  /** Env var carrying the queue URL to producers. */
  readonly envVar: string;
  readonly description: string;
  /** Seconds a received message stays invisible; ≥ 6 × the consumer's timeout, as AWS advises. */
  readonly visibilityTimeoutSeconds: number;
  /** Receives before a message moves to the DLQ. */
  readonly maxReceiveCount: number;
  readonly dlqRetentionDays: number;
  /** The Lambda that consumes it; absent while nothing consumes the queue yet. */
  readonly consumer?: {
    readonly entry: string;
    readonly batchSize: number;
    readonly maxBatchingWindowSeconds: number;
    /** Upper bound on concurrent consumers (Lambda's minimum is 2). */
    readonly maxConcurrency: number;
    readonly timeoutSeconds: number;
    readonly tables: Partial<Record<TableName, Access>>;
    /** Queues the consumer sends to. */
    readonly queues?: readonly string[];
    readonly secrets?: readonly 'signing'[];
    /** Sends e-mail through SES. */
    readonly sendsEmail?: boolean;
    /** Adds suppressions, mirrored into SES's account-level suppression list when the deployment says so. */
    readonly mirrorsSuppressions?: boolean;
    /** Buckets it reads or writes (objects only, under the bucket's whole key space). */
    readonly buckets?: Partial<Record<BucketName, Access>>;
    /** Tables it may Scan: a background job reading a whole table, never a request path. */
    readonly scans?: readonly TableName[];
    /**
     * Tables it may write new items to with PartiQL INSERTs (BatchExecuteStatement: conditional
     * single-item writes, 25 a request): a bulk job creating many items that must not exist yet.
     */
    readonly inserts?: readonly TableName[];
    /** MB; default 256. */
    readonly memorySize?: number;
    /**
     * Sends to the queue's own DLQ what it gives up on (rather than only what SQS moves there after
     * `maxReceiveCount` failed receives).
     */
    readonly sendsToDeadLetter?: boolean;
  };
}

export const queues = {
  /**
   * One message per mailing being planned; the planner re-sends it to itself to continue where its
   * checkpoint stopped, so a list of any size is planned in Lambda-sized steps.
   */
  plan: {
    id: 'PlanQueue',
    envVar: queueEnvVars.plan,
    description: 'mailings waiting to be planned (list resolved, recipients filtered and queued)',
    visibilityTimeoutSeconds: 1800,
    maxReceiveCount: maxReceiveCounts.plan,
    dlqRetentionDays: 14,
    consumer: {
      entry: 'functions/workers/plan-mailing.ts',
      batchSize: 1,
      maxBatchingWindowSeconds: 0,
      maxConcurrency: 2,
      timeoutSeconds: 300,
      tables: { app: 'write', contacts: 'read', recipients: 'write' },
      queues: ['plan', 'send'],
    },
  },
  /** Chunks of up to 50 planned recipients, each one SQS message, handed to SES by the sender. */
  send: {
    id: 'SendQueue',
    envVar: queueEnvVars.send,
    description: 'recipient chunks waiting to be handed to SES',
    visibilityTimeoutSeconds: 360,
    maxReceiveCount: maxReceiveCounts.send,
    dlqRetentionDays: 14,
    consumer: {
      entry: 'functions/workers/send-chunk.ts',
      batchSize: 10,
      maxBatchingWindowSeconds: 1,
      // Lambda's minimum; the SES rate itself is enforced in code (rate-limiter.ts).
      maxConcurrency: 2,
      timeoutSeconds: 60,
      tables: { app: 'write', contacts: 'read', recipients: 'write' },
      // Its own queue: a chunk that waits (for the rate, a lease, time) goes back with a delay.
      queues: ['send'],
      secrets: ['signing'],
      sendsEmail: true,
    },
  },
  /**
   * Transactional mails owed, sent by a worker at the account's SES rate (shared with mailings):
   * - the double opt-in confirmations of a batch import (contact and type ids): a batch of 1000
   *   would take longer to mail than an API request may last;
   * - magic links (`POST /p`): the page answers before anyone looks the address up, so a known
   *   address answers exactly like an unknown one, in the same time.
   */
  mail: {
    id: 'MailQueue',
    envVar: queueEnvVars.mail,
    description: 'transactional mails owed: double opt-in confirmations of a batch import, magic links',
    visibilityTimeoutSeconds: 360,
    maxReceiveCount: maxReceiveCounts.mail,
    dlqRetentionDays: 14,
    consumer: {
      entry: 'functions/workers/send-transactional-mail.ts',
      batchSize: 10,
      maxBatchingWindowSeconds: 1,
      maxConcurrency: 2,
      timeoutSeconds: 60,
      // app: the subscription types, the SES rate log and what each mail became (written);
      // contacts: find and read them.
      tables: { app: 'write', contacts: 'read' },
      // Its own queue: a mail that waits for the rate (or for SES) goes back with a delay.
      queues: ['mail'],
      secrets: ['signing'],
      sendsEmail: true,
    },
  },
  /**
   * SES events of the configuration set, as SNS delivers them (the notification envelope: raw
   * message delivery off), for shared/use-cases/feedback.ts. Batches of up to 100 so one batch
   * holds many events of a chunk: one write of its rows for all of them. Only three receives: what
   * fails that often is malformed (the consumer releases it at once, so it is in the DLQ within
   * seconds) or points at a bug; events for a chunk still being sent are re-queued with a delay
   * instead of failed, so they never use up these receives.
   */
  feedback: {
    id: 'FeedbackQueue',
    envVar: queueEnvVars.feedback,
    description:
      'SES events (delivery, bounce, complaint and the rest) waiting to update recipients and suppressions',
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: maxReceiveCounts.feedback,
    dlqRetentionDays: 14,
    consumer: {
      entry: 'functions/feedback/process-ses-events.ts',
      batchSize: 100,
      maxBatchingWindowSeconds: 5,
      maxConcurrency: 2,
      timeoutSeconds: 30,
      tables: { app: 'write', contacts: 'write', recipients: 'write' },
      // Its own queue: events for a chunk the sender still holds wait there with a delay.
      queues: ['feedback'],
      secrets: ['signing'],
      mirrorsSuppressions: true,
    },
  },
  /**
   * CSV imports: the upload's S3 "Object Created" event (EventBridge's shape) starts a job; the
   * worker then re-sends `{jobId}` to itself after each Lambda-sized step until the file is done.
   */
  imports: {
    id: 'ImportsQueue',
    envVar: queueEnvVars.imports,
    description: 'CSV import jobs: uploads to parse and apply, a step at a time',
    visibilityTimeoutSeconds: 1800,
    maxReceiveCount: maxReceiveCounts.imports,
    dlqRetentionDays: 14,
    consumer: {
      entry: 'functions/workers/run-import.ts',
      batchSize: 1,
      maxBatchingWindowSeconds: 0,
      maxConcurrency: 2,
      timeoutSeconds: 300,
      memorySize: 1024,
      // app: the job and the types; contacts: claims, contacts, memberships, suppressions.
      tables: { app: 'write', contacts: 'write' },
      // Address claims of new contacts, 25 a request (shared/adapters/dynamodb/batch-claims.ts).
      inserts: ['contacts'],
      // mail: the confirmations of double opt-in types, paced by the mail worker.
      queues: ['imports', 'mail'],
      secrets: ['signing'],
      buckets: { imports: 'write' },
    },
  },
  /** CSV exports: `{jobId}` from POST /exports, then re-sent by the worker after each step. */
  exports: {
    id: 'ExportsQueue',
    envVar: queueEnvVars.exports,
    description: 'CSV export jobs, written to S3 a step at a time',
    visibilityTimeoutSeconds: 1800,
    maxReceiveCount: maxReceiveCounts.exports,
    dlqRetentionDays: 14,
    consumer: {
      entry: 'functions/workers/run-export.ts',
      batchSize: 1,
      maxBatchingWindowSeconds: 0,
      maxConcurrency: 2,
      timeoutSeconds: 300,
      memorySize: 512,
      tables: { app: 'write', contacts: 'read', recipients: 'read' },
      scans: ['contacts'],
      queues: ['exports'],
      buckets: { exports: 'write' },
    },
  },
  /**
   * Webhook deliveries: one message per event and endpoint (shared/use-cases/webhook-delivery.ts),
   * so one slow or failing receiver never holds up another's events. A failed attempt re-queues its
   * delivery with a delay (SQS holds a message back 15 minutes at most: longer waits take several
   * hops), for 27.6 hours; then the worker itself moves it to the DLQ. The message carries the
   * event's body (with the address): it lives as long as its delivery, at most 14 days in the DLQ.
   */
  webhooks: {
    id: 'WebhookQueue',
    envVar: queueEnvVars.webhooks,
    description: 'webhook deliveries: one event for one endpoint, attempted, retried with backoff',
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: maxReceiveCounts.webhooks,
    dlqRetentionDays: 14,
    consumer: {
      entry: 'functions/workers/deliver-webhooks.ts',
      batchSize: 10,
      // Latency first: a batch is not held back to fill up.
      maxBatchingWindowSeconds: 0,
      // The messages of a batch are attempted side by side, so 10 × 10 requests in flight at most.
      maxConcurrency: 10,
      timeoutSeconds: 30,
      // app: the endpoints (and their circuits), the delivery records, the audit log.
      tables: { app: 'write' },
      queues: ['webhooks'],
      secrets: ['signing'],
      sendsToDeadLetter: true,
    },
  },
} as const satisfies Record<keyof typeof maxReceiveCounts, QueueDefinition>;

export type QueueName = keyof typeof queues;
