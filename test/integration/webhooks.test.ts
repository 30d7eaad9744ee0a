/**
 * Webhooks on the local stack, end to end: registration and its rules, the signed event a receiver
 * gets after a one-click unsubscribe (verified with the Standard Webhooks reference library), and
 * delivery that survives the receiver — retries against one that fails first, a 410 that disables
 * the endpoint, and receivers that answer 500 with 5 MB, never answer, or are slow, none of which
 * holds up another receiver or the worker.
 */
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signingKeys } from '#shared/adapters/secrets/signing-keys.ts';
import { signToken } from '#shared/domain/tokens.ts';
import { eventually } from '#test/helpers/eventually.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { type Receiver, startReceiver } from '#test/helpers/webhook-receiver.ts';

const { request, stack } = useLocalStack();

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
});

interface Created {
  id: string;
  url: string;
  events: string[];
  secret: string;
  status: string;
  createdAt: string;
}

const register = async (path: string, events: string[], description?: string) => {
  const res = await request<Created>('POST', '/webhooks', {
    body: { url: receiver.url(path), events, ...(description ? { description } : {}) },
  });
  expect(res.status, res.text).toBe(201);
  return res.body;
};

const remove = async (id: string) => expect((await request('DELETE', `/webhooks/${id}`)).status).toBe(200);

let typeSeq = 0;
/** A type and a contact subscribed to it (with consent), through the API. */
const subscribedContact = async (name: string) => {
  const type = await request<{ id: string }>('POST', '/subscription-types', {
    body: { name: `${name} ${++typeSeq}` },
  });
  const contact = await request<{ id: string; email: string }>('POST', '/contacts', {
    body: {
      email: `${name}-${typeSeq}@hooks.example`,
      consent: { status: 'granted', source: 'form' },
      subscriptions: { [type.body.id]: 'subscribed' },
    },
  });
  expect(contact.status, contact.text).toBe(201);
  return { typeId: type.body.id, contactId: contact.body.id, email: contact.body.email };
};

