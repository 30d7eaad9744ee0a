/**
 * Import and export jobs in the app table, one item each:
 *
 * | item       | pk              | sk    |
 * |------------|-----------------|-------|
 * | import job | `IMPORT#<id>`   | `JOB` |
 * | export job | `EXPORT#<id>`   | `JOB` |
 *
 * Every write is a whole-item put conditional on the version read (and bumps it), so of two
 * workers holding the same job only one can move it; the loser re-reads. Jobs expire (TTL) with
 * their files.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '#shared/domain/errors.ts';
import { dynamo, isConditionFailed, tableName } from './client.ts';

export type JobKind = 'IMPORT' | 'EXPORT';

/** What every job item holds besides its own fields. */
export interface JobBase {
  id: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  /** The API key id that asked for it (only that key's role is checked when reading it back). */
  createdBy: string;
  /** Epoch seconds: the item is deleted after this (with the files, by the buckets' lifecycle). */
  expiresAt: number;
  /** The attempt holding the job, until `leaseUntil` (epoch ms): one worker at a time. */
  lease?: string;
  leaseUntil?: number;
}

/** Another writer moved the job since it was read. */
export class JobMovedError extends ConflictError {}

const key = (kind: JobKind, id: string) => ({ pk: `${kind}#${id}`, sk: 'JOB' });

export const bulkJobs = {
  async create<J extends JobBase>(kind: JobKind, job: J): Promise<void> {
    await dynamo.send(
      new PutCommand({
        TableName: tableName('app'),
        Item: { ...key(kind, job.id), ...job },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  },

  async get<J extends JobBase>(kind: JobKind, id: string): Promise<J | undefined> {
    const { Item } = await dynamo.send(
      new GetCommand({ TableName: tableName('app'), Key: key(kind, id), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const { pk: _pk, sk: _sk, ...job } = Item;
    return job as J;
  },

  /** Stores `job` (its version bumped) if the stored version is still `job.version`; JobMovedError if not. */
  async save<J extends JobBase>(kind: JobKind, job: J): Promise<J> {
    const next = { ...job, version: job.version + 1, updatedAt: new Date().toISOString() };
    try {
      await dynamo.send(
        new PutCommand({
          TableName: tableName('app'),
          Item: { ...key(kind, job.id), ...next },
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':v': job.version },
        }),
      );
    } catch (error) {
      if (isConditionFailed(error)) throw new JobMovedError('The job was moved by another worker');
      throw error;
    }
    return next;
  },
};
