/**
 * Outgoing events come from the one place every change is recorded: whatever the channel — the API,
 * a batch import, the preference page, one-click, the mailto, a tracked link, a confirmation, a
 * bounce, a complaint, an admin's suppression, an erasure — a receiver subscribed to everything gets
 * the event, signed, with the change's source; and a mailing's milestones too. A consumer that fails
 * half way (its answer lost, or before it queued anything) loses nothing, and what it sends twice
 * carries the same `webhook-id`.
 */
import nodemailer from 'nodemailer';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as mailings from '#shared/adapters/dynamodb/mailings.ts';
import { signingKeys } from '#shared/adapters/secrets/signing-keys.ts';
import { sqs } from '#shared/adapters/sqs/client.ts';
import { eventTypes } from '#shared/domain/events.ts';
import { signToken, type TokenClaims } from '#shared/domain/tokens.ts';
import { eventually } from '#test/helpers/eventually.ts';
import { type FaultableClient, injectOnCommand, SimulatedCrash } from '#test/helpers/faults.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { mailTo } from '#test/helpers/ses-inbox.ts';
import { type Receiver, startReceiver } from '#test/helpers/webhook-receiver.ts';

process.env.REPUTATION_MIN_SENT = '1000';
const { request, stack } = useLocalStack({ eventBus: true });

