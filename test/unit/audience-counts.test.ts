/** What a committed change adds to the audience counters, and how they read back as a report. Pure. */
import { describe, expect, it } from 'vitest';
import {
  type Contribution,
  erasureContributions,
  mailingOptOuts,
  ratesPerSent,
  reportRange,
  typeReport,
  writeContributions,
} from '#shared/domain/audience-counts.ts';
import type { HistoryEntry } from '#shared/domain/contact.ts';

const contact = 'c1';
const news = 'tNews';
const events = 'tEvents';
let n = 0;
const entry = (fields: Partial<HistoryEntry>): HistoryEntry => ({
  id: `e${++n}`,
  at: '2026-05-04T23:59:59.000Z',
  change: 'subscription',
  from: null,
  to: null,
  source: 'api',
  actor: 'k1',
  ...fields,
});
const day = (typeId: string, date = '2026-05-04') => ({ kind: 'type_day' as const, typeId, date });

describe('what a write of a contact adds to the counters', () => {
  const joined = (typeId: string, date?: string): Contribution['adds'] => [
    { target: day(typeId, date), deltas: { subscribed: 1 } },
  ];
  const left = (typeId: string, source: string): Contribution['adds'] => [
    { target: day(typeId), deltas: { unsubscribed: 1, [`u_${source}`]: 1 } },
  ];
  const cases: Array<[string, Array<Partial<HistoryEntry>>, Contribution['adds']]> = [
    ['a new subscription (never asked)', [{ typeId: news, to: 'subscribed' }], joined(news)],
    [
      'a confirmed double opt-in (pending → subscribed)',
      [{ typeId: news, from: 'pending', to: 'subscribed' }],
      joined(news),
    ],
    [
      'subscribing again after leaving',
      [{ typeId: news, from: 'unsubscribed', to: 'subscribed' }],
      joined(news),
    ],
    ['a subscription that waits for its confirmation', [{ typeId: news, to: 'pending' }], []],
    [
      'a repeated subscribe (recorded, no change)',
      [{ typeId: news, from: 'subscribed', to: 'subscribed' }],
      [],
    ],
    [
      'leaving, by one-click',
      [{ typeId: news, from: 'subscribed', to: 'unsubscribed', source: 'one_click' }],
      left(news, 'one_click'),
    ],
    [
      'leaving, by import',
      [{ typeId: news, from: 'subscribed', to: 'unsubscribed', source: 'import' }],
      left(news, 'import'),
    ],
    ['an unsubscribe of someone never subscribed', [{ typeId: news, to: 'unsubscribed' }], []],
    ['a pending subscription withdrawn', [{ typeId: news, from: 'pending', to: 'unsubscribed' }], []],
    [
      'consent, profile and interest entries',
      [{ change: 'consent', to: 'granted' }, { change: 'profile' }, { change: 'interests' }],
      [],
    ],
    [
      'a day boundary: the day is the UTC date of the entry',
      [{ typeId: news, to: 'subscribed', at: '2026-05-05T00:00:00.000Z' }],
      joined(news, '2026-05-05'),
    ],
  ];
  it.each(cases)('%s', (_name, entries, adds) => {
    const result = writeContributions(contact, entries.map(entry));
    const typeCounts = result.filter((c) => c.key.startsWith('w:'));
    expect(typeCounts.flatMap((c) => c.adds)).toEqual(adds);
    for (const c of typeCounts) expect(c.lasting).toBe(false);
  });

  it('keys a write by its contact and first entry: one key for all its entries, merged per counter item', () => {
    const entries = [
      entry({ typeId: news, to: 'subscribed' }),
      entry({ typeId: events, to: 'subscribed' }),
      entry({ typeId: news, from: 'subscribed', to: 'unsubscribed', source: 'api' }),
    ];
    const [only, ...rest] = writeContributions(contact, entries);
    expect(rest).toEqual([]);
    expect(only?.key).toBe(`w:${contact}:${entries[0]?.id}`);
    expect(only?.adds).toEqual([
      { target: day(news), deltas: { subscribed: 1, unsubscribed: 1, u_api: 1 } },
      { target: day(events), deltas: { subscribed: 1 } },
    ]);
  });

  it("counts a mailing's recipient once, by the channel of the first opt-out through it, for good", () => {
    const m = 'm1';
    const result = writeContributions(contact, [
      entry({
        typeId: news,
        from: 'subscribed',
        to: 'unsubscribed',
        source: 'preference_page',
        mailingId: m,
      }),
      entry({
        typeId: events,
        from: 'subscribed',
        to: 'unsubscribed',
        source: 'preference_page',
        mailingId: m,
      }),
      entry({ change: 'consent', from: 'granted', to: 'withdrawn', source: 'preference_page', mailingId: m }),
    ]);
    const mailing = result.filter((c) => c.key.startsWith('m:'));
    expect(mailing).toEqual([
      {
        key: `m:${m}:${contact}`,
        lasting: true,
        adds: [
          {
            target: { kind: 'mailing', mailingId: m },
            deltas: { unsubscribed: 1, unsub_preference_page: 1 },
          },
        ],
      },
    ]);
  });

  const optOut: Array<[string, Partial<HistoryEntry>, string | undefined]> = [
    [
      'one-click',
      { typeId: news, from: 'subscribed', to: 'unsubscribed', source: 'one_click' },
      'unsub_one_click',
    ],
    ['mailto', { typeId: news, from: 'subscribed', to: 'unsubscribed', source: 'mailto' }, 'unsub_mailto'],
    [
      'a tracked link',
      { typeId: news, from: 'subscribed', to: 'unsubscribed', source: 'link' },
      'unsub_link',
    ],
    [
      'everything, on the page',
      { change: 'consent', from: 'granted', to: 'withdrawn', source: 'preference_page' },
      'unsub_preference_page',
    ],
    [
      'a pending type left',
      { typeId: news, from: 'pending', to: 'unsubscribed', source: 'link' },
      'unsub_link',
    ],
    [
      'a complaint (not a channel of the mailing)',
      { change: 'consent', from: 'granted', to: 'withdrawn', source: 'complaint' },
      undefined,
    ],
    [
      'an unsubscribe repeated',
      { typeId: news, from: 'unsubscribed', to: 'unsubscribed', source: 'one_click' },
      undefined,
    ],
    [
      'a subscribe through a link',
      { typeId: news, from: 'unsubscribed', to: 'subscribed', source: 'link' },
      undefined,
    ],
  ];
  it.each(optOut)('mailing opt-out through %s', (_name, fields, counter) => {
    const mailing = writeContributions(contact, [entry({ ...fields, mailingId: 'm2' })]).filter((c) =>
      c.key.startsWith('m:'),
    );
    expect(mailing.flatMap((c) => Object.keys(c.adds[0]?.deltas ?? {}))).toEqual(
      counter ? ['unsubscribed', counter] : [],
    );
  });

  it('counts no mailing for an opt-out that came through no mailing', () => {
    expect(
      writeContributions(contact, [
        entry({ typeId: news, from: 'subscribed', to: 'unsubscribed', source: 'one_click' }),
      ]).map((c) => c.key.slice(0, 2)),
    ).toEqual(['w:']);
  });
});

