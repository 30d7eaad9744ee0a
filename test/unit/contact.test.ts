import { describe, expect, it } from 'vitest';
import {
  type ChangeContext,
  type ContactState,
  assignEntryIds,
  idTime,
  importIntoContact,
  membershipsOf,
  newContact,
  patchContact,
  setConsent,
  setSubscription,
} from '#shared/domain/contact.ts';
import { RuleViolationError } from '#shared/domain/errors.ts';
import { newId } from '#shared/domain/ids.ts';
import { type SubscriptionType, subscriptionOutcome } from '#shared/domain/subscription-type.ts';

const type = (id: string, flags: Partial<SubscriptionType> = {}): SubscriptionType => ({
  id,
  name: id,
  description: '',
  public: true,
  doubleOptIn: false,
  archived: false,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...flags,
});
const news = type('news');
const events = type('events');
const confirmed = type('confirmed', { doubleOptIn: true });
const old = type('old', { archived: true });
const types = new Map([news, events, confirmed, old].map((t) => [t.id, t]));

const ctx: ChangeContext = { at: '2026-05-01T10:00:00.000Z', actor: 'key1', source: 'api' };
const address = { email: 'Ada@example.com', key: 'ada@example.com' };

const base = (): ContactState =>
  newContact(
    { id: 'c1', address, consent: { status: 'granted' }, subscriptions: { news: 'subscribed' } },
    types,
    ctx,
  ).next;

describe('subscription outcome', () => {
  it('unsubscribes from any type, archived included', () => {
    expect(subscriptionOutcome(old, 'subscribed', 'unsubscribed')).toBe('unsubscribed');
  });
  it('refuses subscribing to an archived type', () => {
    expect(() => subscriptionOutcome(old, undefined, 'subscribed')).toThrow(RuleViolationError);
  });
  it('makes a double opt-in subscription pending until confirmed, and keeps a confirmed one', () => {
    expect(subscriptionOutcome(confirmed, undefined, 'subscribed')).toBe('pending');
    expect(subscriptionOutcome(confirmed, 'unsubscribed', 'subscribed')).toBe('pending');
    expect(subscriptionOutcome(confirmed, 'subscribed', 'subscribed')).toBe('subscribed');
  });
});

