/**
 * The recipient report: one row per list member with verdict, reason and status. Before sending it
 * is the preview (the list resolved and judged now); afterwards it is the record (the chunks that
 * planning wrote and sending updated).
 */
import { batchGetAll } from '#shared/adapters/dynamodb/batch.ts';
import { tableName } from '#shared/adapters/dynamodb/client.ts';
import { contactKeys } from '#shared/adapters/dynamodb/contact-keys.ts';
import { lists } from '#shared/adapters/dynamodb/lists.ts';
import * as mailings from '#shared/adapters/dynamodb/mailings.ts';
import * as recipients from '#shared/adapters/dynamodb/recipients.ts';
import type { RecipientStatus, Row } from '#shared/adapters/dynamodb/recipients.ts';
import { settings } from '#shared/adapters/dynamodb/settings.ts';
import { reasonsIncluded } from '#shared/domain/eligibility.ts';
import { NotFoundError, ValidationError } from '#shared/domain/errors.ts';
import { verdictFor } from './judge.ts';
import { decodePosition, listSources, readPage } from './list-resolution.ts';

export interface ReportFilter {
  status?: RecipientStatus | undefined;
  reason?: string | undefined;
  verdict?: 'included' | 'excluded' | undefined;
}

export interface ReportRow {
  contactId: string;
  email: string | null;
  verdict: 'included' | 'excluded';
  reason: string;
  status: RecipientStatus;
  detail?: string;
}

const included = new Set<string>(reasonsIncluded);
const verdictOf = (reason: string) => (included.has(reason) ? 'included' : 'excluded');

const keep = (row: Omit<ReportRow, 'email'>, filter: ReportFilter) =>
  (!filter.status || row.status === filter.status) &&
  (!filter.reason || row.reason === filter.reason) &&
  (!filter.verdict || row.verdict === filter.verdict);

const badCursor = () =>
  new ValidationError('Invalid cursor', [{ path: 'query.cursor', message: 'Not a cursor of this report' }]);

/** Chunk cursor: the chunk to read from and how many of its rows were already returned. */
const encodeChunkCursor = (chunkId: string, offset: number) =>
  Buffer.from(JSON.stringify({ c: chunkId, o: offset })).toString('base64url');
const decodeChunkCursor = (cursor: string): { c: string; o: number } | undefined => {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { c: unknown; o: unknown };
    return typeof value.c === 'string' &&
      value.c.length < 100 &&
      Number.isInteger(value.o) &&
      (value.o as number) >= 0
      ? { c: value.c, o: value.o as number }
      : undefined;
  } catch {
    return undefined;
  }
};

export const recipientReport = async (
  mailingId: string,
  filter: ReportFilter,
  limit: number,
  cursor?: string,
) => {
  const mailing = await mailings.getStored(mailingId);
  if (!mailing) throw new NotFoundError('Mailing not found');

  if (mailing.status === 'draft') {
    const list = await lists.get(mailing.listId);
    if (!list) return { items: [], nextCursor: null };
    const position = decodePosition(cursor);
    if (cursor && !position) throw badCursor();
    const privacyEnabled = (await settings.getPrivacy()).enabled;
    const page = await readPage(listSources(list), position, limit, (member) => {
      const { result, detail } = verdictFor(mailing, privacyEnabled, member);
      const row: ReportRow = {
        contactId: member.contactId,
        email: member.email ?? null,
        verdict: result.verdict,
        reason: result.reason,
        status: result.verdict === 'included' ? 'pending' : 'skipped',
        ...(detail ? { detail } : {}),
      };
      return keep(row, filter) ? row : undefined;
    });
    return { items: page.items, nextCursor: page.next };
  }

  // After sending started: the recorded rows, chunk by chunk in id order.
  const start = cursor ? decodeChunkCursor(cursor) : undefined;
  if (cursor && !start) throw badCursor();
  const picked: Row[] = [];
  let position: { from?: string; after?: string } = start ? { from: start.c } : {};
  let next: string | null = null;
  read: for (;;) {
    const { chunks, more } = await recipients.listChunks(mailingId, position, 20);
    for (const [n, chunk] of chunks.entries()) {
      const from = chunk.chunkId === start?.c ? start.o : 0;
      for (let i = from; i < chunk.rows.length; i++) {
        const row = chunk.rows[i] as Row;
        if (!keep({ contactId: row.c, verdict: verdictOf(row.r), reason: row.r, status: row.s }, filter))
          continue;
        picked.push(row);
        if (picked.length === limit) {
          if (i + 1 < chunk.rows.length) next = encodeChunkCursor(chunk.chunkId, i + 1);
          else if (chunks[n + 1]) next = encodeChunkCursor((chunks[n + 1] as { chunkId: string }).chunkId, 0);
          else if (more) next = encodeChunkCursor(`${chunk.chunkId}\u0000`, 0);
          break read;
        }
      }
    }
    const last = chunks.at(-1);
    if (!more || !last) break;
    position = { after: last.chunkId };
  }
  const contacts = await batchGetAll(
    tableName('contacts'),
    [...new Set(picked.map((row) => row.c))].map((id) => contactKeys.contact(id)),
  );
  const emails = new Map(contacts.map((c) => [String(c.id), (c.email as string | undefined) ?? null]));
  const items: ReportRow[] = picked.map((row) => ({
    contactId: row.c,
    email: emails.get(row.c) ?? null,
    verdict: verdictOf(row.r),
    reason: row.r,
    status: row.s,
    ...(row.d ? { detail: row.d } : {}),
  }));
  return { items, nextCursor: next };
};
