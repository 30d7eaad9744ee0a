import { describe, expect, it } from 'vitest';
import {
  type ChangeContext,
  type ContactState,
  assignEntryIds,
  importIntoContact,
  newContact,
  patchContact,
  setConsent,
  setSubscription,
  setSuppressed,
} from '#shared/domain/contact.ts';
import {
  addedEntries,
  contactEvents,
  erasedEvent,
  eventBody,
  type MailingImage,
  mailingEvents,
} from '#shared/domain/events.ts';
import type { SubscriptionType } from '#shared/domain/subscription-type.ts';

const news: SubscriptionType = {
  id: 'news',
  name: 'News',
  description: '',
  public: true,
  doubleOptIn: false,
  archived: false,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};
const types = new Map([[news.id, news]]);
const ctx: ChangeContext = { at: '2026-05-01T10:00:00.000Z', actor: 'key1', source: 'api' };
const address = { email: 'Ada@example.com', key: 'ada@example.com' };

const created = newContact(
  { id: 'c1', address, consent: { status: 'granted' }, subscriptions: { news: 'subscribed' } },
  types,
  ctx,
);
const ada: ContactState = created.next;
const eventsOf = (entries: ReturnType<typeof assignEntryIds>) => contactEvents(ada, entries);

describe('events of a contact change', () => {
  it('are one per consent, subscription and suppression entry, carrying ids, the change and the address', () => {
    const entries = assignEntryIds(created.entries);
    const events = eventsOf(entries);
    expect(events.map((e) => e.type)).toEqual(['contact.consent.updated', 'contact.subscription.updated']);
    const subscribed = entries.find((e) => e.change === 'subscription');
    expect(events[1]).toEqual({
      id: `evt_${subscribed?.id}`,
      type: 'contact.subscription.updated',
      timestamp: ctx.at,
      data: {
        contactId: 'c1',
        email: 'Ada@example.com',
        subscriptionTypeId: 'news',
        from: null,
        to: 'subscribed',
        source: 'api',
        at: ctx.at,
      },
    });
    expect(JSON.parse(eventBody(events[1] as never))).toEqual({
      type: 'contact.subscription.updated',
      timestamp: ctx.at,
      data: events[1]?.data,
    });
  });

  it('name the mailing an unsubscribe came through, and the legal basis of consent', () => {
    const one = { ...ctx, source: 'one_click' as const };
    const unsub = setSubscription(ada, news, { status: 'unsubscribed', source: 'one_click' }, one);
    const [event] = eventsOf(assignEntryIds(unsub.entries.map((e) => ({ ...e, mailingId: 'm1' }))));
    expect(event?.data).toMatchObject({
      from: 'subscribed',
      to: 'unsubscribed',
      source: 'one_click',
      mailingId: 'm1',
    });
    const [consent] = eventsOf(
      assignEntryIds(setConsent(ada, { status: 'withdrawn', source: 'form' }, ctx).entries),
    );
    expect(consent?.data).toMatchObject({
      from: 'granted',
      to: 'withdrawn',
      legalBasis: 'consent',
      source: 'form',
    });
  });

  it('tell a suppression from its lifting', () => {
    const bounce = setSuppressed(ada, 'hard_bounce', { ...ctx, source: 'bounce', actor: 'system' });
    const [suppressed] = eventsOf(assignEntryIds(bounce?.entries ?? []));
    expect(suppressed).toMatchObject({
      type: 'contact.suppressed',
      data: { from: null, to: 'hard_bounce', source: 'bounce' },
    });
    const lift = setSuppressed(bounce?.next as ContactState, undefined, { ...ctx, source: 'admin' });
    expect(eventsOf(assignEntryIds(lift?.entries ?? []))[0]).toMatchObject({
      type: 'contact.unsuppressed',
      data: { from: 'hard_bounce', to: null, source: 'admin' },
    });
    expect(setSuppressed(ada, undefined, ctx)).toBeUndefined();
  });

  it('record every path that changes whether the address is suppressed', () => {
    const erased = { ...ada, suppressed: 'erased' };
    const grant = setConsent(erased, { status: 'granted', source: 'form' }, ctx);
    expect(grant.entries.map((e) => [e.change, e.from, e.to, e.source])).toEqual([
      ['consent', 'granted', 'granted', 'form'],
      ['suppression', 'erased', null, 'form'],
    ]);
    const imported = importIntoContact(
      { ...erased, consent: { ...erased.consent, status: 'withdrawn' } },
      { consent: { status: 'granted', source: 'import' } },
      types,
      { ...ctx, source: 'import' },
    );
    expect(imported?.entries.map((e) => [e.change, e.to])).toContainEqual(['suppression', null]);
    const moved = patchContact(
      ada,
      { address: { email: 'b@example.com', key: 'b@example.com' }, suppressedAfter: 'complaint' },
      ctx,
    );
    expect(moved?.entries.map((e) => [e.change, e.from, e.to])).toEqual([
      ['email', null, null],
      ['suppression', null, 'complaint'],
    ]);
    const born = newContact({ id: 'c2', address, suppressed: 'erased' }, types, ctx);
    expect(born.entries.at(-1)).toMatchObject({ change: 'suppression', from: null, to: 'erased' });
  });

  it('are none for creation, profile, address and interest changes', () => {
    const patched = patchContact(ada, { firstName: 'Ada', addInterests: ['x'] }, ctx);
    expect(eventsOf(assignEntryIds(patched?.entries ?? []))).toEqual([]);
  });

  it('come from the entries a write added to the outbox, whatever else it holds', () => {
    const [a, b, c] = assignEntryIds(created.entries);
    const before = { [a?.id ?? '']: a, [b?.id ?? '']: b } as never;
    const after = { [b?.id ?? '']: b, [c?.id ?? '']: c } as never;
    expect(addedEntries(before, after)).toEqual([c]);
    expect(addedEntries(undefined, before)).toEqual([a, b]);
    expect(addedEntries(after, after)).toEqual([]);
  });
});

