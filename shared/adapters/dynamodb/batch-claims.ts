/**
 * Address claims in batches, for bulk creates (CSV imports): the same claim item and the same
 * uniqueness rule as `contacts.claim` (./contacts.ts, "Uniqueness without transactions"), 25 claims
 * per request.
 *
 * Each claim is a PartiQL `INSERT` in a BatchExecuteStatement. An INSERT is a single-item
 * conditional write — it fails with `DuplicateItem` when the key exists — and the statements of a
 * batch run each on its own, not as a transaction: one write unit per claim, as a PutItem with
 * `attribute_not_exists(pk)`, and a concurrent create of the same address (the API's PutItem, or
 * another batch) still finds exactly one winner. A claim whose INSERT found the key taken goes
 * through `contacts.claim`, which tells a claim this contact already holds (a step redone after a
 * crash), a live or young one (lost), and an orphan past its grace period (taken over).
 */
import { BatchExecuteStatementCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo, tableName } from './client.ts';
import { contactKeys } from './contact-keys.ts';
import * as contacts from './contacts.ts';
import { inParallel } from './contacts.ts';

/** DynamoDB's limit of statements per BatchExecuteStatement. */
const statementsPerBatch = 25;
/** A batch's statements that DynamoDB could not run now (throttling and the like) are retried this often. */
const maxAttempts = 8;
/** Statement errors that say "not now" rather than "no". */
const retryable = new Set([
  'ProvisionedThroughputExceeded',
  'RequestLimitExceeded',
  'ThrottlingError',
  'InternalServerError',
  'TransactionConflict',
]);
/** Statement errors that say the key exists. */
const taken = new Set(['DuplicateItem', 'ConditionalCheckFailed']);

const pause = (attempt: number) => new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));

/** The claim item as a PartiQL insert (the same attributes `contacts.claim` puts). */
const insertClaim = (table: string, emailKey: string, contactId: string, claimedAt: string) => {
  const { pk, sk } = contactKeys.claim(emailKey);
  return {
    Statement: `INSERT INTO "${table}" VALUE {'pk': ?, 'sk': ?, 'contactId': ?, 'claimedAt': ?}`,
    Parameters: [pk, sk, contactId, claimedAt],
  };
};

export interface ClaimRequest {
  emailKey: string;
  contactId: string;
}

/**
 * Claims each address for its contact id; answers, in order, whether each claim is held by that
 * id now (as `contacts.claim` answers). `concurrency` batches are in flight at once.
 */
export const claimAll = async (
  requests: readonly ClaimRequest[],
  { now = new Date(), concurrency = 8 }: { now?: Date; concurrency?: number } = {},
): Promise<boolean[]> => {
  const table = tableName('contacts');
  const claimedAt = now.toISOString();
  const won = new Array<boolean>(requests.length).fill(false);
  const contested: number[] = [];
  const batches: number[][] = [];
  for (let i = 0; i < requests.length; i += statementsPerBatch)
    batches.push(Array.from({ length: Math.min(statementsPerBatch, requests.length - i) }, (_, k) => i + k));

  await inParallel(batches, concurrency, async (batch) => {
    let pending = batch;
    for (let attempt = 0; pending.length; attempt++) {
      if (attempt >= maxAttempts)
        throw new Error('BatchExecuteStatement: claims still not run after retries');
      if (attempt) await pause(attempt);
      const { Responses = [] } = await dynamo.send(
        new BatchExecuteStatementCommand({
          Statements: pending.map((i) => {
            const r = requests[i] as ClaimRequest;
            return insertClaim(table, r.emailKey, r.contactId, claimedAt);
          }),
        }),
      );
      const again: number[] = [];
      if (Responses.length !== pending.length)
        throw new Error('BatchExecuteStatement: an answer per statement was expected');
      pending.forEach((i, k) => {
        const code = Responses[k]?.Error?.Code;
        if (!code) won[i] = true;
        else if (taken.has(code)) contested.push(i);
        else if (retryable.has(code)) again.push(i);
        else throw new Error(`BatchExecuteStatement: ${code}: ${Responses[k]?.Error?.Message ?? ''}`);
      });
      pending = again;
    }
  });

  // Taken already: whose, and since when, decides (ours from a crashed step, live, or orphaned).
  await inParallel(contested, concurrency, async (i) => {
    const r = requests[i] as ClaimRequest;
    won[i] = await contacts.claim(r.emailKey, r.contactId, now);
  });
  return won;
};
