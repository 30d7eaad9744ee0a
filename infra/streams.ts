/**
 * The one definition of every change-stream consumer: a Lambda reading the DynamoDB Streams of some
 * tables (infra/tables.ts `stream`), with Lambda's event filters (the same patterns CDK deploys and
 * the local stack's stream poller, infra/local/stream-poller.ts, applies), a batch size, and the
 * tables, queues and secrets it may use.
 */
import type { Access } from '#shared/http/contract.ts';
import type { QueueName } from './queues.ts';
import type { TableName } from './tables.ts';

/**
 * A Lambda event filter pattern (the subset used here: exact values in arrays, `{prefix}`,
 * `{exists}`, `{"anything-but": [...]}`), matched against each stream record.
 */
export type FilterPattern = { readonly [key: string]: FilterPattern | readonly FilterValue[] };
export type FilterValue =
  | string
  | number
  | { readonly prefix: string }
  | { readonly exists: boolean }
  | { readonly 'anything-but': readonly (string | number)[] };

export interface StreamSource {
  readonly table: TableName;
  /** A record is handed to the consumer when it matches any of these. */
  readonly filters: readonly FilterPattern[];
}

export interface StreamConsumerDefinition {
  readonly id: string;
  readonly description: string;
  readonly entry: string;
  readonly sources: readonly StreamSource[];
  /** Records per invocation. */
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds: number;
  readonly timeoutSeconds: number;
  readonly tables: Partial<Record<TableName, Access>>;
  readonly queues?: readonly QueueName[];
  readonly secrets?: readonly 'signing'[];
  /** Publishes the events to an EventBridge bus when the deployment has one (`eventBus`). */
  readonly publishesEvents?: boolean;
}

export const streamConsumers = {
  /**
   * Derives what follows from each committed change (shared/use-cases/change-stream.ts): the
   * outgoing events (webhook deliveries, and the EventBridge bus when there is one) of contact
   * changes, erasures and mailing milestones, and the audience counters (subscribes and
   * unsubscribes per type and day, opt-outs per mailing). Contact items only (`sk = PROFILE`: not claims, history,
   * memberships or suppressions, which change with them); mailing items only when their status is
   * one that makes an event (the consumer still compares the two images).
   */
  changes: {
    id: 'ChangeStreamConsumer',
    description:
      'derives outgoing events and audience counters from committed contact changes, erasures and mailing milestones',
    entry: 'functions/streams/process-changes.ts',
    sources: [
      { table: 'contacts', filters: [{ dynamodb: { Keys: { sk: { S: ['PROFILE'] } } } }] },
      {
        table: 'app',
        filters: [
          { dynamodb: { Keys: { sk: { S: ['MAILING'] } }, NewImage: { status: { S: ['sent', 'paused'] } } } },
        ],
      },
    ],
    batchSize: 100,
    maxBatchingWindowSeconds: 0,
    timeoutSeconds: 60,
    // app: the webhook endpoints, to know who wants which event; the audience counters and their
    // markers.
    tables: { app: 'write' },
    queues: ['webhooks'],
    // The fingerprint of an erased contact's address (contact.erased).
    secrets: ['signing'],
    publishesEvents: true,
  },
} as const satisfies Record<string, StreamConsumerDefinition>;

export type StreamConsumerName = keyof typeof streamConsumers;