describe('contact.erased', () => {
  it('carries the id and the fingerprint, nothing else', () => {
    expect(erasedEvent('c1', 'ab12', ctx.at)).toEqual({
      id: 'evt_c1-erased',
      type: 'contact.erased',
      timestamp: ctx.at,
      data: { contactId: 'c1', fingerprint: 'ab12' },
    });
  });
});

describe('mailing events', () => {
  const sending: MailingImage = { id: 'm1', status: 'sending', subscriptionTypeId: 'news', listId: 'l1' };
  it('tell when a mailing completes', () => {
    const sent = { ...sending, status: 'sent' as const, completedAt: ctx.at };
    expect(mailingEvents(sending, sent)).toEqual([
      {
        id: 'evt_m1-completed',
        type: 'mailing.completed',
        timestamp: ctx.at,
        data: {
          mailingId: 'm1',
          subscriptionTypeId: 'news',
          listId: 'l1',
          from: 'sending',
          to: 'sent',
          at: ctx.at,
        },
      },
    ]);
    expect(mailingEvents(sent, { ...sent })).toEqual([]);
  });

  it('tell each pause apart, with its reason', () => {
    const reason = { code: 'complaint_rate' as const, rate: 0.01, limit: 0.001, sent: 200, count: 2 };
    const first = mailingEvents(sending, {
      ...sending,
      status: 'paused',
      pausedAt: ctx.at,
      pausedReason: reason,
    });
    const second = mailingEvents(sending, {
      ...sending,
      status: 'paused',
      pausedAt: '2026-05-02T10:00:00.000Z',
      pausedReason: reason,
    });
    expect(first[0]).toMatchObject({
      type: 'mailing.paused',
      data: { reason, from: 'sending', to: 'paused' },
    });
    expect(first[0]?.id).not.toBe(second[0]?.id);
  });

  it('are none for other changes', () => {
    expect(mailingEvents(undefined, { ...sending, status: 'draft' })).toEqual([]);
    expect(mailingEvents(sending, { ...sending, status: 'cancelled' })).toEqual([]);
    expect(mailingEvents(sending, undefined)).toEqual([]);
  });
});