interface Event {
  id: string;
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

let receiver: Receiver;
let secret: string;
beforeAll(async () => {
  receiver = await startReceiver();
  const hook = await request<{ secret: string }>('POST', '/webhooks', {
    body: { url: receiver.url('/all'), events: [...eventTypes] },
  });
  expect(hook.status, hook.text).toBe(201);
  secret = hook.body.secret;
});
afterAll(async () => {
  await receiver.close();
});

/** Every event received so far, each verified against the endpoint's secret. */
const received = (): Event[] =>
  receiver.at('/all').map((r) => ({
    id: String(r.headers['webhook-id']),
    ...(new Webhook(secret).verify(r.body, r.headers as Record<string, string>) as Omit<Event, 'id'>),
  }));

/** Waits for an event that matches, and answers it. */
const eventFor = (match: (e: Event) => boolean, timeoutMs = 10_000) =>
  eventually(async () => {
    const found = received().find(match);
    if (!found) throw new Error('no such event yet');
    return found;
  }, timeoutMs);

const sign = async (claims: TokenClaims) => signToken(await signingKeys(), claims);
const page = (path: string, init: RequestInit = {}) =>
  fetch(`${stack().apiUrl}${path}`, { redirect: 'manual', ...init });
const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

let seq = 0;
const newType = async (extra: Record<string, unknown> = {}) => {
  const res = await request<{ id: string }>('POST', '/subscription-types', {
    body: { name: `Type ${++seq}`, ...extra },
  });
  expect(res.status, res.text).toBe(201);
  return res.body.id;
};
const newContact = async (email: string, typeId: string, extra: Record<string, unknown> = {}) => {
  const res = await request<{ id: string; email: string }>('POST', '/contacts', {
    body: {
      email,
      consent: { status: 'granted', source: 'form' },
      subscriptions: { [typeId]: 'subscribed' },
      ...extra,
    },
  });
  expect(res.status, res.text).toBe(201);
  return res.body;
};
const of = (contactId: string, type: string) => (e: Event) =>
  e.type === type && e.data.contactId === contactId;

describe('events from every channel', () => {
  it('the API: creation, consent and subscription changes, with source and address', async () => {
    const typeId = await newType();
    const c = await newContact(`api-${seq}@events.example`, typeId);
    const created = await eventFor(of(c.id, 'contact.subscription.updated'));
    expect(created.data).toMatchObject({
      email: c.email,
      subscriptionTypeId: typeId,
      from: null,
      to: 'subscribed',
      source: 'api',
    });
    expect(await eventFor(of(c.id, 'contact.consent.updated'))).toMatchObject({
      data: { from: 'none', to: 'granted', source: 'form', legalBasis: 'consent' },
    });
    await request('PUT', `/contacts/${c.id}/subscriptions/${typeId}`, {
      body: { status: 'unsubscribed', source: 'admin' },
    });
    await eventFor((e) => of(c.id, 'contact.subscription.updated')(e) && e.data.source === 'admin');
    await request('PUT', `/contacts/${c.id}/consent`, { body: { status: 'withdrawn', source: 'api' } });
    const withdrawn = await eventFor(
      (e) => of(c.id, 'contact.consent.updated')(e) && e.data.to === 'withdrawn',
    );
    expect(withdrawn.timestamp).toBe(withdrawn.data.at);
    expect(Date.parse(withdrawn.timestamp)).toBeGreaterThan(Date.parse(created.timestamp));
    // Profile changes are no events.
    const before = received().filter((e) => e.data.contactId === c.id).length;
    await request('PATCH', `/contacts/${c.id}`, { body: { firstName: 'Quiet' } });
    await new Promise((r) => setTimeout(r, 800));
    expect(received().filter((e) => e.data.contactId === c.id)).toHaveLength(before);
  });

  it('a batch import: new and updated contacts', async () => {
    const typeId = await newType();
    const existing = await newContact(`imported-${seq}@events.example`, await newType());
    const res = await request<{ results: Array<{ id: string }> }>('POST', '/contacts/batch', {
      body: {
        contacts: [
          { email: `fresh-${seq}@events.example`, subscriptions: { [typeId]: 'subscribed' } },
          { email: existing.email, subscriptions: { [typeId]: 'subscribed' } },
        ],
      },
    });
    expect(res.status, res.text).toBe(200);
    const [fresh] = res.body.results;
    for (const id of [fresh?.id ?? '', existing.id])
      await eventFor(
        (e) =>
          of(id, 'contact.subscription.updated')(e) &&
          e.data.source === 'import' &&
          e.data.subscriptionTypeId === typeId,
      );
  });

  it('the preference page: unsubscribe from everything', async () => {
    const typeId = await newType();
    const c = await newContact(`page-${seq}@events.example`, typeId);
    const path = `/p/${await sign({ p: 'preferences', c: c.id })}`;
    const html = await (await page(path)).text();
    const hidden = (name: string) =>
      (new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '')
        .replace(/&amp;/g, '&')
        .replace(/&quot;/g, '"');
    const res = await page(
      path,
      form({ shown: hidden('shown'), sig: hidden('sig'), reason: '', action: 'unsubscribe_all' }),
    );
    expect(res.status).toBe(200);
    await eventFor(
      (e) =>
        of(c.id, 'contact.consent.updated')(e) &&
        e.data.source === 'preference_page' &&
        e.data.to === 'withdrawn',
    );
  });

  it('one-click, naming the mailing it came through', async () => {
    const typeId = await newType();
    const c = await newContact(`oneclick-${seq}@events.example`, typeId);
    const m = '01h00000000000000000000001';
    const res = await page(
      `/u/${await sign({ p: 'unsubscribe', c: c.id, m, t: typeId })}`,
      form({ 'List-Unsubscribe': 'One-Click' }),
    );
    expect(res.status).toBe(200);
    expect(
      await eventFor((e) => of(c.id, 'contact.subscription.updated')(e) && e.data.source === 'one_click'),
    ).toMatchObject({ data: { from: 'subscribed', to: 'unsubscribed', mailingId: m } });
  });

  it('the List-Unsubscribe mailto', async () => {
    const typeId = await newType();
    const c = await newContact(`mailto-${seq}@events.example`, typeId);
    const token = await sign({ p: 'unsubscribe', c: c.id, t: typeId });
    const smtp = nodemailer.createTransport({
      host: '127.0.0.1',
      port: stack().smtpPort,
      secure: false,
      ignoreTLS: true,
    });
    await smtp.sendMail({
      from: c.email,
      to: stack().unsubscribeAddress,
      subject: `unsubscribe-${token}`,
      text: 'stop',
    });
    await eventFor((e) => of(c.id, 'contact.subscription.updated')(e) && e.data.source === 'mailto');
  });

  it('a tracked link that unsubscribes', async () => {
    const typeId = await newType();
    const c = await newContact(`link-${seq}@events.example`, typeId);
    const token = await sign({
      p: 'link',
      c: c.id,
      u: 'https://example.com/bye',
      a: { kind: 'unsubscribe', value: typeId },
    });
    const res = await page(`/l/${token}`);
    expect(res.status).toBeLessThan(400);
    if (res.status === 200) expect((await page(`/l/${token}`, form({}))).status).toBeLessThan(400);
    await eventFor((e) => of(c.id, 'contact.subscription.updated')(e) && e.data.source === 'link');
  });

  it('a double opt-in confirmation', async () => {
    const typeId = await newType({ doubleOptIn: true });
    const c = await newContact(`confirm-${seq}@events.example`, typeId);
    expect(await eventFor(of(c.id, 'contact.subscription.updated'))).toMatchObject({
      data: { to: 'pending' },
    });
    const path = `/p/${await sign({ p: 'confirm', c: c.id, t: typeId })}`;
    expect((await page(path, form({ action: 'confirm' }))).status).toBe(200);
    expect(
      await eventFor((e) => of(c.id, 'contact.subscription.updated')(e) && e.data.source === 'confirmation'),
    ).toMatchObject({ data: { from: 'pending', to: 'subscribed' } });
  });

  it('an admin suppressing and lifting an address', async () => {
    const c = await newContact(`manual-${seq}@events.example`, await newType());
    const res = await request<{ id: string }>('POST', '/suppressions', {
      body: { email: c.email, reason: 'manual' },
    });
    expect(res.status, res.text).toBe(201);
    expect(await eventFor(of(c.id, 'contact.suppressed'))).toMatchObject({
      data: { from: null, to: 'manual', source: 'admin', email: c.email },
    });
    expect((await request('DELETE', `/suppressions/${res.body.id}`)).status).toBe(200);
    expect(await eventFor(of(c.id, 'contact.unsuppressed'))).toMatchObject({
      data: { from: 'manual', to: null, source: 'admin' },
    });
  });

  it('a mailing: bounce and complaint feedback, and its completion', async () => {
    const typeId = await newType();
    const people = await Promise.all(
      [
        'bounce@simulator.amazonses.com',
        'complaint@simulator.amazonses.com',
        `reader-${seq}@events.example`,
      ].map((email) => newContact(email, typeId)),
    );
    const list = await request<{ id: string }>('POST', '/lists', {
      body: { name: `list ${seq}`, criteria: { subscribedTo: typeId } },
    });
    const mailing = await request<{ id: string }>('POST', '/mailings', {
      body: {
        name: 'm',
        subscriptionTypeId: typeId,
        listId: list.body.id,
        from: 'news@events.example',
        subject: 'Hi',
        text: 'Hello',
      },
    });
    expect((await request('POST', `/mailings/${mailing.body.id}/send`)).status).toBe(202);
    const [bounced, complained] = people;
    expect(await eventFor(of(bounced?.id ?? '', 'contact.suppressed'), 20_000)).toMatchObject({
      data: { to: 'hard_bounce', source: 'bounce' },
    });
    expect(
      await eventFor(
        (e) => of(complained?.id ?? '', 'contact.consent.updated')(e) && e.data.source === 'complaint',
        20_000,
      ),
    ).toMatchObject({ data: { from: 'granted', to: 'withdrawn' } });
    expect(await eventFor(of(complained?.id ?? '', 'contact.suppressed'))).toMatchObject({
      data: { to: 'complaint', source: 'complaint' },
    });
    const completed = await eventFor(
      (e) => e.type === 'mailing.completed' && e.data.mailingId === mailing.body.id,
      20_000,
    );
    expect(completed.data).toMatchObject({ subscriptionTypeId: typeId, listId: list.body.id, to: 'sent' });
    expect(completed.id).toBe(`evt_${mailing.body.id}-completed`);
    expect((await mailTo(stack().sesUrl, people[2]?.email ?? '')).length).toBe(1);
  }, 40_000);

  it("a mailing's pause, each time", async () => {
    const typeId = await newType();
    const list = await request<{ id: string }>('POST', '/lists', {
      body: { name: `paused ${seq}`, criteria: { subscribedTo: typeId } },
    });
    const { body } = await request<{ id: string }>('POST', '/mailings', {
      body: {
        name: 'p',
        subscriptionTypeId: typeId,
        listId: list.body.id,
        from: 'news@events.example',
        subject: 'Hi',
        text: 'x',
      },
    });
    // The reputation guard's write, as feedback makes it (shared/use-cases/feedback.ts).
    const reason = { code: 'complaint_rate', rate: 0.02, limit: 0.001, sent: 100, count: 2 };
    expect(await mailings.transition(body.id, ['draft'], 'sending')).toBe(true);
    expect(
      await mailings.transition(body.id, ['sending'], 'paused', {
        pausedAt: new Date().toISOString(),
        pausedReason: reason,
      }),
    ).toBe(true);
    const paused = await eventFor((e) => e.type === 'mailing.paused' && e.data.mailingId === body.id);
    expect(paused.data).toMatchObject({ from: 'sending', to: 'paused', reason });
    expect(await mailings.transition(body.id, ['paused'], 'sending')).toBe(true);
    await new Promise((r) => setTimeout(r, 5));
    expect(
      await mailings.transition(body.id, ['sending'], 'paused', {
        pausedAt: new Date().toISOString(),
        pausedReason: reason,
      }),
    ).toBe(true);
    await eventually(
      async () =>
        received().filter((e) => e.type === 'mailing.paused' && e.data.mailingId === body.id).length === 2,
    );
  });

  it('an erasure: the id and the fingerprint, nothing else', async () => {
    const c = await newContact(`erased-${seq}@events.example`, await newType());
    expect((await request('DELETE', `/contacts/${c.id}`)).status).toBe(200);
    const erased = await eventFor(of(c.id, 'contact.erased'));
    const entry = await request<{ items: Array<{ id: string }> }>(
      'GET',
      `/suppressions?email=${encodeURIComponent(c.email)}`,
    );
    expect(erased.data).toEqual({ contactId: c.id, fingerprint: entry.body.items[0]?.id });
    const raw = receiver.at('/all').find((r) => r.headers['webhook-id'] === erased.id);
    expect(raw?.body).not.toContain(c.email);
    expect(raw?.body).not.toContain(c.email.split('@')[0]);
  });

  it('every event is on the EventBridge bus too, the same body', async () => {
    await stack().drain();
    const onBus = stack().busEvents();
    const byWebhook = received();
    for (const event of byWebhook) {
      const entry = onBus.find(
        (e) =>
          e.DetailType === event.type &&
          JSON.parse(e.Detail).timestamp === event.timestamp &&
          JSON.stringify(JSON.parse(e.Detail).data) === JSON.stringify(event.data),
      );
      expect(entry, event.id).toMatchObject({
        Source: 'subscription-center',
        EventBusName: 'subscription-center-local',
      });
    }
  });
});

describe('a consumer that fails half way', () => {
  const webhookQueue = () => stack().queueUrls.webhooks.url;
  it('loses nothing when it dies before queueing, and sends what it queued twice with the same webhook-id', async () => {
    const typeId = await newType();
    let failures = 0;
    const remove = injectOnCommand(
      sqs as unknown as FaultableClient,
      'crash-around-send',
      async (name, input, next) => {
        if (name !== 'SendMessageBatchCommand' || input.QueueUrl !== webhookQueue() || failures >= 2)
          return next(input);
        failures++;
        // The first time it dies before the messages leave; the second, after (its answer lost).
        if (failures === 1) throw new SimulatedCrash('before SendMessageBatch');
        await next(input);
        throw new SimulatedCrash('after SendMessageBatch');
      },
    );
    // A slow receiver: the two copies are attempted side by side (a copy that comes after the first
    // is delivered finds the delivery done, and sends nothing).
    receiver.answer((r) => (r.body.includes(`crash-${seq}@`) ? { delayMs: 2000 } : {}));
    try {
      const c = await newContact(`crash-${seq}@events.example`, typeId);
      const first = await eventFor(of(c.id, 'contact.subscription.updated'));
      await eventually(
        async () => receiver.at('/all').filter((r) => r.headers['webhook-id'] === first.id).length >= 2,
        10_000,
      );
      const copies = receiver.at('/all').filter((r) => r.headers['webhook-id'] === first.id);
      expect(new Set(copies.map((r) => r.body)).size).toBe(1);
      expect(failures).toBe(2);
    } finally {
      remove();
      receiver.answer(() => ({}));
    }
  });
});
