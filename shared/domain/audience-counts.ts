/**
 * Audience counters: how many people subscribed to and left each subscription type, day by day,
 * and how many recipients of a mailing opted out through it (and by which channel). Pure: what a
 * committed change adds to which counter, and how the counters read back as a report.
 *
 * Everything is derived from the history entries a change puts into the contact's outbox (every
 * change of a contact, whatever its channel, is one write of its item with its entries) and from a
 * contact item's deletion (an erasure): the change-stream consumer hands each committed write here.
 *
 * What counts:
 * - **type, per day (UTC)**: `subscribed` — an entry that made a subscription `subscribed` (from
 *   never asked, `pending` or `unsubscribed`: a confirmation counts when it confirms);
 *   `unsubscribed` — an entry that took a `subscribed` one away, by source (`one_click`,
 *   `preference_page`, `mailto`, `link`, `api`, `import`, …), and the erasure of a subscribed
 *   contact (source `erasure`). A `pending` subscription never asked to leave, or an unsubscribe of
 *   someone already unsubscribed, changes nobody's mail and counts nothing.
 * - **type, total**: at the end of a day, the sum of every day's subscribes less unsubscribes up
 *   to it, from the type's first counted day: no item of its own to keep in step.
 * - **mailing**: `unsubscribed` — recipients who opted out through one of the mailing's own links
 *   or its List-Unsubscribe (an entry naming the mailing, from one of {@link mailingChannels}),
 *   counted once per recipient whatever they did after, by the channel of their first opt-out; an
 *   opt-out is leaving a type (any type: the preference page shows them all) or withdrawing
 *   e-marketing consent ("unsubscribe from everything").
 *
 * Counting exactly once: each {@link Contribution} has a key, and the counting protocol
 * (shared/use-cases/audience-counts.ts) adds a key's deltas at most once. Type counts are keyed by
 * the write (the contact and the first entry it added: a write's entries are its own), so a stream
 * record handed over again adds nothing; a mailing's by recipient, so one person counts once.
 */
import type { HistoryEntry, Source, Subscription } from './contact.ts';

/** The channels of a mailing's opt-outs, as the API names them, by the history's source. */
export const mailingChannels = {
  one_click: 'oneClick',
  preference_page: 'preferencePage',
  mailto: 'mailto',
  link: 'link',
} as const satisfies Partial<Record<Source, string>>;
export type MailingChannel = keyof typeof mailingChannels;

/** A counter item: a type's day, or a mailing's counters. */
export type CounterTarget =
  | { kind: 'type_day'; typeId: string; date: string }
  | { kind: 'mailing'; mailingId: string };

/** What one committed change adds to counters, under one key: at most once per key. */
export interface Contribution {
  key: string;
  /**
   * Whether the key must be remembered for good (a mailing's recipient counts once, ever) or only
   * while the change can be handed over again (a stream record lives 24 hours).
   */
  lasting: boolean;
  adds: Array<{ target: CounterTarget; deltas: Record<string, number> }>;
}

/** Counter attribute names (stored in the counter items; the API names them otherwise). */
export const counterNames = {
  subscribed: 'subscribed',
  unsubscribed: 'unsubscribed',
  /** A type's day: leavers by source. */
  bySource: (source: string) => `u_${source}`,
  /** A mailing: opt-outs by channel (beside the sending and feedback counters). */
  byChannel: (channel: MailingChannel) => `unsub_${channel}`,
} as const;

/** The UTC date of an ISO time: `YYYY-MM-DD`. */
export const dateOf = (iso: string): string => iso.slice(0, 10);

const isChannel = (source: Source): source is MailingChannel => Object.hasOwn(mailingChannels, source);

/** Whether an entry is an opt-out: leaving a type, or withdrawing e-marketing consent. */
const isOptOut = (entry: HistoryEntry): boolean =>
  (entry.change === 'subscription' && entry.to === 'unsubscribed' && entry.from !== 'unsubscribed') ||
  (entry.change === 'consent' && entry.to === 'withdrawn' && entry.from !== 'withdrawn');

/** Adds deltas to a counter item in `adds`, merging with what is there. */
const addTo = (
  adds: Map<string, { target: CounterTarget; deltas: Record<string, number> }>,
  target: CounterTarget,
  deltas: Record<string, number>,
) => {
  const id = JSON.stringify(target);
  const found = adds.get(id) ?? { target, deltas: {} };
  for (const [name, value] of Object.entries(deltas)) found.deltas[name] = (found.deltas[name] ?? 0) + value;
  adds.set(id, found);
};

type Adds = Parameters<typeof addTo>[0];

const joined = (adds: Adds, typeId: string, date: string) =>
  addTo(adds, { kind: 'type_day', typeId, date }, { [counterNames.subscribed]: 1 });

