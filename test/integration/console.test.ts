/**
 * The console over HTTP, as a browser without JavaScript talks to it (forms, cookies, redirects),
 * against the local stack: sign-in and its login-CSRF guard, a session's 8 hours (simulated time),
 * every page behind the session, CSRF on every form, and the audience pages calling the same use
 * cases as the API (what they change is read back through the JSON API).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { routeList } from '#infra/routes.ts';
import { hashSessionId, sessionLifetimeSeconds } from '#shared/domain/console-session.ts';
import { consoleSessions } from '#shared/adapters/dynamodb/console-sessions.ts';
import { liveSession } from '#shared/use-cases/console-sessions.ts';
import { eventually } from '#test/helpers/eventually.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { mailTo } from '#test/helpers/ses-inbox.ts';

const { request, stack, createKey } = useLocalStack();

/** A browser in miniature: a cookie jar, forms posted url-encoded, redirects not followed. */
const browser = () => {
  const jar = new Map<string, string>();
  const send = async (method: string, path: string, form?: Record<string, string>) => {
    const res = await fetch(stack().apiUrl + path, {
      method,
      redirect: 'manual',
      headers: {
        cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, value] = (pair ?? '').split('=');
      if (!name) continue;
      if (/Max-Age=0/.test(line)) jar.delete(name);
      else jar.set(name, value ?? '');
    }
    return {
      status: res.status,
      location: res.headers.get('location'),
      html: await res.text(),
      headers: res.headers,
    };
  };
  const csrf = async (path: string) =>
    /name="csrf" value="([^"]+)"/.exec((await send('GET', path)).html)?.[1] ?? '';
  const signIn = async (key: string, next = '/console') => {
    const form = await send('GET', `/console/sign-in?next=${encodeURIComponent(next)}`);
    const token = /name="signin" value="([^"]+)"/.exec(form.html)?.[1] ?? '';
    return send('POST', `/console/sign-in?next=${encodeURIComponent(next)}`, { signin: token, apiKey: key });
  };
  return { jar, send, csrf, signIn };
};

let marketer: string;
let admin: string;
let typeId: string;
let contactId: string;
const email = `ines.${Date.now()}@example.com`;

beforeAll(async () => {
  marketer = await createKey('marketer', 'console marketer');
  admin = stack().adminKey;
  typeId = (await request<{ id: string }>('POST', '/subscription-types', { body: { name: 'Console news' } }))
    .body.id;
  contactId = (
    await request<{ id: string }>('POST', '/contacts', {
      body: {
        email,
        firstName: 'Ines',
        consent: { status: 'granted', source: 'form' },
        subscriptions: { [typeId]: 'subscribed' },
      },
    })
  ).body.id;
}, 30_000);

describe('signing in', () => {
  it('sends every console page to sign-in without a session, with the way back', async () => {
    const anonymous = browser();
    for (const route of routeList().filter((r) => r.auth === 'session')) {
      const path = route.path.replace('{id}', contactId).replace('{step}', 'recipients');
      const res = await anonymous.send(
        route.method,
        path,
        route.method === 'POST' ? { csrf: 'x' } : undefined,
      );
      expect(res.status, route.key).toBe(303);
      expect(res.location, route.key).toBe(`/console/sign-in?next=${encodeURIComponent(path)}`);
    }
  });

  it('refuses a sign-in post without the form’s own token (login CSRF), and stores no session', async () => {
    const b = browser();
    const res = await b.send('POST', '/console/sign-in', { apiKey: admin });
    expect(res.status).toBe(400);
    expect(res.html).toContain('The sign-in form expired. Please sign in again.');
    expect(b.jar.has('sc_console')).toBe(false);
    expect(res.html).not.toContain(admin);
  });

  it('does not send a signed-in person to another site after signing in', async () => {
    const b = browser();
    const res = await b.signIn(marketer, 'https://evil.example/console');
    expect(res.status).toBe(303);
    expect(res.location).toBe('/console');
  });

  it('ends a session 8 hours after sign-in, deleting it', async () => {
    const b = browser();
    await b.signIn(marketer);
    const id = b.jar.get('sc_console') as string;
    const stored = await consoleSessions.get(hashSessionId(id));
    const start = Date.parse(stored?.createdAt ?? '');
    expect(stored?.expiresAt).toBe(Math.floor(start / 1000) + sessionLifetimeSeconds);
    expect(await liveSession(id, start + (sessionLifetimeSeconds - 1) * 1000)).toBeDefined();
    expect(await liveSession(id, start + sessionLifetimeSeconds * 1000)).toBeUndefined();
    expect(await consoleSessions.get(hashSessionId(id))).toBeUndefined();
    const after = await b.send('GET', '/console/settings');
    expect(after.status).toBe(303);
    expect(after.location).toBe('/console/sign-in?next=%2Fconsole%2Fsettings&ended=1');
  });

  it('refuses any form without the session’s CSRF token, changing nothing', async () => {
    const b = browser();
    await b.signIn(admin);
    const before = (await request<{ privacy: { enabled: boolean } }>('GET', '/settings')).body.privacy
      .enabled;
    for (const token of [undefined, 'x'.repeat(43), '']) {
      const res = await b.send('POST', '/console/settings', {
        ...(token !== undefined ? { csrf: token } : {}),
        action: 'privacy',
        enabled: before ? 'off' : 'on',
      });
      expect(res.status).toBe(403);
      expect(res.html).toContain('This form expired or did not come from this console page.');
    }
    expect((await request<{ privacy: { enabled: boolean } }>('GET', '/settings')).body.privacy.enabled).toBe(
      before,
    );
  });
});

