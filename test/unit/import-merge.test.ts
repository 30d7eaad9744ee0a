/**
 * The consent-safe merge of a CSV import (shared/domain/import.ts): one table of cases, each a
 * stored contact, a row and what the row may do; then every personal opt-in and opt-out against
 * every request a file can make, in both modes.
 */
import { describe, expect, it } from 'vitest';
import type { ContactState, Source, Subscription } from '#shared/domain/contact.ts';
import { parseEmail } from '#shared/domain/email.ts';
import {
  decideRow,
  type ImportMode,
  mapColumns,
  personalSources,
  readRow,
  type RowInput,
  type RowOutcome,
} from '#shared/domain/import.ts';
import type { SubscriptionType } from '#shared/domain/subscription-type.ts';

const at = '2026-01-10T10:00:00.000Z';
const type = (id: string, extra: Partial<SubscriptionType> = {}): SubscriptionType => ({
  id,
  name: id,
  description: '',
  public: true,
  doubleOptIn: false,
  archived: false,
  createdAt: at,
  updatedAt: at,
  ...extra,
});
const types = new Map([
  ['news', type('news')],
  ['doi', type('doi', { doubleOptIn: true })],
  ['old', type('old', { archived: true })],
]);
const address = (parseEmail('ada@example.org') as { ok: true; address: RowInput['address'] }).address;

const contact = (over: Partial<ContactState> = {}): ContactState => ({
  id: '01h00000000000000000000001',
  email: address.email,
  emailKey: address.key,
  firstName: 'Ada',
  fields: { company: 'Acme' },
  interests: ['tea'],
  consent: { status: 'none', legalBasis: null, source: null, at: null },
  subscriptions: {},
  createdAt: at,
  updatedAt: at,
  ...over,
});
const sub = (status: Subscription['status'], source: Source): Subscription => ({ status, source, at });
const granted = (source: Source) => ({
  status: 'granted' as const,
  legalBasis: 'consent' as const,
  source,
  at,
});
const withdrawn = (source: Source) => ({
  status: 'withdrawn' as const,
  legalBasis: 'consent' as const,
  source,
  at,
});

const row = (over: Partial<RowInput> = {}): RowInput => ({ address, subscriptions: {}, ...over });

const decide = (mode: ImportMode, r: RowInput, current?: ContactState, suppression?: string) =>
  decideRow({
    mode,
    row: r,
    current,
    suppression,
    types,
    ctx: { at: '2026-02-01T00:00:00.000Z', actor: 'key1', source: 'import', requestId: 'job1' },
    newId: '01h00000000000000000000009',
  });

type Expect = { kind: RowOutcome['kind']; code?: string; check?: (next: ContactState) => void };

