/**
 * The one definition of every DynamoDB table: keys, indexes, TTL.
 * Read by CDK (infra/stacks/stateful-stack.ts) and by the local stack (infra/local/bootstrap.ts).
 * Key strings for the items inside them live with their entity modules in shared/adapters/dynamodb/.
 */
import { tableEnvVars } from './env-vars.ts';

export type KeyType = 'S' | 'N';

export interface IndexDefinition {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey?: string;
  /** `all`, `keys`, or the attribute names projected beside the keys. */
  readonly projection: 'all' | 'keys' | readonly string[];
}

export interface TableDefinition {
  /** Logical id in CDK and the env var that carries the physical name. */
  readonly id: string;
  readonly envVar: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  readonly indexes: readonly IndexDefinition[];
  /** Attribute holding an epoch-seconds expiry, if items expire. */
  readonly ttlAttribute?: string;
  /**
   * A change stream of the table (DynamoDB Streams, both images of each changed item), read by the
   * consumers of infra/streams.ts.
   */
  readonly stream?: 'NEW_AND_OLD_IMAGES';
  readonly description: string;
}

export const tables = {
  /**
   * People and everything that belongs to one person: the contact item, the e-mail claim that
   * keeps addresses unique, history, membership items for list building, suppressions.
   */
  contacts: {
    id: 'ContactsTable',
    envVar: tableEnvVars.contacts,
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [
      {
        // Sparse and sharded: only membership items carry gpk = `T#<typeId>#<shard>` or
        // `I#<tag>#<shard>` (shared/adapters/dynamodb/contact-keys.ts), so one type with millions of
        // subscribers spreads over partitions and planning reads every shard in parallel. It
        // projects what the eligibility rule and the merge fields need (`subscriptions`: typeId →
        // status, so a member found through an interest still tells its status for the mailing's
        // type), so planning reads no contact item.
        name: 'members',
        partitionKey: 'gpk',
        sortKey: 'gsk',
        projection: [
          'contactId',
          'email',
          'consent',
          'status',
          'subscriptions',
          'suppressed',
          'locale',
          'firstName',
          'lastName',
          'interests',
          'fields',
        ],
      },
    ],
    // Every change of a contact is one write of its item, whose outbox carries the change's history
    // entries: the stream sees each one as it commits (infra/streams.ts derives the events from it).
    stream: 'NEW_AND_OLD_IMAGES',
    description: 'contacts, e-mail claims, history, list-building membership, suppressions',
  },
  /** Account-level configuration and catalogue: types, lists, mailings, keys, settings, audit. */
  app: {
    id: 'AppTable',
    envVar: tableEnvVars.app,
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [{ name: 'byKind', partitionKey: 'kind', sortKey: 'kindSk', projection: 'all' }],
    ttlAttribute: 'expiresAt',
    // Mailing status changes (sent, paused) are events too.
    stream: 'NEW_AND_OLD_IMAGES',
    description:
      'subscription types, lists, mailings, API keys, settings, audit log, idempotency records, webhook endpoints and deliveries',
  },
  /**
   * What happened to each recipient of each mailing, kept per chunk (the ≤ 50 recipients of one SQS
   * message in one item) so planning, sending and feedback cost well under one write per recipient;
   * plus each mailing's planning checkpoint.
   */
  recipients: {
    id: 'RecipientsTable',
    envVar: tableEnvVars.recipients,
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [],
    description: 'recipient chunks per mailing (verdict, reason, delivery status), planning checkpoints',
  },
} as const satisfies Record<string, TableDefinition>;

export type TableName = keyof typeof tables;
