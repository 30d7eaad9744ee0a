/**
 * A contact item's `outbox` (./contacts.ts, "History without transactions") as stored and as read
 * back — by the contacts repository, and by the change-stream consumer from the stream's images.
 */
import type { HistoryEntry } from '#shared/domain/contact.ts';

/**
 * The outbox as stored: an entry's id is its key, and a `from`/`to` of null is left out (read back
 * as null), which keeps a new contact with its first entries within one write unit.
 */
export const storedOutbox = (outbox: Record<string, HistoryEntry>): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(outbox).map(([id, { id: _id, from, to, ...rest }]) => [
      id,
      { ...rest, ...(from === null ? {} : { from }), ...(to === null ? {} : { to }) },
    ]),
  );

/** The outbox as read back: each entry with its id (its key) and null `from`/`to` where left out. */
export const outboxFromItem = (
  stored: Record<string, Partial<HistoryEntry>> | undefined,
): Record<string, HistoryEntry> =>
  Object.fromEntries(
    Object.entries(stored ?? {}).map(([id, e]) => [
      id,
      { id, ...e, from: e.from ?? null, to: e.to ?? null } as HistoryEntry,
    ]),
  );