const cases: Array<[string, ImportMode, ContactState | undefined, RowInput, Expect, string?]> = [
  [
    'a new address with consent and a subscription is created',
    'add',
    undefined,
    row({ consent: { status: 'granted', source: 'form' }, subscriptions: { news: 'subscribed' } }),
    {
      kind: 'created',
      check: (c) => {
        expect(c.consent).toMatchObject({ status: 'granted', source: 'form', legalBasis: 'consent' });
        expect(c.subscriptions.news?.status).toBe('subscribed');
      },
    },
  ],
  [
    'a new address records an explicit opt-out',
    'add',
    undefined,
    row({ subscriptions: { news: 'unsubscribed' } }),
    { kind: 'created', check: (c) => expect(c.subscriptions.news?.status).toBe('unsubscribed') },
  ],
  [
    'a suppressed address is skipped, never created',
    'add',
    undefined,
    row({ subscriptions: { news: 'subscribed' } }),
    { kind: 'skipped', code: 'suppressed' },
    'hard_bounce',
  ],
  [
    'an erased address is skipped even with consent',
    'update',
    undefined,
    row({ consent: { status: 'granted', source: 'form', evidence: { collectedAt: at } } }),
    { kind: 'skipped', code: 'suppressed' },
    'erased',
  ],
  [
    'a contact whose address is suppressed is skipped',
    'update',
    contact({ suppressed: 'complaint' }),
    row({ firstName: 'Bob' }),
    { kind: 'skipped', code: 'suppressed' },
  ],
  [
    'empty cells change nothing: no withdrawal, no unsubscribe',
    'update',
    contact({ consent: granted('form'), subscriptions: { news: sub('subscribed', 'api') } }),
    row(),
    { kind: 'unchanged' },
  ],
  [
    'the same values again change nothing',
    'add',
    contact({ consent: granted('form'), subscriptions: { news: sub('subscribed', 'api') } }),
    row({
      firstName: 'Ada',
      consent: { status: 'granted', source: 'form' },
      subscriptions: { news: 'subscribed' },
    }),
    { kind: 'unchanged' },
  ],
  [
    'a subscription never asked is added',
    'add',
    contact(),
    row({ subscriptions: { news: 'subscribed' } }),
    {
      kind: 'updated',
      check: (c) => expect(c.subscriptions.news).toMatchObject({ status: 'subscribed', source: 'import' }),
    },
  ],
  [
    'a double opt-in type goes pending',
    'add',
    contact(),
    row({ subscriptions: { doi: 'subscribed' } }),
    { kind: 'updated', check: (c) => expect(c.subscriptions.doi?.status).toBe('pending') },
  ],
  [
    'an archived type takes no new subscription: the row fails',
    'add',
    contact(),
    row({ subscriptions: { old: 'subscribed' } }),
    { kind: 'failed', code: 'type_archived' },
  ],
  [
    'an explicit opt-out of a subscription set by the API is recorded',
    'update',
    contact({ subscriptions: { news: sub('subscribed', 'api') } }),
    row({ subscriptions: { news: 'unsubscribed' } }),
    { kind: 'updated', check: (c) => expect(c.subscriptions.news?.status).toBe('unsubscribed') },
  ],
  [
    'an unsubscribe recorded by the API is never undone',
    'update',
    contact({ subscriptions: { news: sub('unsubscribed', 'api') } }),
    row({ subscriptions: { news: 'subscribed' } }),
    { kind: 'skipped', code: 'unsubscribed' },
  ],
  [
    'a one-click unsubscribe is the person’s own: skipped',
    'update',
    contact({ subscriptions: { news: sub('unsubscribed', 'one_click') } }),
    row({ subscriptions: { news: 'subscribed' } }),
    { kind: 'skipped', code: 'own_choice' },
  ],
  [
    'a subscription confirmed by the person is not unsubscribed by a file',
    'update',
    contact({ subscriptions: { news: sub('subscribed', 'confirmation') } }),
    row({ subscriptions: { news: 'unsubscribed' } }),
    { kind: 'skipped', code: 'own_choice' },
  ],
  [
    'consent withdrawn through a complaint is never granted again',
    'update',
    contact({ consent: withdrawn('complaint') }),
    row({ consent: { status: 'granted', source: 'form', evidence: { collectedAt: at } } }),
    { kind: 'skipped', code: 'own_choice' },
  ],
  [
    'consent withdrawn by the API is never granted again by a file',
    'update',
    contact({ consent: withdrawn('api') }),
    row({ consent: { status: 'granted', source: 'form', evidence: { text: 'Yes please' } } }),
    { kind: 'skipped', code: 'consent_withdrawn' },
  ],
  [
    'consent granted on the preference page is not withdrawn by a file',
    'add',
    contact({ consent: granted('preference_page') }),
    row({ consent: { status: 'withdrawn' } }),
    { kind: 'skipped', code: 'own_choice' },
  ],
  [
    'granting consent needs its source',
    'add',
    contact(),
    row({ consent: { status: 'granted' } }),
    { kind: 'failed', code: 'consent_source_required' },
  ],
  [
    'granting consent in update mode needs evidence',
    'update',
    contact(),
    row({ consent: { status: 'granted', source: 'form' } }),
    { kind: 'failed', code: 'consent_evidence_required' },
  ],
  [
    'with evidence, update mode grants it (evidence recorded)',
    'update',
    contact(),
    row({ consent: { status: 'granted', source: 'form', evidence: { collectedAt: at, textVersion: 'v3' } } }),
    { kind: 'updated', check: (c) => expect(c.consent).toMatchObject({ status: 'granted', source: 'form' }) },
  ],
  [
    'add keeps a stored name and fills an empty attribute',
    'add',
    contact(),
    row({ firstName: 'Bob', lastName: 'Lovelace' }),
    { kind: 'updated', check: (c) => expect([c.firstName, c.lastName]).toEqual(['Ada', 'Lovelace']) },
  ],
  [
    'add changes no stored value: a different name alone is unchanged',
    'add',
    contact(),
    row({ firstName: 'Bob' }),
    { kind: 'unchanged' },
  ],
  [
    'update replaces what the row states, and keeps what it leaves empty',
    'update',
    contact(),
    row({ firstName: 'Bob', fields: { city: 'Uppsala' } }),
    {
      kind: 'updated',
      check: (c) => {
        expect(c.firstName).toBe('Bob');
        expect(c.fields).toEqual({ company: 'Acme', city: 'Uppsala' });
      },
    },
  ],
  [
    'interests are only added',
    'update',
    contact(),
    row({ interests: ['coffee'] }),
    { kind: 'updated', check: (c) => expect(c.interests).toEqual(['tea', 'coffee']) },
  ],
  [
    'a refused part skips the whole row: nothing else applies',
    'update',
    contact({ subscriptions: { news: sub('unsubscribed', 'preference_page') } }),
    row({ firstName: 'Bob', subscriptions: { news: 'subscribed' } }),
    { kind: 'skipped', code: 'own_choice' },
  ],
];