const oneClick = async (contactId: string, typeId: string, mailingId = '01h00000000000000000000000') => {
  const token = signToken(await signingKeys(), { p: 'unsubscribe', c: contactId, m: mailingId, t: typeId });
  const res = await fetch(`${stack().apiUrl}/u/${token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  });
  expect(res.status).toBe(200);
};

/** The `index`-th request to `path`, once it has arrived. */
const arrival = (path: string, index: number, timeoutMs: number) =>
  eventually(async () => {
    const got = receiver.at(path)[index];
    if (!got) throw new Error(`no request ${index} to ${path} yet`);
    return got;
  }, timeoutMs);

describe('a one-click unsubscribe', () => {
  it('reaches a receiver on localhost as a correctly signed contact.subscription.updated within 5 s', async () => {
    const hook = await register('/one-click', ['contact.subscription.updated'], 'CRM');
    const { typeId, contactId, email } = await subscribedContact('oneclick');
    // The contact's creation is an event too (subscribed from nothing): wait for it, then start the clock.
    await eventually(async () => receiver.at('/one-click').length === 1, 5000);
    const started = Date.now();
    await oneClick(contactId, typeId);
    const got = await arrival('/one-click', 1, 5000);
    expect(got.at - started).toBeLessThan(5000);

    const verified = new Webhook(hook.secret).verify(got.body, {
      'webhook-id': String(got.headers['webhook-id']),
      'webhook-timestamp': String(got.headers['webhook-timestamp']),
      'webhook-signature': String(got.headers['webhook-signature']),
    });
    expect(verified).toMatchObject({
      type: 'contact.subscription.updated',
      data: {
        contactId,
        email,
        subscriptionTypeId: typeId,
        from: 'subscribed',
        to: 'unsubscribed',
        source: 'one_click',
      },
    });
    expect(got.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(got.headers['content-type']).toBe('application/json');
    // Another secret does not verify it.
    expect(() =>
      new Webhook(`whsec_${Buffer.alloc(24, 1).toString('base64')}`).verify(got.body, {
        'webhook-id': String(got.headers['webhook-id']),
        'webhook-timestamp': String(got.headers['webhook-timestamp']),
        'webhook-signature': String(got.headers['webhook-signature']),
      }),
    ).toThrow();
    await remove(hook.id);
  });
});

describe('registering an endpoint', () => {
  it('answers 201 with the secret once; reads never show it', async () => {
    const hook = await register('/shape', ['contact.erased', 'mailing.completed'], 'shop');
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{32}$/);
    expect(hook).toMatchObject({
      url: receiver.url('/shape'),
      events: ['contact.erased', 'mailing.completed'],
      status: 'active',
    });
    const one = await request<Record<string, unknown>>('GET', `/webhooks/${hook.id}`);
    expect(one.status).toBe(200);
    expect(one.body).not.toHaveProperty('secret');
    expect(one.text).not.toContain(hook.secret.slice(6, 20));
    const all = await request<{ items: Array<Record<string, unknown>> }>('GET', '/webhooks');
    expect(all.body.items.map((e) => e.id)).toContain(hook.id);
    expect(all.text).not.toContain(hook.secret.slice(6, 20));
    const audit = await request<{ items: Array<{ action: string; details: Record<string, unknown> }> }>(
      'GET',
      '/audit?action=webhook.created',
    );
    expect(audit.body.items.find((e) => e.details.webhookId === hook.id)?.details).toEqual({
      webhookId: hook.id,
      host: new URL(receiver.url()).host,
      events: ['contact.erased', 'mailing.completed'],
    });
    expect(audit.text).not.toContain(hook.secret.slice(6, 20));
    await remove(hook.id);
    expect((await request('GET', `/webhooks/${hook.id}`)).status).toBe(404);
    expect((await request('DELETE', `/webhooks/${hook.id}`)).status).toBe(404);
  });

  const refused: Array<[string, Record<string, unknown>, string]> = [
    [
      'a URL that is not http(s)',
      { url: 'ftp://hooks.example/in', events: ['contact.erased'] },
      'unsupported_scheme',
    ],
    ['no URL at all', { url: 'not a url', events: ['contact.erased'] }, 'invalid_url'],
    [
      'an unknown event type',
      { url: 'http://localhost:1/x', events: ['contact.deleted'] },
      'unknown_event_type',
    ],
    [
      'the metadata service',
      { url: 'http://169.254.169.254/latest/meta-data/', events: ['contact.erased'] },
      'address_not_allowed',
    ],
    [
      'a private address',
      { url: 'https://10.1.2.3/hook', events: ['contact.erased'] },
      'address_not_allowed',
    ],
    [
      'a mapped private address',
      { url: 'https://[::ffff:192.168.0.1]/hook', events: ['contact.erased'] },
      'address_not_allowed',
    ],
    [
      'a name that does not resolve',
      { url: 'https://no-such-host.invalid/hook', events: ['contact.erased'] },
      'unresolvable',
    ],
    [
      'credentials in the URL',
      { url: 'http://user:pw@localhost:1/x', events: ['contact.erased'] },
      'credentials_in_url',
    ],
  ];
  it.each(refused)('refuses %s: 422', async (_label, body, code) => {
    const res = await request<{ error: { details: Array<{ code: string }> } }>('POST', '/webhooks', { body });
    expect(res.status, res.text).toBe(422);
    expect(res.body.error.details.map((d) => d.code)).toContain(code);
  });

  it('refuses no events and unknown fields: 422', async () => {
    expect((await request('POST', '/webhooks', { body: { url: receiver.url(), events: [] } })).status).toBe(
      422,
    );
    expect(
      (
        await request('POST', '/webhooks', {
          body: { url: receiver.url(), events: ['contact.erased'], secret: 'x' },
        })
      ).status,
    ).toBe(422);
  });

  it('allows 20 endpoints, refuses the 21st with 422 — also when they race — and takes one again after a delete', async () => {
    const existing = (await request<{ items: Array<{ id: string }> }>('GET', '/webhooks?limit=100')).body
      .items;
    const answers = await Promise.all(
      Array.from({ length: 24 - existing.length }, (_, i) =>
        request<{ id: string }>('POST', '/webhooks', {
          body: { url: receiver.url(`/many/${i}`), events: ['contact.erased'] },
        }),
      ),
    );
    // Racing registrations never get past 20; a loser of a race is told to retry (409) or refused (422).
    const made = answers.filter((a) => a.status === 201).map((a) => a.body.id);
    expect(made.length).toBeLessThanOrEqual(20 - existing.length);
    for (const a of answers.filter((x) => x.status !== 201)) expect([422, 409]).toContain(a.status);
    for (let i = 0; existing.length + made.length < 20; i++) {
      const res = await request<{ id: string }>('POST', '/webhooks', {
        body: { url: receiver.url(`/more/${i}`), events: ['contact.erased'] },
      });
      expect(res.status, res.text).toBe(201);
      made.push(res.body.id);
    }
    const list = await request<{ items: unknown[]; nextCursor: string | null }>('GET', '/webhooks?limit=7');
    expect(list.body.items).toHaveLength(7);
    expect(list.body.nextCursor).not.toBeNull();
    const refusedMore = await request<{ error: { details: Array<{ code: string }> } }>('POST', '/webhooks', {
      body: { url: receiver.url('/one-more'), events: ['contact.erased'] },
    });
    expect(refusedMore.status).toBe(422);
    expect(refusedMore.body.error.details[0]?.code).toBe('too_many_endpoints');
    await remove(made[0] as string);
    const again = await request<{ id: string }>('POST', '/webhooks', {
      body: { url: receiver.url('/one-more'), events: ['contact.erased'] },
    });
    expect(again.status).toBe(201);
    for (const id of [...made.slice(1), again.body.id]) await remove(id);
  });
});

describe('delivery that survives the receiver', () => {
  it('retries a receiver that fails first, with the same webhook-id, and lists each attempt', async () => {
    receiver.answer((r, count) => (r.path === '/flaky' && count === 0 ? { status: 500 } : {}));
    const hook = await register('/flaky', ['contact.consent.updated']);
    const { contactId } = await subscribedContact('flaky');
    const first = await arrival('/flaky', 0, 5000);
    const second = await arrival('/flaky', 1, 15_000);
    expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(second.body).toBe(first.body);
    // The schedule's first delay: 5 s.
    expect(second.at - first.at).toBeGreaterThanOrEqual(4500);
    for (const got of [first, second])
      expect(() =>
        new Webhook(hook.secret).verify(got.body, got.headers as Record<string, string>),
      ).not.toThrow();
    expect(JSON.parse(second.body).data).toMatchObject({ contactId, to: 'granted', source: 'form' });
    const deliveries = await eventually(async () => {
      const res = await request<{ items: Array<Record<string, unknown>> }>(
        'GET',
        `/webhooks/${hook.id}/deliveries`,
      );
      return res.body.items[0]?.status === 'delivered' ? res.body.items : false;
    }, 5000);
    expect(deliveries[0]).toMatchObject({
      id: first.headers['webhook-id'],
      eventType: 'contact.consent.updated',
      status: 'delivered',
      attempts: 2,
      nextAttemptAt: null,
      failedReason: null,
    });
    expect(
      ((deliveries[0]?.attemptLog ?? []) as Array<{ statusCode: number }>).map((a) => a.statusCode),
    ).toEqual([500, 204]);
    const filtered = await request<{ items: unknown[] }>(
      'GET',
      `/webhooks/${hook.id}/deliveries?status=retrying`,
    );
    expect(filtered.body.items).toEqual([]);
    receiver.answer(() => ({}));
    await remove(hook.id);
  }, 30_000);

  it('disables an endpoint that answers 410, says so in the audit log, and sends it nothing more', async () => {
    receiver.answer((r) => (r.path === '/gone' ? { status: 410 } : {}));
    const hook = await register('/gone', ['contact.subscription.updated']);
    const { typeId, contactId } = await subscribedContact('gone');
    await eventually(async () => {
      const res = await request<{ status: string; disabledReason: string }>('GET', `/webhooks/${hook.id}`);
      return res.body.status === 'disabled' && res.body.disabledReason === 'gone';
    }, 5000);
    const audit = await request<{ items: Array<{ details: Record<string, unknown> }> }>(
      'GET',
      '/audit?action=webhook.disabled',
    );
    expect(audit.body.items.map((e) => e.details)).toContainEqual({ webhookId: hook.id, reason: 'gone' });
    const before = receiver.at('/gone').length;
    await oneClick(contactId, typeId);
    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver.at('/gone')).toHaveLength(before);
    expect((await request('POST', `/webhooks/${hook.id}/test`)).status).toBe(409);
    receiver.answer(() => ({}));
    await remove(hook.id);
  });

  it('keeps delivering to a healthy receiver while others answer 500 with 5 MB, never answer, or are slow', async () => {
    receiver.answer((r) => {
      if (r.path === '/huge') return { status: 500, bodyBytes: 5 * 1024 * 1024 };
      if (r.path === '/silent') return { hang: true };
      if (r.path === '/slow') return { delayMs: 3000 };
      return {};
    });
    const events = ['contact.subscription.updated'];
    const [huge, silent, slow, healthy] = await Promise.all(
      ['/huge', '/silent', '/slow', '/healthy'].map((path) => register(path, events)),
    );
    const people = await Promise.all(Array.from({ length: 6 }, (_, i) => subscribedContact(`busy${i}`)));
    // Every creation event reaches the healthy receiver, none held up by the others' trouble.
    await eventually(async () => receiver.at('/healthy').length >= people.length, 5000);
    const why = async (id: string) =>
      (
        await request<{
          items: Array<{
            id: string;
            status: string;
            attempts: number;
            attemptLog: Array<{ statusCode?: number; error?: string }>;
          }>;
        }>('GET', `/webhooks/${id}/deliveries?limit=100`)
      ).body.items;

    // The receiver that never answers: its attempts time out (10 s) and open its circuit.
    await eventually(async () => {
      const items = await why(silent?.id ?? '');
      return items.some((d) => d.attemptLog.some((a) => a.error === 'timeout'));
    }, 20_000);
    const silentEndpoint = await request<{ failingSince: string | null; status: string }>(
      'GET',
      `/webhooks/${silent?.id}`,
    );
    expect(silentEndpoint.body.status).toBe('active');
    expect(silentEndpoint.body.failingSince).not.toBeNull();

    // Now more events: the healthy receiver gets them at once, while the silent one's wait for its
    // circuit, unattempted, instead of each waiting out the timeout.
    const before = receiver.at('/healthy').length;
    for (const p of people) await oneClick(p.contactId, p.typeId);
    await eventually(async () => receiver.at('/healthy').length >= before + people.length, 5000);
    expect(new Set(receiver.at('/healthy').map((r) => r.headers['webhook-id'])).size).toBe(2 * people.length);
    const waiting = await eventually(async () => {
      const items = (await why(silent?.id ?? '')).filter((d) => d.status === 'pending');
      return items.length >= people.length - 1 ? items : false;
    }, 5000);
    for (const d of waiting) expect(d.attempts).toBe(0);

    // The one answering 500 with 5 MB: attempted, failed, retried or waiting for its circuit; its
    // deliveries say why, and none counts as delivered.
    const hugeDeliveries = await eventually(async () => {
      const items = await why(huge?.id ?? '');
      return items.length >= 2 * people.length ? items : false;
    }, 5000);
    expect(hugeDeliveries.every((d) => d.status === 'retrying' || d.status === 'pending')).toBe(true);
    expect(hugeDeliveries.some((d) => d.attemptLog.some((a) => a.statusCode === 500))).toBe(true);
    // The slow one (3 s per answer) gets everything.
    await eventually(async () => receiver.at('/slow').length >= 2 * people.length, 20_000);

    // The worker still works: a test event reaches the healthy receiver at once.
    const test = await request<{ eventId: string }>('POST', `/webhooks/${healthy?.id}/test`);
    expect(test.status).toBe(202);
    const got = await eventually(async () => {
      const found = receiver.at('/healthy').find((r) => r.headers['webhook-id'] === test.body.eventId);
      if (!found) throw new Error('no test event yet');
      return found;
    }, 5000);
    expect(JSON.parse(got.body)).toMatchObject({ type: 'webhook.test', data: { webhookId: healthy?.id } });
    receiver.answer(() => ({}));
    for (const hook of [huge, silent, slow, healthy]) await remove(hook?.id ?? '');
  }, 60_000);
});