describe('the audience pages', () => {
  it('finds a contact, shows consent and history with how and who, and mails the preference link', async () => {
    const b = browser();
    await b.signIn(marketer);
    const found = await b.send('GET', `/console/contacts?email=${encodeURIComponent(email)}`);
    expect(found.html).toContain(`href="/console/contacts/${contactId}"`);
    const missing = await b.send('GET', '/console/contacts?email=nobody%40example.com');
    expect(missing.html).toContain('No contact has this address.');
    const bad = await b.send('GET', '/console/contacts?email=not-an-address');
    expect(bad.status).toBe(422);
    expect(bad.html).toContain('value="not-an-address"');
    const page = await b.send('GET', `/console/contacts/${contactId}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('Granted');
    expect(page.html).toContain('Console news');
    expect(page.html).toMatch(/<td>consent<\/td><td>none<\/td><td>granted<\/td><td>form<\/td>/);
    // A marketer is not offered erasure.
    expect(page.html).not.toContain('Erase this contact');
    const csrf = await b.csrf(`/console/contacts/${contactId}`);
    const sent = await b.send('POST', `/console/contacts/${contactId}`, { csrf, action: 'privacy_email' });
    expect(sent.status).toBe(303);
    expect(sent.location).toBe(`/console/contacts/${contactId}?done=privacy_email`);
    expect((await mailTo(stack().sesUrl, email)).length).toBe(1);
    const erase = await b.send('POST', `/console/contacts/${contactId}`, {
      csrf,
      action: 'erase',
      confirm: 'on',
    });
    expect(erase.status).toBe(403);
    const exported = await b.send('GET', `/console/contacts/${contactId}/export`);
    expect(exported.headers.get('content-disposition')).toBe(
      `attachment; filename="contact-${contactId}.json"`,
    );
    expect(JSON.parse(exported.html).contact.email).toBe(email);
  });

  it('lets an admin erase a contact once the box is ticked', async () => {
    const victim = (
      await request<{ id: string }>('POST', '/contacts', {
        body: { email: `gone.${Date.now()}@example.com` },
      })
    ).body.id;
    const b = browser();
    await b.signIn(admin);
    const csrf = await b.csrf(`/console/contacts/${victim}`);
    const unconfirmed = await b.send('POST', `/console/contacts/${victim}`, { csrf, action: 'erase' });
    expect(unconfirmed.status).toBe(422);
    expect(unconfirmed.html).toContain('Tick the box to confirm.');
    const erased = await b.send('POST', `/console/contacts/${victim}`, {
      csrf,
      action: 'erase',
      confirm: 'on',
    });
    expect(erased.status).toBe(303);
    expect((await request('GET', `/contacts/${victim}`)).status).toBe(404);
  });

  it('creates, translates, hides and archives a subscription type; a bad form keeps what was typed', async () => {
    const b = browser();
    await b.signIn(marketer);
    const csrf = await b.csrf('/console/types');
    const bad = await b.send('POST', '/console/types', { csrf, name: '', description: 'Kept', public: 'on' });
    expect(bad.status).toBe(422);
    expect(bad.html).toMatch(/id="name-error">[^<]+</);
    expect(bad.html).toContain('>Kept</textarea>');
    const made = await b.send('POST', '/console/types', {
      csrf,
      name: 'Webinar invites',
      description: 'Live',
      public: 'on',
    });
    expect(made.status).toBe(303);
    const id = /\/console\/types\/([^?]+)/.exec(made.location ?? '')?.[1] as string;
    const saved = await b.send('POST', `/console/types/${id}`, {
      csrf,
      name: 'Webinar invites',
      description: 'Live',
      translations: 'sv | Webbinarier | Direktsänt',
      archived: 'on',
    });
    expect(saved.status).toBe(303);
    const type = await request<Record<string, unknown>>('GET', `/subscription-types/${id}`);
    expect(type.body).toMatchObject({
      public: false,
      archived: true,
      translations: { sv: { name: 'Webbinarier', description: 'Direktsänt' } },
    });
    const page = await b.send('GET', `/console/types/${id}`);
    expect(page.html).toContain('<span class="n">0</span>Subscribers now');
    const withReaders = await b.send('GET', `/console/types/${typeId}`);
    expect(withReaders.html).toContain('<span class="n">1</span>Subscribers now');
    // Subscribers over time: the type report, counted from the change stream as it goes.
    const today = `<tr><td>${new Date().toISOString().slice(0, 10)}</td><td class="num">1</td></tr>`;
    const overTime = await eventually(async () => {
      const html = (await b.send('GET', `/console/types/${typeId}`)).html;
      return html.includes(today) && html;
    });
    expect(overTime).toContain('Subscribers over time');
    expect(overTime).not.toContain('does not have yet');
  });

  it('counts a type’s subscribers across the shards of the members index, not those who left', async () => {
    const counted = (
      await request<{ id: string }>('POST', '/subscription-types', { body: { name: 'Counted' } })
    ).body.id;
    const ids = await Promise.all(
      Array.from(
        { length: 40 },
        async (_, i) =>
          (
            await request<{ id: string }>('POST', '/contacts', {
              body: {
                email: `counted.${i}.${Date.now()}@example.com`,
                consent: { status: 'granted', source: 'form' },
                subscriptions: { [counted]: 'subscribed' },
              },
            })
          ).body.id,
      ),
    );
    for (const id of ids.slice(0, 7)) {
      const left = await request('PUT', `/contacts/${id}/subscriptions/${counted}`, {
        body: { status: 'unsubscribed', source: 'form' },
      });
      expect(left.status).toBe(200);
    }
    const b = browser();
    await b.signIn(marketer);
    const page = await b.send('GET', `/console/types/${counted}`);
    expect(page.html).toContain('<span class="n">33</span>Subscribers now');
  });

  it('creates a selection list and shows its members', async () => {
    const b = browser();
    await b.signIn(marketer);
    const csrf = await b.csrf('/console/lists');
    const bad = await b.send('POST', '/console/lists', {
      csrf,
      listName: 'Readers',
      listKind: 'selection',
      selectionType: '',
    });
    expect(bad.status).toBe(422);
    expect(bad.html).toMatch(/id="selectionType-error">/);
    const made = await b.send('POST', '/console/lists', {
      csrf,
      listName: 'Readers',
      listKind: 'selection',
      selectionType: typeId,
    });
    expect(made.status).toBe(303);
    const page = await b.send('GET', made.location as string);
    expect(page.html).toContain('Readers');
  });

  it('suppresses and lifts an address as an admin; a marketer only finds', async () => {
    const address = `spam.${Date.now()}@example.com`;
    const m = browser();
    await m.signIn(marketer);
    const page = await m.send('GET', '/console/suppressions');
    expect(page.html).not.toContain('Suppress an address');
    const mCsrf = await m.csrf('/console/suppressions');
    expect(
      (
        await m.send('POST', '/console/suppressions', {
          csrf: mCsrf,
          action: 'add',
          newEmail: address,
          reason: 'manual',
        })
      ).status,
    ).toBe(403);

    const a = browser();
    await a.signIn(admin);
    const csrf = await a.csrf('/console/suppressions');
    const added = await a.send('POST', '/console/suppressions', {
      csrf,
      action: 'add',
      newEmail: address,
      reason: 'manual',
    });
    expect(added.status).toBe(303);
    const again = await a.send('POST', '/console/suppressions', {
      csrf,
      action: 'add',
      newEmail: address,
      reason: 'manual',
    });
    expect(again.status).toBe(422);
    expect(again.html).toContain(`value="${address}"`);
    const found = await m.send('GET', `/console/suppressions?email=${encodeURIComponent(address)}`);
    expect(found.html).toContain('Suppressed since');
    const id = (
      await request<{ items: Array<{ id: string }> }>(
        'GET',
        `/suppressions?email=${encodeURIComponent(address)}`,
      )
    ).body.items[0]?.id as string;
    const lifted = await a.send('POST', '/console/suppressions', {
      csrf,
      action: 'lift',
      id,
      email: address,
    });
    expect(lifted.status).toBe(303);
    expect(
      (await request<{ items: unknown[] }>('GET', `/suppressions?email=${encodeURIComponent(address)}`)).body
        .items,
    ).toEqual([]);
  });

  it('saves the bounce policy as an admin, with the API’s message beside a bad number', async () => {
    const b = browser();
    await b.signIn(admin);
    const csrf = await b.csrf('/console/settings');
    const form = {
      csrf,
      action: 'bounce',
      hardCount: '1',
      hardWindowDays: '30',
      hardAction: 'suppress',
      softCount: '0',
      softWindowDays: '30',
      softAction: 'suppress',
      complaintCount: '1',
      complaintWindowDays: '30',
      complaintAction: 'suppress_and_withdraw',
    };
    const bad = await b.send('POST', '/console/settings', form);
    expect(bad.status).toBe(422);
    expect(bad.html).toMatch(/id="softCount-error">/);
    expect(bad.html).toContain('name="softCount" value="0"');
    const ok = await b.send('POST', '/console/settings', { ...form, softCount: '4' });
    expect(ok.status).toBe(303);
    expect(
      (await request<{ soft: { count: number } }>('GET', '/settings/bounce-policy')).body.soft.count,
    ).toBe(4);
  });
});

describe('the mailing wizard’s groups', () => {
  const draftOf = async (name: string) => {
    const list = await request<{ id: string }>('POST', '/lists', {
      body: { name: `${name} list`, contactIds: [contactId] },
    });
    expect(list.status, list.text).toBe(201);
    const mailing = await request<{ id: string }>('POST', '/mailings', {
      key: marketer,
      body: {
        name,
        subscriptionTypeId: typeId,
        listId: list.body.id,
        from: 'News <news@sc.example>',
        subject: 'Before',
        text: 'Hi. {{unsubscribeUrl}}',
      },
    });
    expect(mailing.status, mailing.text).toBe(201);
    return mailing.body.id;
  };

  it('serves each step of a draft at its path, and no step that is not one', async () => {
    const id = await draftOf('Wizard paths');
    const b = browser();
    await b.signIn(marketer);
    for (const [step, n] of [
      ['configuration', 1],
      ['content', 2],
      ['list', 3],
      ['recipients', 4],
      ['send', 5],
    ] as const) {
      const page = await b.send('GET', `/console/mailings/${id}/${step}`);
      expect(page.status, step).toBe(200);
      expect(page.html, step).toContain(`Step ${n} of 5:`);
    }
    expect((await b.send('GET', `/console/mailings/${id}/publish`)).status).toBe(404);
  });

  it('answers a step posted after the send with 409, changing nothing, and leads to the progress', async () => {
    const id = await draftOf('Wizard after the send');
    const b = browser();
    await b.signIn(admin);
    const csrf = await b.csrf(`/console/mailings/${id}/content`);
    expect((await request('POST', `/mailings/${id}/send`)).status).toBe(202);

    const content = await b.send('POST', `/console/mailings/${id}/content`, {
      csrf,
      action: 'next',
      subject: 'After',
      text: 'Changed. {{unsubscribeUrl}}',
    });
    expect(content.status).toBe(409);
    expect(content.html).toContain('This mailing is no longer a draft: it can only be followed now.');
    expect(content.html).toContain(`href="/console/mailings/${id}"`);
    const override = await b.send('POST', `/console/mailings/${id}/recipients`, {
      csrf,
      action: 'override',
      overrideConsent: 'on',
      overrideReason: 'Too late',
    });
    expect(override.status).toBe(409);
    const again = await b.send('POST', `/console/mailings/${id}/send`, { csrf });
    expect(again.status).toBe(409);
    expect(again.html).toContain('This mailing was already sent, perhaps from another tab.');
    // A step's page of a sent mailing is its progress.
    const step = await b.send('GET', `/console/mailings/${id}/list`);
    expect(step.status).toBe(303);
    expect(step.location).toBe(`/console/mailings/${id}`);

    const mailing = await request<{ subject: string; overrideConsent: boolean }>('GET', `/mailings/${id}`);
    expect(mailing.body).toMatchObject({ subject: 'Before', overrideConsent: false });
  });

  it('turns the override on and off as an admin, the reason required and kept in the draft only while on', async () => {
    const id = await draftOf('Wizard override');
    const b = browser();
    await b.signIn(admin);
    const csrf = await b.csrf(`/console/mailings/${id}/recipients`);
    const path = `/console/mailings/${id}/recipients`;
    const blank = await b.send('POST', path, {
      csrf,
      action: 'override',
      overrideConsent: 'on',
      overrideReason: ' ',
    });
    expect(blank.status).toBe(422);
    expect(blank.html).toMatch(/id="overrideReason-error">Required</);
    expect(blank.html).toContain('1 of 1 people on the list will get this mailing');
    expect((await request<{ overrideConsent: boolean }>('GET', `/mailings/${id}`)).body.overrideConsent).toBe(
      false,
    );

    const on = await b.send('POST', path, {
      csrf,
      action: 'override',
      overrideConsent: 'on',
      overrideReason: 'Recall',
    });
    expect(on.status).toBe(303);
    expect((await request('GET', `/mailings/${id}`)).body).toMatchObject({
      overrideConsent: true,
      overrideReason: 'Recall',
    });
    const off = await b.send('POST', path, { csrf, action: 'override' });
    expect(off.status).toBe(303);
    const after = (await request<Record<string, unknown>>('GET', `/mailings/${id}`)).body;
    expect(after.overrideConsent).toBe(false);
    expect(after).not.toHaveProperty('overrideReason');
  });

  it('shows an admin what the override would add: those without consent or subscription, never the suppressed', async () => {
    const person = async (name: string, body: Record<string, unknown>) =>
      (
        await request<{ id: string }>('POST', '/contacts', {
          body: { email: `${name}.${Date.now()}@example.com`, ...body },
        })
      ).body.id;
    const ids = [
      contactId,
      await person('noconsent', { subscriptions: { [typeId]: 'subscribed' } }),
      await person('left', {
        consent: { status: 'granted', source: 'form' },
        subscriptions: { [typeId]: 'unsubscribed' },
      }),
      await person('never', { consent: { status: 'granted', source: 'form' } }),
    ];
    const suppressed = `suppressed.${Date.now()}@example.com`;
    ids.push(
      await person('suppressed', {
        email: suppressed,
        consent: { status: 'granted', source: 'form' },
        subscriptions: { [typeId]: 'subscribed' },
      }),
    );
    expect(
      (await request('POST', '/suppressions', { body: { email: suppressed, reason: 'manual' } })).status,
    ).toBe(201);
    const list = await request<{ id: string }>('POST', '/lists', {
      body: { name: 'Reach', contactIds: ids },
    });
    const mailing = await request<{ id: string }>('POST', '/mailings', {
      body: {
        name: 'Wizard reach',
        subscriptionTypeId: typeId,
        listId: list.body.id,
        from: 'news@sc.example',
        subject: 'Reach',
        text: 'Hi. {{unsubscribeUrl}}',
      },
    });
    const b = browser();
    await b.signIn(admin);
    // Watching (not changing) the product's DynamoDB client: how often the page resolves the list.
    const { dynamo } = await import('#shared/adapters/dynamodb/client.ts');
    let listReads = 0;
    dynamo.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as { Key?: { pk?: string } };
        if (input.Key?.pk === `LIST#${list.body.id}`) listReads++;
        return next(args);
      },
      { step: 'initialize', name: 'count-list-reads' },
    );
    let page: Awaited<ReturnType<typeof b.send>>;
    try {
      page = await b.send('GET', `/console/mailings/${mailing.body.id}/recipients`);
    } finally {
      dynamo.middlewareStack.remove('count-list-reads');
    }
    expect(page.status).toBe(200);
    // Once each for the counts, the recipient report and the override's reach (the override off
    // and on judged in the same pass).
    expect(listReads).toBe(3);
    expect(page.html).toContain('1 of 5 people on the list will get this mailing; 4 will not.');
    expect(page.html).toContain('The override would reach 3 more people: 4 in all instead of 1.');
  });

  it('takes the console’s forms url-encoded only: a multipart post is a 415, changing nothing', async () => {
    const id = await draftOf('Wizard multipart');
    const b = browser();
    await b.signIn(marketer);
    const csrf = await b.csrf(`/console/mailings/${id}/configuration`);
    const body = new FormData();
    body.set('csrf', csrf);
    body.set('name', 'Renamed');
    const res = await fetch(`${stack().apiUrl}/console/mailings/${id}/configuration`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: [...b.jar].map(([k, v]) => `${k}=${v}`).join('; ') },
      body,
    });
    expect(res.status).toBe(415);
    expect((await request<{ name: string }>('GET', `/mailings/${id}`)).body.name).toBe('Wizard multipart');
  });
});
