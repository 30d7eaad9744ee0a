import * as contacts from '#shared/adapters/dynamodb/contacts.ts';
import { history } from '#shared/adapters/dynamodb/history.ts';
import * as mailings from '#shared/adapters/dynamodb/mailings.ts';
import * as recipients from '#shared/adapters/dynamodb/recipients.ts';
import { suppressions } from '#shared/adapters/dynamodb/suppressions.ts';
import { toPublicContact } from '#shared/domain/contact.ts';
import { NotFoundError } from '#shared/domain/errors.ts';

/** How many mailings' recipients are read at once. */
const parallelMailings = 4;

export interface ReceivedMailing {
  mailingId: string;
  name?: string;
  status: string;
  reason: string;
  detail?: string;
}

/**
 * The mailings a contact was a recipient of, newest first: every mailing past its draft, and in it
 * the contact's row. Recipient chunks hold contact ids, not addresses, and have no index by
 * contact, so this reads each mailing's chunks (docs/design.md; README, Known gaps).
 */
const mailingsOf = async (contactId: string): Promise<ReceivedMailing[]> => {
  const sent: Array<{ id: string; name: string }> = [];
  let cursor: string | undefined;
  do {
    const page = await mailings.list({ limit: 100, ...(cursor ? { cursor } : {}) });
    sent.push(...page.items.filter((m) => m.status !== 'draft'));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  const found: Array<ReceivedMailing | undefined> = new Array(sent.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < sent.length; i = next++) {
      const mailing = sent[i] as { id: string; name: string };
      let after: string | undefined;
      for (;;) {
        const { chunks, more } = await recipients.listChunks(mailing.id, after ? { after } : {}, 100);
        const row = chunks.flatMap((chunk) => chunk.rows).find((r) => r.c === contactId);
        if (row) {
          found[i] = {
            mailingId: mailing.id,
            name: mailing.name,
            status: row.s,
            reason: row.r,
            ...(row.d ? { detail: row.d } : {}),
          };
          break;
        }
        after = chunks.at(-1)?.chunkId;
        if (!more || !after) break;
      }
    }
  };
  await Promise.all(Array.from({ length: parallelMailings }, worker));
  return found.filter((m): m is ReceivedMailing => m !== undefined);
};

/**
 * Export everything stored about a contact (GDPR Art. 15/20).
 * 1. The contact, its whole history, its list-building memberships.
 * 2. The suppression entry of its address, if any.
 * 3. The mailings it was a recipient of, with what happened to its row in each.
 */
export const exportContact = async (id: string) => {
  const contact = await contacts.get(id);
  if (!contact) throw new NotFoundError('Contact not found');
  const [entries, memberships, suppression, received] = await Promise.all([
    history.all(id, Object.values(contact.outbox)),
    contacts.memberships(id),
    suppressions.getByEmail(contact.emailKey),
    mailingsOf(id),
  ]);
  return {
    contact: toPublicContact(contact),
    history: entries,
    memberships,
    suppression: suppression ?? null,
    addressClaims: Object.keys(contact.otherClaims ?? {}),
    mailings: received,
    exportedAt: new Date().toISOString(),
  };
};