describe('what an erasure adds', () => {
  it('takes the person from every type they were subscribed to, as source erasure, on the day of the erasure', () => {
    const result = erasureContributions(
      contact,
      {
        [news]: { status: 'subscribed', source: 'api', at: '2026-01-01T00:00:00.000Z' },
        [events]: { status: 'unsubscribed', source: 'api', at: '2026-01-01T00:00:00.000Z' },
        tWeb: { status: 'pending', source: 'link', at: '2026-01-01T00:00:00.000Z' },
      },
      '2026-05-04T10:00:00.000Z',
    );
    expect(result).toEqual([
      {
        key: `x:${contact}`,
        lasting: false,
        adds: [{ target: day(news), deltas: { unsubscribed: 1, u_erasure: 1 } }],
      },
    ]);
    expect(erasureContributions(contact, {}, '2026-05-04T10:00:00.000Z')).toEqual([]);
  });
});

describe("a mailing's opt-outs and rates", () => {
  it('reads the channels from the counters item, zeros when absent', () => {
    expect(mailingOptOuts({ sent: 10, unsubscribed: 3, unsub_one_click: 2, unsub_mailto: 1 })).toEqual({
      unsubscribed: 3,
      unsubscribes: { oneClick: 2, preferencePage: 0, mailto: 1, link: 0 },
    });
  });

  it('are per message sent, and null before anything was sent', () => {
    expect(ratesPerSent({ sent: 200, bounced: 4, complained: 1, unsubscribed: 10 })).toEqual({
      bounce: 0.02,
      complaint: 0.005,
      unsubscribe: 0.05,
    });
    expect(ratesPerSent({ sent: 0, bounced: 0, complained: 0, unsubscribed: 0 })).toEqual({
      bounce: null,
      complaint: null,
      unsubscribe: null,
    });
  });
});