const left = (adds: Adds, typeId: string, date: string, source: string) =>
  addTo(
    adds,
    { kind: 'type_day', typeId, date },
    { [counterNames.unsubscribed]: 1, [counterNames.bySource(source)]: 1 },
  );

const withoutZeros = (adds: Iterable<{ target: CounterTarget; deltas: Record<string, number> }>) =>
  [...adds]
    .map(({ target, deltas }) => ({
      target,
      deltas: Object.fromEntries(Object.entries(deltas).filter(([, v]) => v !== 0)),
    }))
    .filter((add) => Object.keys(add.deltas).length > 0);

/**
 * What one write of a contact item adds: the entries it put into the outbox (oldest first, as
 * domain/events.ts `addedEntries` gives them).
 */
export const writeContributions = (contactId: string, added: readonly HistoryEntry[]): Contribution[] => {
  const first = added[0];
  if (!first) return [];
  const adds = new Map<string, { target: CounterTarget; deltas: Record<string, number> }>();
  const mailings = new Map<string, Contribution>();
  for (const entry of added) {
    if (entry.change === 'subscription' && entry.typeId) {
      const date = dateOf(entry.at);
      if (entry.to === 'subscribed' && entry.from !== 'subscribed') joined(adds, entry.typeId, date);
      else if (entry.from === 'subscribed' && entry.to !== 'subscribed')
        left(adds, entry.typeId, date, entry.source);
    }
    if (entry.mailingId && isChannel(entry.source) && isOptOut(entry)) {
      const key = `m:${entry.mailingId}:${contactId}`;
      if (!mailings.has(key))
        mailings.set(key, {
          key,
          lasting: true,
          adds: [
            {
              target: { kind: 'mailing', mailingId: entry.mailingId },
              deltas: { [counterNames.unsubscribed]: 1, [counterNames.byChannel(entry.source)]: 1 },
            },
          ],
        });
    }
  }
  const typeAdds = withoutZeros(adds.values());
  return [
    ...(typeAdds.length ? [{ key: `w:${contactId}:${first.id}`, lasting: false, adds: typeAdds }] : []),
    ...mailings.values(),
  ];
};

/** What an erasure adds: every type the person was subscribed to loses them (source `erasure`). */
export const erasureContributions = (
  contactId: string,
  subscriptions: Readonly<Record<string, Subscription>>,
  at: string,
): Contribution[] => {
  const adds = new Map<string, { target: CounterTarget; deltas: Record<string, number> }>();
  for (const [typeId, subscription] of Object.entries(subscriptions))
    if (subscription.status === 'subscribed') left(adds, typeId, dateOf(at), 'erasure');
  const typeAdds = withoutZeros(adds.values());
  return typeAdds.length ? [{ key: `x:${contactId}`, lasting: false, adds: typeAdds }] : [];
};

// ---------------------------------------------------------------------------------------------
// Reading them back

/** A mailing's opt-outs as the API shows them. */
export interface MailingOptOuts {
  unsubscribed: number;
  unsubscribes: Record<(typeof mailingChannels)[MailingChannel], number>;
}

/** The opt-out counters of a mailing's counters item (its raw numbers). */
export const mailingOptOuts = (raw: Readonly<Record<string, number>>): MailingOptOuts => ({
  unsubscribed: raw[counterNames.unsubscribed] ?? 0,
  unsubscribes: Object.fromEntries(
    (Object.entries(mailingChannels) as Array<[MailingChannel, string]>).map(([channel, name]) => [
      name,
      raw[counterNames.byChannel(channel)] ?? 0,
    ]),
  ) as MailingOptOuts['unsubscribes'],
});

/** Rates per message SES accepted (`counts.sent`); null before anything was sent. */
export const ratesPerSent = (counts: {
  sent: number;
  bounced: number;
  complained: number;
  unsubscribed: number;
}): { bounce: number | null; complaint: number | null; unsubscribe: number | null } => {
  const rate = (n: number) => (counts.sent > 0 ? n / counts.sent : null);
  return {
    bounce: rate(counts.bounced),
    complaint: rate(counts.complained),
    unsubscribe: rate(counts.unsubscribed),
  };
};

/** The longest report range, in days. */
export const maxReportDays = 366;
/** The range when none is asked for: the last 30 days, today included. */
export const defaultReportDays = 30;

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether a string is a real calendar date `YYYY-MM-DD` (not 2026-02-30). */
export const isDate = (value: string): boolean => {
  const match = datePattern.exec(value);
  if (!match) return false;
  const time = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return new Date(time).toISOString().slice(0, 10) === value;
};

