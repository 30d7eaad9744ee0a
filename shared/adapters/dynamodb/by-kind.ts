/**
 * Browsing the app table's entities of one kind (types, lists, mailings, API keys, audit entries)
 * through the `byKind` index: `kind` is the entity, `kindSk` its time-sortable id, so a Query
 * lists them newest (or oldest) first. Never a Scan.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '#shared/domain/errors.ts';
import { dynamo, tableName } from './client.ts';
import { decodeCursor, encodeCursor } from './pagination.ts';

export interface KindPage {
  items: Record<string, unknown>[];
  nextCursor: string | null;
}

export interface KindQuery {
  kind: string;
  limit: number;
  cursor?: string | undefined;
  newestFirst?: boolean;
  /** Only ids within these bounds (inclusive), e.g. a time window of ULIDs. */
  between?: { from: string; to: string } | undefined;
  /** Attribute equalities every item must meet (a FilterExpression: read, then dropped). */
  where?: Record<string, string | undefined>;
  /** Attributes to read (all when absent). */
  attributes?: readonly string[];
}

/** At most this many reads fill one filtered page; then the page ends early, with its cursor. */
const maxReadsPerPage = 10;

/**
 * One page of a kind. With `where`, DynamoDB applies `Limit` before the filter, so the page is
 * filled by asking for exactly what is still missing, read after read: it never holds more than
 * `limit` items, and its cursor is where the last read stopped, so no item is skipped or repeated.
 */
export const queryByKind = async (query: KindQuery): Promise<KindPage> => {
  const filters = Object.entries(query.where ?? {}).filter(
    (entry): entry is [string, string] => entry[1] !== undefined,
  );
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':kind': query.kind };
  filters.forEach(([name, value], i) => {
    names[`#f${i}`] = name;
    values[`:f${i}`] = value;
  });
  const projection = query.attributes?.map((name, i) => {
    names[`#p${i}`] = name;
    return `#p${i}`;
  });
  let key = 'kind = :kind';
  if (query.between) {
    key += ' AND kindSk BETWEEN :from AND :to';
    values[':from'] = query.between.from;
    values[':to'] = query.between.to;
  }
  const items: Record<string, unknown>[] = [];
  let start = decodeCursor(query.cursor, { kind: query.kind });
  const sk = start?.kindSk;
  if (
    start &&
    (typeof sk !== 'string' || (query.between && (sk < query.between.from || sk > query.between.to)))
  )
    throw new ValidationError('Invalid cursor', [
      { path: 'query.cursor', message: 'Not a cursor of this list (with these filters)' },
    ]);
  for (let read = 0; read < maxReadsPerPage && items.length < query.limit; read++) {
    const result = await dynamo.send(
      new QueryCommand({
        TableName: tableName('app'),
        IndexName: 'byKind',
        KeyConditionExpression: key,
        ...(filters.length
          ? { FilterExpression: filters.map((_, i) => `#f${i} = :f${i}`).join(' AND ') }
          : {}),
        ...(projection ? { ProjectionExpression: projection.join(', ') } : {}),
        ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
        ExpressionAttributeValues: values,
        ScanIndexForward: !query.newestFirst,
        Limit: query.limit - items.length,
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(result.Items ?? []));
    start = result.LastEvaluatedKey as typeof start;
    if (!start) break;
  }
  return { items, nextCursor: encodeCursor(start) };
};
