import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Actor } from '#shared/domain/api-key.ts';
import { idRange, newId } from '#shared/domain/ids.ts';
import { queryByKind } from './by-kind.ts';
import { dynamo, tableName } from './client.ts';

export interface AuditEntry {
  action: string;
  /** Ids and non-personal facts only: never an e-mail address or a name. */
  details: Record<string, unknown>;
}

/** Append-only admin audit log: who did what, when. Listed newest first through byKind. */
export async function record(
  actor: Actor,
  entry: AuditEntry,
  at = new Date().toISOString(),
): Promise<string> {
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
}

/**
 * Entries newest first, optionally of one action and within [from, to): the time window is a
 * range of ids (they sort by time), the action a filter.
 */
export async function list(query: {
  limit: number;
  cursor?: string | undefined;
  action?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}) {
  const window =
    query.from || query.to
      ? idRange(
          query.from ? Date.parse(query.from) : 0,
          query.to ? Date.parse(query.to) : Date.now() + 60_000,
        )
      : undefined;
  const page = await queryByKind({
    kind: 'AUDIT',
    limit: query.limit,
    cursor: query.cursor,
    newestFirst: true,
    between: window && { from: window.first, to: window.last },
    where: { action: query.action },
    attributes: ['kind', 'kindSk', 'pk', 'sk', 'id', 'at', 'action', 'actor', 'details'],
  });
  return {
    items: page.items.map((item) => ({
      id: String(item.id),
      at: String(item.at),
      action: String(item.action),
      actor: item.actor as { keyId: string; name: string; role: string },
      details: (item.details ?? {}) as Record<string, unknown>,
    })),
    nextCursor: page.nextCursor,
  };
}
