import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Actor } from '#shared/domain/api-key.ts';
import { newId } from '#shared/domain/ids.ts';
import { dynamo, tableName } from './client.ts';

export interface AuditEntry {
  action: string;
  /** Ids and non-personal facts only: never an e-mail address or a name. */
  details: Record<string, unknown>;
}

/** Append-only admin audit log: who did what, when. Listed newest last through byKind. */
export const audit = {
  async record(actor: Actor, entry: AuditEntry, at = new Date().toISOString()): Promise<string> {
    const id = newId(Date.parse(at));
    await dynamo.send(
      new PutCommand({
        TableName: tableName('app'),
        Item: {
          pk: `AUDIT#${id}`,
          sk: 'AUDIT',
          kind: 'AUDIT',
          kindSk: id,
          id,
          at,
          actor: { keyId: actor.keyId, name: actor.name, role: actor.role },
          ...entry,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return id;
  },
};