describe('the consent-safe merge', () => {
  it.each(cases)('%s (%s)', (_name, mode, current, r, want, suppression) => {
    const outcome = decide(mode, r, current, suppression);
    expect(outcome.kind).toBe(want.kind);
    if (want.code)
      expect(
        (outcome as { code?: string; reason?: string }).code ?? (outcome as { reason?: string }).reason,
      ).toBe(want.code);
    if (want.check && (outcome.kind === 'created' || outcome.kind === 'updated'))
      want.check(outcome.change.next);
    if (outcome.kind === 'updated') expect(outcome.change.entries.length).toBeGreaterThan(0);
  });

  it('never changes a choice the person made themselves, whatever the file asks and in either mode', () => {
    let tried = 0;
    for (const source of personalSources)
      for (const stored of ['subscribed', 'unsubscribed'] as const)
        for (const wanted of ['subscribed', 'unsubscribed'] as const)
          for (const mode of ['add', 'update'] as const) {
            const current = contact({ subscriptions: { news: sub(stored, source) } });
            const outcome = decide(mode, row({ firstName: 'Eve', subscriptions: { news: wanted } }), current);
            tried++;
            if (stored === wanted)
              expect(outcome.kind, `${source} ${stored}→${wanted} ${mode}`).not.toBe('skipped');
            else
              expect(outcome, `${source} ${stored}→${wanted} ${mode}`).toMatchObject({
                kind: 'skipped',
                reason: 'own_choice',
              });
            if (outcome.kind === 'updated')
              expect(outcome.change.next.subscriptions.news).toEqual(sub(stored, source));
          }
    for (const source of personalSources)
      for (const stored of [granted(source), withdrawn(source)])
        for (const wanted of ['granted', 'withdrawn'] as const) {
          const current = contact({ consent: stored });
          const outcome = decide(
            'update',
            row({ consent: { status: wanted, source: 'form', evidence: { collectedAt: at } } }),
            current,
          );
          tried++;
          if (stored.status === wanted) expect(outcome.kind).toBe('unchanged');
          else expect(outcome).toMatchObject({ kind: 'skipped', reason: 'own_choice' });
        }
    expect(tried).toBe(personalSources.size * 12);
  });

  it('names the job only on the creation entry of a new contact', () => {
    const outcome = decide(
      'add',
      row({ consent: { status: 'granted', source: 'form' }, subscriptions: { news: 'subscribed' } }),
    );
    if (outcome.kind !== 'created') throw new Error(outcome.kind);
    expect(outcome.change.entries.map((e) => [e.change, e.requestId])).toEqual([
      ['created', 'job1'],
      ['consent', undefined],
      ['subscription', undefined],
    ]);
  });
});