const dayMs = 24 * 60 * 60 * 1000;
/** `date` moved by `days` (UTC). */
export const addDays = (date: string, days: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * dayMs).toISOString().slice(0, 10);
const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / dayMs);

/** Why a range cannot be reported, as a field and a code. */
export interface RangeProblem {
  field: 'from' | 'to';
  code: 'invalid_date' | 'from_after_to' | 'in_the_future' | 'range_too_long';
  message: string;
}

/**
 * The dates a report covers. Both are optional: `to` defaults to today (UTC) and `from` to 29 days
 * before `to`; a `to` after today reads as today (nothing is counted there yet). Problems: a date
 * that is not a real `YYYY-MM-DD`, `from` after `to` or after today, more than
 * {@link maxReportDays} days.
 */
export const reportRange = (
  asked: { from?: string | undefined; to?: string | undefined },
  today: string,
): { ok: true; from: string; to: string } | { ok: false; problems: RangeProblem[] } => {
  const problems: RangeProblem[] = [];
  for (const field of ['from', 'to'] as const) {
    const value = asked[field];
    if (value !== undefined && !isDate(value))
      problems.push({ field, code: 'invalid_date', message: 'A calendar date as YYYY-MM-DD' });
  }
  if (problems.length) return { ok: false, problems };
  const to = asked.to === undefined || asked.to > today ? today : asked.to;
  const from = asked.from ?? addDays(to, -(defaultReportDays - 1));
  if (from > today)
    problems.push({ field: 'from', code: 'in_the_future', message: `After today (${today}, UTC)` });
  else if (from > to) problems.push({ field: 'from', code: 'from_after_to', message: 'After `to`' });
  else if (daysBetween(from, to) + 1 > maxReportDays)
    problems.push({ field: 'from', code: 'range_too_long', message: `At most ${maxReportDays} days` });
  return problems.length ? { ok: false, problems } : { ok: true, from, to };
};

/** One day's counter item as stored (its date and raw numbers). */
export interface DayCounters {
  date: string;
  counts: Readonly<Record<string, number>>;
}

export interface ReportDay {
  date: string;
  subscribed: number;
  unsubscribed: number;
  /** Subscribed at the end of the day. */
  total: number;
  unsubscribesBySource: Record<string, number>;
}

export interface TypeReport {
  from: string;
  to: string;
  days: ReportDay[];
  summary: {
    subscribed: number;
    unsubscribed: number;
    unsubscribesBySource: Record<string, number>;
    /** Subscribed at the end of the day before `from`, and at the end of `to`. */
    totalBefore: number;
    totalAfter: number;
  };
}

const bySource = (counts: Readonly<Record<string, number>>): Record<string, number> => {
  const prefix = counterNames.bySource('');
  return Object.fromEntries(
    Object.entries(counts)
      .filter(([name, value]) => name.startsWith(prefix) && value !== 0)
      .map(([name, value]) => [name.slice(prefix.length), value]),
  );
};

const sum = (into: Record<string, number>, add: Record<string, number>) => {
  for (const [name, value] of Object.entries(add)) into[name] = (into[name] ?? 0) + value;
  return into;
};

/**
 * The daily series of a type from its counters: every date of the range, days without a change
 * included (zeros, the total carried). A day's total is the sum of what every day up to it added,
 * so `days` holds the type's day items from its first to `to`.
 */
export const typeReport = (range: { from: string; to: string }, days: readonly DayCounters[]): TypeReport => {
  const byDate = new Map(days.map((d) => [d.date, d.counts]));
  const net = (counts: Readonly<Record<string, number>> | undefined) =>
    (counts?.[counterNames.subscribed] ?? 0) - (counts?.[counterNames.unsubscribed] ?? 0);
  let totalBefore = 0;
  for (const day of days) if (day.date < range.from) totalBefore += net(day.counts);
  const series: ReportDay[] = [];
  let total = totalBefore;
  for (let date = range.from; date <= range.to; date = addDays(date, 1)) {
    const counts = byDate.get(date);
    total += net(counts);
    series.push({
      date,
      subscribed: counts?.[counterNames.subscribed] ?? 0,
      unsubscribed: counts?.[counterNames.unsubscribed] ?? 0,
      total,
      unsubscribesBySource: counts ? bySource(counts) : {},
    });
  }
  return {
    from: range.from,
    to: range.to,
    days: series,
    summary: {
      subscribed: series.reduce((n, d) => n + d.subscribed, 0),
      unsubscribed: series.reduce((n, d) => n + d.unsubscribed, 0),
      unsubscribesBySource: series.reduce((all, d) => sum(all, d.unsubscribesBySource), {}),
      totalBefore,
      totalAfter: total,
    },
  };
};