describe('the report range', () => {
  const today = '2026-05-20';
  const cases: Array<[string, { from?: string; to?: string }, { from: string; to: string } | string[]]> = [
    ['none asked: the last 30 days', {}, { from: '2026-04-21', to: today }],
    ['only from', { from: '2026-05-01' }, { from: '2026-05-01', to: today }],
    ['only to', { to: '2026-03-31' }, { from: '2026-03-02', to: '2026-03-31' }],
    ['one day', { from: '2026-05-20', to: '2026-05-20' }, { from: today, to: today }],
    [
      'a to after today reads as today',
      { from: '2026-05-01', to: '2026-12-31' },
      { from: '2026-05-01', to: today },
    ],
    ['366 days', { from: '2025-05-20', to: '2026-05-20' }, { from: '2025-05-20', to: today }],
    ['367 days', { from: '2025-05-19', to: '2026-05-20' }, ['from:range_too_long']],
    ['from after to', { from: '2026-05-02', to: '2026-05-01' }, ['from:from_after_to']],
    ['from after today', { from: '2026-05-21' }, ['from:in_the_future']],
    ['no such day', { from: '2026-02-29', to: '2026-02-30' }, ['from:invalid_date', 'to:invalid_date']],
    ['a leap day is a day', { from: '2028-02-29', to: '2028-02-29' }, ['from:in_the_future']],
    ['not ISO', { from: '05/01/2026' }, ['from:invalid_date']],
    ['a time', { to: '2026-05-01T00:00:00Z' }, ['to:invalid_date']],
  ];
  it.each(cases)('%s', (_name, asked, expected) => {
    const result = reportRange(asked, today);
    if (Array.isArray(expected)) {
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.problems.map((p) => `${p.field}:${p.code}`)).toEqual(expected);
    } else expect(result).toEqual({ ok: true, ...expected });
  });
});

describe('the daily series', () => {
  it('lists every day, zeros where nothing changed, each total the sum of the days up to it', () => {
    const report = typeReport({ from: '2026-05-01', to: '2026-05-04' }, [
      // Before the range: the total it starts from.
      { date: '2026-03-10', counts: { subscribed: 12 } },
      { date: '2026-04-30', counts: { subscribed: 1, unsubscribed: 3, u_api: 3 } },
      { date: '2026-05-02', counts: { subscribed: 5, unsubscribed: 1, u_one_click: 1 } },
      { date: '2026-05-04', counts: { subscribed: 1, unsubscribed: 2, u_mailto: 1, u_link: 1 } },
      // After `to`: not part of the range.
      { date: '2026-05-06', counts: { subscribed: 10 } },
    ]);
    expect(report.days).toEqual([
      { date: '2026-05-01', subscribed: 0, unsubscribed: 0, total: 10, unsubscribesBySource: {} },
      {
        date: '2026-05-02',
        subscribed: 5,
        unsubscribed: 1,
        total: 14,
        unsubscribesBySource: { one_click: 1 },
      },
      { date: '2026-05-03', subscribed: 0, unsubscribed: 0, total: 14, unsubscribesBySource: {} },
      {
        date: '2026-05-04',
        subscribed: 1,
        unsubscribed: 2,
        total: 13,
        unsubscribesBySource: { mailto: 1, link: 1 },
      },
    ]);
    expect(report.summary).toEqual({
      subscribed: 6,
      unsubscribed: 3,
      unsubscribesBySource: { one_click: 1, mailto: 1, link: 1 },
      totalBefore: 10,
      totalAfter: 13,
    });
  });

  it('spans months and a leap day', () => {
    const report = typeReport({ from: '2028-02-27', to: '2028-03-01' }, [
      { date: '2027-01-01', counts: { subscribed: 7 } },
    ]);
    expect(report.days.map((d) => [d.date, d.total])).toEqual([
      ['2028-02-27', 7],
      ['2028-02-28', 7],
      ['2028-02-29', 7],
      ['2028-03-01', 7],
    ]);
  });
});