describe('reading a row', () => {
  const headers = [
    'Email',
    'First name',
    'news',
    'consent',
    'consent_source',
    'consent_at',
    'fields.city',
    'interests',
    'notes',
  ];
  const mapped = mapColumns(headers, [...types.values()]);
  if (!mapped.ok) throw new Error(mapped.error.message);
  const read = (cells: string[], defaults = {}) =>
    readRow(cells, headers, mapped.mapping, defaults, 7, Date.parse('2026-02-01T00:00:00Z'));

  it('maps headers by name, aliases, type names and fields, and lists what it ignores', () => {
    expect(mapped.mapping.targets).toEqual([
      'email',
      'firstName',
      'subscriptions.news',
      'consent',
      'consentSource',
      'consentAt',
      'fields.city',
      'interests',
      null,
    ]);
    expect(mapped.mapping.ignored).toEqual(['notes']);
  });

  it('reads yes/no, dates, interests and fields', () => {
    const r = read([
      'ada@example.org',
      'Ada',
      'yes',
      'granted',
      'form',
      '2025-05-17',
      'Uppsala',
      'tea | coffee',
      'x',
    ]);
    expect(r).toMatchObject({
      ok: true,
      row: {
        firstName: 'Ada',
        subscriptions: { news: 'subscribed' },
        consent: { status: 'granted', source: 'form', evidence: { collectedAt: '2025-05-17T00:00:00.000Z' } },
        fields: { city: 'Uppsala' },
        interests: ['tea', 'coffee'],
      },
    });
  });

  it('refuses a formula, a 10,000-character cell and a bad address, naming row and column', () => {
    const r = read([
      'not-an-address',
      '=HYPERLINK("http://evil.example","x")',
      '',
      '',
      '',
      '',
      'x'.repeat(10_000),
      '',
      '',
    ]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => [e.line, e.column, e.code])).toEqual([
      [7, 'First name', 'formula'],
      [7, 'fields.city', 'too_long'],
      [7, 'Email', 'invalid_email'],
    ]);
  });

  it('fills empty cells from the defaults, and cells win over them', () => {
    const r = read(['ada@example.org', '', '', '', '', '', '', '', ''], {
      subscriptions: { news: 'subscribed', doi: 'subscribed' },
      consent: { status: 'granted', legalBasis: 'consent' },
      source: 'form',
    });
    expect(r).toMatchObject({
      ok: true,
      row: {
        subscriptions: { news: 'subscribed', doi: 'subscribed' },
        consent: { status: 'granted', source: 'form' },
      },
    });
    const cell = read(['ada@example.org', '', 'no', '', '', '', '', '', ''], {
      subscriptions: { news: 'subscribed' },
    });
    expect(cell).toMatchObject({ ok: true, row: { subscriptions: { news: 'unsubscribed' } } });
  });

  it('fails a file without an e-mail column, and takes a mapping instead of headers', () => {
    expect(mapColumns(['name', 'phone'], [])).toMatchObject({
      ok: false,
      error: { code: 'missing_email_column' },
    });
    const over = mapColumns(['E-post', 'Nyhetsbrev', 'Övrigt'], [...types.values()], {
      'e-post': 'email',
      Nyhetsbrev: 'subscriptions.news',
      Övrigt: 'ignore',
    });
    expect(over).toMatchObject({ ok: true, mapping: { targets: ['email', 'subscriptions.news', null] } });
    expect(mapColumns(['email', 'Email'], [])).toMatchObject({
      ok: false,
      error: { code: 'duplicate_column' },
    });
    expect(mapColumns(['email'], [], { phone: 'email' })).toMatchObject({
      ok: false,
      error: { code: 'unknown_column' },
    });
  });
});