describe('contact changes', () => {
  it('records creation, consent and each subscription of a new contact', () => {
    const { next, entries } = newContact(
      {
        id: 'c1',
        address,
        consent: { status: 'granted' },
        subscriptions: { news: 'subscribed', confirmed: 'subscribed' },
      },
      types,
      ctx,
    );
    expect(next.consent).toEqual({ status: 'granted', legalBasis: 'consent', source: 'api', at: ctx.at });
    expect(next.subscriptions).toEqual({
      news: { status: 'subscribed', source: 'api', at: ctx.at },
      confirmed: { status: 'pending', source: 'api', at: ctx.at },
    });
    expect(entries.map((e) => [e.change, e.typeId ?? null, e.from, e.to])).toEqual([
      ['created', null, null, null],
      ['consent', null, 'none', 'granted'],
      ['subscription', 'news', null, 'subscribed'],
      ['subscription', 'confirmed', null, 'pending'],
    ]);
  });

  it('keeps the legal basis a withdrawal withdraws from', () => {
    const contact = setConsent(
      base(),
      { status: 'granted', legalBasis: 'legitimate_interest', source: 'form' },
      ctx,
    ).next;
    const withdrawn = setConsent(contact, { status: 'withdrawn', source: 'one_click' }, ctx);
    expect(withdrawn.next.consent).toMatchObject({ status: 'withdrawn', legalBasis: 'legitimate_interest' });
    expect(withdrawn.entries[0]).toMatchObject({ from: 'granted', to: 'withdrawn', source: 'one_click' });
  });

  it('lifts only an erased mirror when consent is granted', () => {
    const erased = { ...base(), suppressed: 'erased' };
    expect(setConsent(erased, { status: 'granted', source: 'form' }, ctx).next.suppressed).toBeUndefined();
    expect(setConsent(erased, { status: 'withdrawn', source: 'form' }, ctx).next.suppressed).toBe('erased');
    const bounced = { ...base(), suppressed: 'hard_bounce' };
    expect(setConsent(bounced, { status: 'granted', source: 'form' }, ctx).next.suppressed).toBe(
      'hard_bounce',
    );
  });

  it('changes one subscription and leaves the others exactly as they were', () => {
    const contact = base();
    const { next } = setSubscription(contact, events, { status: 'subscribed', source: 'link' }, ctx);
    expect(next.subscriptions.news).toBe(contact.subscriptions.news);
    expect(next.subscriptions.events).toEqual({ status: 'subscribed', source: 'link', at: ctx.at });
  });

  it('is a no-op for a patch that changes nothing, and names changed fields without values', () => {
    const contact = { ...base(), firstName: 'Ada' };
    expect(patchContact(contact, { firstName: 'Ada', interests: [] }, ctx)).toBeUndefined();
    const changed = patchContact(contact, { firstName: null, locale: 'sv' }, ctx);
    expect(changed?.next.firstName).toBeUndefined();
    expect(changed?.entries).toEqual([
      expect.objectContaining({ change: 'profile', fields: ['firstName', 'locale'] }),
    ]);
  });

  it('adds and removes interests, refusing more than 100', () => {
    const contact = { ...base(), interests: ['a', 'b'] };
    const change = patchContact(contact, { addInterests: ['c', 'a'], removeInterests: ['b'] }, ctx);
    expect(change?.next.interests).toEqual(['a', 'c']);
    expect(change?.entries[0]).toMatchObject({ change: 'interests', added: ['c'], removed: ['b'] });
    const many = Array.from({ length: 101 }, (_, i) => `t${i}`);
    expect(() => patchContact(contact, { interests: many }, ctx)).toThrow(RuleViolationError);
  });

  it('imports only what differs, so the same import twice changes nothing the second time', () => {
    const contact = base();
    const input = {
      firstName: 'Ada',
      consent: { status: 'granted' as const },
      subscriptions: { events: 'subscribed' as const },
    };
    const first = importIntoContact(contact, input, types, ctx);
    expect(first?.entries.map((e) => e.change)).toEqual(['profile', 'subscription']);
    expect(importIntoContact(first?.next as ContactState, input, types, ctx)).toBeUndefined();
  });

  it('lists memberships: subscribed types (not pending or unsubscribed) and every interest', () => {
    const contact: ContactState = {
      ...base(),
      interests: ['x'],
      subscriptions: {
        news: { status: 'subscribed', source: 'api', at: ctx.at },
        confirmed: { status: 'pending', source: 'api', at: ctx.at },
        events: { status: 'unsubscribed', source: 'api', at: ctx.at },
      },
    };
    expect(membershipsOf(contact)).toEqual([
      { kind: 'type', typeId: 'news' },
      { kind: 'interest', tag: 'x' },
    ]);
  });
});

describe('history entry ids', () => {
  it('sort after the previous entry even when this clock is behind', () => {
    const later = newId(Date.parse('2030-01-01T00:00:00.000Z'));
    const [entry] = assignEntryIds(
      [{ at: ctx.at, change: 'created', from: null, to: null, source: 'api', actor: 'k' }],
      `${later}-00`,
    );
    expect((entry?.id ?? '') > later).toBe(true);
    expect(idTime(entry?.id ?? '')).toBe(Date.parse('2030-01-01T00:00:00.001Z'));
  });

  it('share one change id per change and keep their order within it', () => {
    const drafts = ['created', 'consent', 'subscription'].map((change) => ({
      at: ctx.at,
      change: change as 'created',
      from: null,
      to: null,
      source: 'api' as const,
      actor: 'k',
    }));
    const ids = assignEntryIds(drafts).map((e) => e.id);
    expect(new Set(ids.map((id) => id.slice(0, 26))).size).toBe(1);
    expect([...ids].sort()).toEqual(ids);
    expect(idTime(ids[0] ?? '')).toBe(Date.parse(ctx.at));
  });
});
