/**
 * The one definition of every SQS queue and its consumer. CDK makes the queue, its DLQ with
 * redrive, the alarm on DLQ depth and the event source mapping; the local stack creates the same
 * queues in local-aws-sqs and runs infra/local/poller.ts in place of the event source mapping.
 */
import type { TableName } from './tables.ts';
import type { Access } from './routes.ts';

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
  };
}

export const queues = {
  /**
   * One message per mailing being planned; the planner re-sends it to itself to continue where its
   * checkpoint stopped, so a list of any size is planned in Lambda-sized steps.
   */
  plan: {
    id: 'PlanQueue',
    envVar: 'PLAN_QUEUE_URL',
    description: 'mailings waiting to be planned (list resolved, recipients filtered and queued)',
    visibilityTimeoutSeconds: 1800,
    maxReceiveCount: 5,
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
    envVar: 'SEND_QUEUE_URL',
    description: 'recipient chunks waiting to be handed to SES',
    visibilityTimeoutSeconds: 360,
    maxReceiveCount: 5,
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
    envVar: 'MAIL_QUEUE_URL',
    description: 'transactional mails owed: double opt-in confirmations of a batch import, magic links',
    visibilityTimeoutSeconds: 360,
    maxReceiveCount: 5,
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
    envVar: 'FEEDBACK_QUEUE_URL',
    description:
      'SES events (delivery, bounce, complaint and the rest) waiting to update recipients and suppressions',
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 3,
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
    },
  },
} as const satisfies Record<string, QueueDefinition>;

export type QueueName = keyof typeof queues;
