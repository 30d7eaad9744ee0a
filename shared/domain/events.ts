/**
 * Outgoing events: what the apps that own a contact (a CRM, a shop) learn when a person's consent,
 * subscriptions or suppression change, when a person is erased, and when a mailing completes or is
 * paused. Pure: derived from what the stores already record —
 * - a contact's change: the history entries it added to the contact's `outbox` (every change of a
 *   contact, whatever its channel, is one write of the contact item carrying its entries), one event
 *   per entry of kind consent, subscription or suppression;
 * - an erasure: the contact item's deletion, with the id and the address's fingerprint only;
 * - a mailing: its status changing to `sent` or `paused`.
 *
 * An event's id is derived from what it is derived from (the entry id, the contact id, the mailing
 * id and the time of its change), so deriving it twice — a retried stream batch — gives the same id,
 * which receivers see as `webhook-id` and de-duplicate by.
 */
import type { HistoryEntry } from './contact.ts';
import type { MailingStatus, PausedReason } from './mailing.ts';

export const eventTypes = [
  'contact.subscription.updated',
  'contact.consent.updated',
  'contact.suppressed',
  'contact.unsuppressed',
  'contact.erased',
  'mailing.completed',
  'mailing.paused',
] as const;
export type EventType = (typeof eventTypes)[number];

/** What `POST /webhooks/{id}/test` sends: to that endpoint only, whatever it subscribed to. */
export const testEventType = 'webhook.test';
export type AnyEventType = EventType | typeof testEventType;

export const isEventType = (value: string): value is EventType =>
  (eventTypes as readonly string[]).includes(value);

/** One event: its id (`webhook-id`), and the body receivers get: `{type, timestamp, data}`. */
export interface OutgoingEvent {
  id: string;
  type: AnyEventType;
  /** ISO-8601 UTC: when the change happened. */
  timestamp: string;
  data: Record<string, unknown>;
}

/** The JSON body as sent and signed (key order fixed, so the same event is the same bytes). */
export const eventBody = (event: OutgoingEvent): string =>
  JSON.stringify({ type: event.type, timestamp: event.timestamp, data: event.data });

/** What an outgoing event needs to know of a contact: its id and address (as stored after the change). */
export interface ContactRef {
  id: string;
  email: string;
}

/** The entries a write added to a contact's outbox: in `after` and not in `before`, oldest first. */
export const addedEntries = (
  before: Readonly<Record<string, HistoryEntry>> | undefined,
  after: Readonly<Record<string, HistoryEntry>> | undefined,
): HistoryEntry[] =>
  Object.entries(after ?? {})
    .filter(([id]) => !before || !Object.hasOwn(before, id))
    .map(([, entry]) => entry)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

const change = (e: HistoryEntry) => ({ from: e.from, to: e.to, source: e.source, at: e.at });

/**
 * The event one history entry stands for, or undefined (creation, profile, address and interest
 * changes are not events: they change nothing about whether the person may be mailed).
 */
export const entryEvent = (contact: ContactRef, entry: HistoryEntry): OutgoingEvent | undefined => {
  const base = { id: `evt_${entry.id}`, timestamp: entry.at };
  const who = { contactId: contact.id, email: contact.email };
  const via = entry.mailingId ? { mailingId: entry.mailingId } : {};
  switch (entry.change) {
    case 'subscription':
      return {
        ...base,
        type: 'contact.subscription.updated',
        data: { ...who, subscriptionTypeId: entry.typeId ?? null, ...change(entry), ...via },
      };
    case 'consent':
      return {
        ...base,
        type: 'contact.consent.updated',
        data: { ...who, ...change(entry), legalBasis: entry.legalBasis ?? null, ...via },
      };
    case 'suppression':
      return {
        ...base,
        type: entry.to === null ? 'contact.unsuppressed' : 'contact.suppressed',
        data: { ...who, ...change(entry) },
      };
    default:
      return undefined;
  }
};

/** The events of one write of a contact item: one per added entry that is an event. */
export const contactEvents = (contact: ContactRef, added: readonly HistoryEntry[]): OutgoingEvent[] =>
  added.map((e) => entryEvent(contact, e)).filter((e): e is OutgoingEvent => e !== undefined);

/** `contact.erased`: the id and the address's keyed fingerprint, and nothing else about the person. */
export const erasedEvent = (contactId: string, fingerprint: string, at: string): OutgoingEvent => ({
  id: `evt_${contactId}-erased`,
  type: 'contact.erased',
  timestamp: at,
  data: { contactId, fingerprint },
});

/** What a mailing event reads of the mailing item, before and after its write. */
export interface MailingImage {
  id: string;
  status: MailingStatus;
  subscriptionTypeId?: string;
  listId?: string;
  completedAt?: string;
  pausedAt?: string;
  pausedReason?: PausedReason;
}

/** Milliseconds of an ISO time, in base 36: a short, stable part of an event id. */
const stamp = (iso: string) => Date.parse(iso).toString(36);

/**
 * `mailing.completed` when a mailing became `sent`, `mailing.paused` each time it became `paused`
 * (a mailing can be paused, resumed and paused again: each pause is its own event, told apart by
 * its time). Nothing for other writes, or for a mailing item written without a status change.
 */
export const mailingEvents = (
  before: MailingImage | undefined,
  after: MailingImage | undefined,
): OutgoingEvent[] => {
  if (!after || before?.status === after.status) return [];
  const data = {
    mailingId: after.id,
    subscriptionTypeId: after.subscriptionTypeId ?? null,
    listId: after.listId ?? null,
    from: before?.status ?? null,
    to: after.status,
  };
  if (after.status === 'sent') {
    const at = after.completedAt ?? new Date(0).toISOString();
    return [
      {
        id: `evt_${after.id}-completed`,
        type: 'mailing.completed',
        timestamp: at,
        data: { ...data, at },
      },
    ];
  }
  if (after.status === 'paused') {
    const at = after.pausedAt ?? new Date(0).toISOString();
    return [
      {
        id: `evt_${after.id}-paused-${stamp(at)}`,
        type: 'mailing.paused',
        timestamp: at,
        data: { ...data, at, ...(after.pausedReason ? { reason: after.pausedReason } : {}) },
      },
    ];
  }
  return [];
};
