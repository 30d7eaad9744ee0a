/**
 * The marketers' console in a real browser: Debian chromium driven by playwright-core against the
 * local stack. A marketer goes through the whole mailing wizard to a sent mailing whose mail is in
 * the local SES inbox; an administrator sends with the consent override and switches the privacy
 * filter; a marketer is refused both, by the page and by the server; sessions end as they should.
 * axe-core checks every console page.
 *
 * `UPDATE_SCREENSHOT=1 npm run test:e2e` also writes docs/console-recipients.png and
 * docs/console-progress.png for the README.
 */
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '#infra/local/lambda.ts';
import { setLogSink } from '#shared/observability/logger.ts';
import { seriousViolations, useBrowser } from '#test/helpers/browser.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { mailTo } from '#test/helpers/ses-inbox.ts';

const { request, stack } = useLocalStack();
const { open } = useBrowser();

// Every log line of the stack (the handlers run in this process): no API key may appear in one.
const logLines: string[] = [];
setLogSink((line) => logLines.push(line));

const run = `${Date.now()}`;
const address = (name: string) => `${name}.${run}@example.com`;
const people = {
  ada: address('ada'), // consented and subscribed: gets it
  bob: address('bob'), // unsubscribed from the type
  cy: address('cy'), // no e-marketing consent
  dee: address('dee'), // consented, never subscribed
  eve: address('eve'), // suppressed
};

let marketer: string;
let marketerId: string;
let typeId: string;
let listId: string;
const url = (path: string) => stack().apiUrl + path;

const contact = async (email: string, body: Record<string, unknown>) => {
  const res = await request<{ id: string }>('POST', '/contacts', {
    body: { email, firstName: email.split('.')[0]?.replace(/^./, (c) => c.toUpperCase()), ...body },
  });
  expect(res.status, res.text).toBe(201);
  return res.body.id;
};

beforeAll(async () => {
  const made = await request<{ id: string; key: string }>('POST', '/api-keys', {
    body: { name: 'Mia Marketer', role: 'marketer' },
  });
  marketer = made.body.key;
  marketerId = made.body.id;
  const type = await request<{ id: string }>('POST', '/subscription-types', {
    body: { name: `Monthly newsletter ${run}` },
  });
  typeId = type.body.id;
  const granted = { status: 'granted', source: 'form' };
  const ids = [
    await contact(people.ada, { consent: granted, subscriptions: { [typeId]: 'subscribed' } }),
    await contact(people.bob, { consent: granted, subscriptions: { [typeId]: 'unsubscribed' } }),
    await contact(people.cy, { subscriptions: { [typeId]: 'subscribed' } }),
    await contact(people.dee, { consent: granted }),
    await contact(people.eve, { consent: granted, subscriptions: { [typeId]: 'subscribed' } }),
  ];
  expect(
    (await request('POST', '/suppressions', { body: { email: people.eve, reason: 'manual' } })).status,
  ).toBe(201);
  const list = await request<{ id: string }>('POST', '/lists', {
    body: { name: `Everyone ${run}`, contactIds: ids },
  });
  listId = list.body.id;
}, 60_000);

/** Signs in through the form, as a person would: from a console page, back to it. */
const signIn = async (page: Page, key: string, path = '/console') => {
  await page.goto(url(path));
  expect(new URL(page.url()).pathname).toBe('/console/sign-in');
  await page.getByLabel(/^(API key|API-nyckel)$/).fill(key);
  await Promise.all([
    page.waitForURL((u) => u.pathname !== '/console/sign-in'),
    page.getByRole('button', { name: /^(Sign in|Logga in)$/ }).click(),
  ]);
};

/** axe finds nothing serious or critical on the page (CSP bypassed in the context for axe alone). */
const expectAccessible = async (page: Page, what: string) => {
  expect(await seriousViolations(page), what).toEqual([]);
};

/** The progress view's counts, by label. */
const countsOn = async (page: Page): Promise<Record<string, string>> => {
  const out: Record<string, string> = {};
  for (const item of await page.locator('.cards li').all()) {
    const n = (await item.locator('.n').textContent()) ?? '';
    const label = ((await item.textContent()) ?? '')
      .slice(n.length)
      .replace(/\(.*\)/, '')
      .trim();
    out[label] = n;
  }
  return out;
};

const noKeyAnywhere = async (page: Page, context: BrowserContext, keys: string[]) => {
  const html = await page.content();
  for (const key of keys) {
    expect(page.url()).not.toContain(key);
    expect(html).not.toContain(key);
    expect(logLines.filter((line) => line.includes(key))).toEqual([]);
    expect((await context.cookies()).filter((c) => c.value.includes(key))).toEqual([]);
  }
};

const draftVia = async (body: Record<string, unknown> = {}) => {
  const res = await request<{ id: string }>('POST', '/mailings', {
    body: {
      name: `Draft ${run} ${Math.random().toString(36).slice(2, 6)}`,
      subscriptionTypeId: typeId,
      listId,
      from: 'news@example.com',
      subject: 'Hi {{firstName}}',
      text: 'Hello {{firstName}}! {{unsubscribeUrl}}',
      ...body,
    },
  });
  expect(res.status, res.text).toBe(201);
  return res.body.id;
};

describe('the console, as a marketer', () => {
  it('goes through the whole wizard to a sent mailing whose mail is in the SES inbox, and sees why each person was excluded', async () => {
    const { page, context, requests, console: messages, close } = await open({ bypassCSP: true });
    await signIn(page, marketer);
    await expectAccessible(page, 'mailings');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Mailings');
    const cookie = (await context.cookies()).find((c) => c.name === 'sc_console');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/console' });

    // 1. Configuration: a bad sender comes back beside its field, with what was typed kept.
    await page.getByRole('link', { name: 'New mailing' }).click();
    await expectAccessible(page, 'configuration');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Step 1 of 5: Configuration');
    await page.getByLabel('Name', { exact: true }).fill(`May news ${run}`);
    await page.getByLabel('Sender').fill('not an address');
    await page.getByLabel('Subscription type').selectOption(typeId);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.waitForLoadState();
    expect(await page.locator('#from-error').textContent()).toBe('An address, or Name <address>');
    expect(await page.getByLabel('Sender').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe(`May news ${run}`);
    await expectAccessible(page, 'configuration with an error');
    await page.getByLabel('Sender').fill('News <news@example.com>');
    await page.getByRole('button', { name: 'Next' }).click();

    // 2. Content, with a preview for one contact.
    await page.waitForLoadState();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Step 2 of 5: Content');
    await page.getByLabel('Subject').fill('Hello {{firstName}}');
    await page.getByLabel('Text version').fill('Hi {{firstName}}, the May news. {{unsubscribeUrl}}');
    await page.getByLabel('Preview for the contact with this address').fill(people.ada);
    await page.getByRole('button', { name: 'Show preview' }).click();
    await page.waitForLoadState();
    expect(await page.locator('pre').first().textContent()).toContain(
      'Hi Ada, the May news. [unsubscribe link]',
    );
    expect(await page.getByLabel('Subject').inputValue()).toBe('Hello {{firstName}}');
    await expectAccessible(page, 'content with a preview');
    await page.getByRole('button', { name: 'Next' }).click();

    // 3. Target list: a static list built from addresses.
    await page.waitForLoadState();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Step 3 of 5: Target list');
    await expectAccessible(page, 'target list');
    await page.getByLabel('A new static list: these contacts').check();
    await page.getByLabel('Addresses, one per line').fill(Object.values(people).join('\n'));
    await page.getByLabel('Name of the new list').fill(`May readers ${run}`);
    await page.getByRole('button', { name: 'Save and see the recipients' }).click();

    // 4. Recipients: every row with its verdict and reason, counts per reason, a filter.
    await page.waitForURL(/\/console\/mailings\/[^/]+\/recipients$/);
    const mailingId = new URL(page.url()).pathname.split('/')[3] as string;
    expect(await page.getByText('1 of 5 people on the list will get this mailing; 4 will not.').count()).toBe(
      1,
    );
    const rowOf = async (email: string) =>
      (await page.getByRole('row').filter({ hasText: email }).first().textContent())?.replace(/\s+/g, ' ');
    expect(await rowOf(people.ada)).toContain('Gets itConsented and subscribed');
    expect(await rowOf(people.bob)).toContain('ExcludedUnsubscribed from this type');
    expect(await rowOf(people.cy)).toContain('ExcludedNo e-marketing consent');
    expect(await rowOf(people.dee)).toContain('ExcludedNever subscribed to this type');
    expect(await rowOf(people.eve)).toContain('ExcludedSuppressed address: Added by hand');
    // A marketer is never offered the override.
    expect(await page.getByText('Consent override').count()).toBe(0);
    await expectAccessible(page, 'recipients');
    await page
      .getByRole('navigation', { name: 'Show' })
      .getByRole('link', { name: /No e-marketing consent/ })
      .click();
    await page.waitForLoadState();
    const rows = page.locator('table').last().locator('tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain(people.cy);

    // 5. Send: the confirmation states the counts. A second tab waits on the same screen.
    await page.getByRole('link', { name: 'Continue to sending' }).click();
    await page.waitForLoadState();
    expect(await page.getByText('now to 1 people? 4 people on the list are excluded').count()).toBe(1);
    await expectAccessible(page, 'send');
    const other = await context.newPage();
    await other.goto(page.url());
    await page.getByRole('button', { name: 'Send now' }).click();
    await page.waitForURL(/\/console\/mailings\/[^/]+\?done=sent$/);
    expect(await page.getByRole('status').first().textContent()).toContain('The mailing is on its way');

    // The other tab's send is a 409, said in a sentence.
    const [answer] = await Promise.all([
      other.waitForResponse((r) => r.request().method() === 'POST'),
      other.getByRole('button', { name: 'Send now' }).click(),
    ]);
    expect(answer.status()).toBe(409);
    await other.waitForLoadState();
    expect(await other.getByRole('status').first().textContent()).toBe(
      'This mailing was already sent, perhaps from another tab.',
    );
    await expectAccessible(other, 'a send that came second');
    // …and leads to the progress.
    await other.getByRole('link', { name: 'Follow its progress' }).click();
    await other.waitForURL(new RegExp(`/console/mailings/${mailingId}$`));
    expect(await other.getByRole('heading', { level: 1 }).textContent()).toContain('Progress');
    await other.close();

    // Progress: the counts move as the mail goes out and SES reports.
    await expect
      .poll(
        async () => {
          await page.goto(url(`/console/mailings/${mailingId}`));
          return countsOn(page);
        },
        { timeout: 30_000, interval: 500 },
      )
      .toMatchObject({ Sent: '1', Delivered: '1', Excluded: '4', Failed: '0' });
    await expectAccessible(page, 'progress');
    const mail = await mailTo(stack().sesUrl, people.ada);
    expect(mail.map((m) => m.subject)).toEqual(['Hello Ada']);
    for (const excluded of [people.bob, people.cy, people.dee, people.eve])
      expect(await mailTo(stack().sesUrl, excluded)).toEqual([]);

    // The type's page draws its subscribers over time (the type report) and its latest mailings,
    // each beside a table of the same figures.
    await page.goto(url(`/console/types/${typeId}`));
    expect(await page.locator('svg[role="img"] title').allTextContents()).toEqual(
      expect.arrayContaining(['Subscribers over time', 'Latest mailings of this type']),
    );
    expect(
      await page
        .getByRole('row')
        .filter({ hasText: `May news ${run}` })
        .textContent(),
    ).toContain('11');
    await expectAccessible(page, 'type with its chart');
    await page.goto(url(`/console/mailings/${mailingId}`));

    // After sending, the report still says why each excluded person was excluded.
    await page.getByRole('link', { name: 'Recipients' }).last().click();
    await page.waitForLoadState();
    expect(await rowOf(people.ada)).toContain('Delivered');
    expect(await rowOf(people.dee)).toContain('Never subscribed to this type');

    expect(requests.filter((r) => new URL(r).origin !== new URL(stack().apiUrl).origin)).toEqual([]);
    expect(messages.filter((m) => /Refused|Content Security Policy/i.test(m))).toEqual([]);
    await noKeyAnywhere(page, context, [marketer]);
    await close();
  }, 180_000);

  it('is refused the override and the privacy switch: no box, no switch, and the server says no', async () => {
    const overridden = await draftVia({
      overrideConsent: true,
      overrideReason: 'Service change everyone must know',
    });
    const { page, close } = await open({ bypassCSP: true });
    await signIn(page, marketer, `/console/mailings/${overridden}/recipients`);
    expect(new URL(page.url()).pathname).toBe(`/console/mailings/${overridden}/recipients`);
    expect(await page.getByRole('checkbox').count()).toBe(0);
    expect(await page.getByText('only an administrator can send it').count()).toBe(1);
    const csrf = (await page.locator('input[name=csrf]').first().getAttribute('value')) as string;

    // A forged override post with a valid session and token: refused, nothing changed.
    const forged = await page.request.post(url(`/console/mailings/${overridden}/recipients`), {
      form: { csrf, action: 'override', overrideConsent: 'on', overrideReason: 'x' },
      maxRedirects: 0,
    });
    expect(forged.status()).toBe(403);

    // Sending the admin's override draft: refused with a sentence, and still a draft.
    await page.goto(url(`/console/mailings/${overridden}/send`));
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Send now' }).click(),
    ]);
    expect(answer.status()).toBe(403);
    await page.waitForLoadState();
    expect(await page.getByRole('alert').textContent()).toBe(
      'Only an administrator can send a mailing with the consent override on.',
    );
    await expectAccessible(page, 'send refused');
    expect((await request<{ status: string }>('GET', `/mailings/${overridden}`)).body.status).toBe('draft');

    // Settings: the privacy filter is shown, not offered; a forged switch is refused.
    await page.goto(url('/console/settings'));
    expect(await page.getByText('Only an administrator can change this setting.').count()).toBe(1);
    expect(await page.getByRole('radio').count()).toBe(0);
    await expectAccessible(page, 'settings as a marketer');
    const before = (await request<{ privacy: { enabled: boolean } }>('GET', '/settings')).body.privacy
      .enabled;
    const switched = await page.request.post(url('/console/settings'), {
      form: { csrf, action: 'privacy', enabled: before ? 'off' : 'on' },
      maxRedirects: 0,
    });
    expect(switched.status()).toBe(403);
    expect((await request<{ privacy: { enabled: boolean } }>('GET', '/settings')).body.privacy.enabled).toBe(
      before,
    );
    await close();
  }, 180_000);
});

describe('the console, as an administrator', () => {
  it('sends with the consent override, seeing first how many more it reaches; the reason is required', async () => {
    const id = await draftVia({ name: `Service notice ${run}`, subject: 'Notice for {{firstName}}' });
    const { page, close } = await open({ bypassCSP: true });
    await signIn(page, stack().adminKey, `/console/mailings/${id}/recipients`);
    expect(await page.locator('#override-reach').textContent()).toBe(
      'The override would reach 3 more people: 4 in all instead of 1.',
    );
    await expectAccessible(page, 'recipients as an admin');
    await page.getByLabel(/Send to everyone on the list/).check();
    await page.getByRole('button', { name: 'Save the override choice' }).click();
    await page.waitForLoadState();
    expect(await page.locator('#overrideReason-error').textContent()).toBe('Required');
    expect(await page.getByLabel(/Send to everyone on the list/).isChecked()).toBe(true);
    await page.getByLabel(/Why this mailing must reach everyone/).fill('Terms of service change');
    await page.getByRole('button', { name: 'Save the override choice' }).click();
    await page.waitForLoadState();
    expect(await page.getByText('The consent override is on. Reason: Terms of service change').count()).toBe(
      1,
    );
    expect(await page.getByText('4 of 5 people on the list will get this mailing; 1 will not.').count()).toBe(
      1,
    );
    await page.getByRole('link', { name: 'Continue to sending' }).click();
    await page.waitForLoadState();
    expect(await page.getByText('3 of them are reached only because of it').count()).toBe(1);
    await page.getByRole('button', { name: 'Send now' }).click();
    await page.waitForURL(/done=sent/);
    await expect
      .poll(async () => (await mailTo(stack().sesUrl, people.dee)).map((m) => m.subject), { timeout: 30_000 })
      .toContain('Notice for Dee');
    // Suppression wins over the override.
    expect((await mailTo(stack().sesUrl, people.eve)).length).toBe(0);
    const audit = await request<{ items: Array<{ action: string; details: Record<string, unknown> }> }>(
      'GET',
      '/audit?action=mailing.override_send',
    );
    expect(audit.body.items.some((e) => e.details.mailingId === id)).toBe(true);
    await close();
  }, 180_000);

  it('switches the privacy filter, and the page says who changed it when', async () => {
    const { page, close } = await open({ bypassCSP: true });
    await signIn(page, stack().adminKey, '/console/settings');
    await expectAccessible(page, 'settings as an admin');
    await page.getByLabel(/^Off:/).check();
    await page.getByRole('button', { name: 'Save' }).first().click();
    await page.waitForURL(/done=off/);
    expect(await page.getByRole('status').textContent()).toBe('The privacy filter is now off.');
    const settings = await request<{ privacy: { enabled: boolean; updatedBy: string } }>('GET', '/settings');
    expect(settings.body.privacy.enabled).toBe(false);
    expect(await page.getByText(`by the key ${settings.body.privacy.updatedBy}`).count()).toBe(1);
    // With the filter off, the same draft reaches everyone but the suppressed address.
    const id = await draftVia();
    await page.goto(url(`/console/mailings/${id}/recipients`));
    expect(await page.getByText('4 of 5 people on the list will get this mailing; 1 will not.').count()).toBe(
      1,
    );
    await page.goto(url('/console/settings'));
    await page.getByLabel(/^On:/).check();
    await page.getByRole('button', { name: 'Save' }).first().click();
    await page.waitForURL(/done=on/);
    expect((await request<{ privacy: { enabled: boolean } }>('GET', '/settings')).body.privacy.enabled).toBe(
      true,
    );
    await close();
  }, 180_000);

  it('passes axe on every console page, in English and in Swedish', async () => {
    const contactId = (
      await request<{ items: Array<{ id: string }> }>(
        'GET',
        `/contacts?email=${encodeURIComponent(people.ada)}`,
      )
    ).body.items[0]?.id;
    const draft = await draftVia();
    const pages = [
      '/console',
      '/console/mailings/new',
      `/console/mailings/${draft}/configuration`,
      `/console/mailings/${draft}/content`,
      `/console/mailings/${draft}/list`,
      `/console/mailings/${draft}/recipients`,
      `/console/mailings/${draft}/send`,
      '/console/contacts',
      `/console/contacts?email=${encodeURIComponent(people.ada)}`,
      `/console/contacts/${contactId}`,
      '/console/types',
      `/console/types/${typeId}`,
      '/console/lists',
      `/console/lists/${listId}`,
      '/console/suppressions',
      `/console/suppressions?email=${encodeURIComponent(people.eve)}`,
      '/console/settings',
      '/console/mailings/01h00000000000000000000000',
    ];
    for (const locale of ['en-GB', 'sv-SE']) {
      const { page, close } = await open({ bypassCSP: true, locale });
      await page.goto(url('/console/sign-in'));
      await expectAccessible(page, `sign-in ${locale}`);
      await signIn(page, stack().adminKey);
      for (const path of pages) {
        await page.goto(url(path));
        await expectAccessible(page, `${path} ${locale}`);
      }
      if (locale === 'sv-SE') expect(await page.locator('html').getAttribute('lang')).toBe('sv');
      await close();
    }
  }, 180_000);
});

describe('console sessions', () => {
  it('signs in in Swedish with a field labelled "API-nyckel", and refuses an unknown key without echoing it', async () => {
    const { page, context, close } = await open({ locale: 'sv-SE' });
    await page.goto(url('/console'));
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Logga in');
    const wrong = 'sck_this-key-does-not-exist-anywhere';
    await page.getByLabel('API-nyckel').fill(wrong);
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Logga in' }).click(),
    ]);
    expect(answer.status()).toBe(401);
    await page.waitForLoadState();
    expect(await page.locator('#apiKey-error').textContent()).toBe('Nyckeln är okänd eller har återkallats.');
    expect(await page.getByLabel('API-nyckel').inputValue()).toBe('');
    await noKeyAnywhere(page, context, [wrong]);
    await close();
  }, 180_000);

  it('styles every page with its one stylesheet under the page’s own Content-Security-Policy', async () => {
    const { page, requests, console: messages, close } = await open();
    await signIn(page, marketer);
    const answer = await page.request.get(url('/console/style.css'));
    expect(answer.status()).toBe(200);
    expect(answer.headers()['content-type']).toBe('text/css; charset=utf-8');
    expect(answer.headers()['cache-control']).toBe('public, max-age=3600');
    // The header's dark background comes from the stylesheet alone: it loaded and the CSP let it.
    for (const path of ['/console', '/console/contacts', '/console/types', '/console/settings']) {
      await page.goto(url(path));
      const background = await page
        .locator('header')
        .evaluate(
          (el) =>
            (
              globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }
            ).getComputedStyle(el).backgroundColor,
        );
      expect(background).toBe('rgb(31, 41, 55)');
    }
    expect(requests.filter((r) => r.endsWith('/console/style.css')).length).toBeGreaterThan(0);
    expect(requests.filter((r) => new URL(r).origin !== new URL(stack().apiUrl).origin)).toEqual([]);
    expect(messages.filter((m) => /Content Security Policy|Refused/i.test(m))).toEqual([]);
    await close();
  }, 180_000);

  it('ends when the key is revoked, and returns to where the marketer was after signing in again', async () => {
    const temp = await request<{ id: string; key: string }>('POST', '/api-keys', {
      body: { name: 'Temporary marketer', role: 'marketer' },
    });
    const id = await draftVia();
    const { page, context, close } = await open();
    await signIn(page, temp.body.key, `/console/mailings/${id}/recipients?reason=no_consent`);
    expect(page.url()).toBe(url(`/console/mailings/${id}/recipients?reason=no_consent`));
    expect((await request('DELETE', `/api-keys/${temp.body.id}`)).status).toBe(200);
    await page.reload();
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    expect(await page.getByRole('status').textContent()).toBe(
      'Your session has ended. Sign in again to go back to where you were.',
    );
    await page.getByLabel('API key').fill(marketer);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => u.pathname.endsWith('/recipients'));
    expect(page.url()).toBe(url(`/console/mailings/${id}/recipients?reason=no_consent`));
    await noKeyAnywhere(page, context, [temp.body.key, marketer]);
    await close();
  }, 180_000);

  it('signs out: the old cookie opens nothing; a form without its CSRF token is refused', async () => {
    const { page, context, close } = await open();
    await signIn(page, marketer);
    const cookie = (await context.cookies()).find((c) => c.name === 'sc_console');
    const noToken = await page.request.post(url('/console/settings'), {
      form: { action: 'privacy', enabled: 'on' },
      maxRedirects: 0,
    });
    expect(noToken.status()).toBe(403);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/console\/sign-in\?out=1/);
    expect(await page.getByRole('status').textContent()).toBe('You are signed out.');
    const replay = await fetch(url('/console'), {
      headers: { cookie: `sc_console=${cookie?.value}` },
      redirect: 'manual',
    });
    expect(replay.status).toBe(303);
    expect(replay.headers.get('location')).toBe('/console/sign-in?next=%2Fconsole&ended=1');
    await close();
  }, 180_000);

  it('a session id is stored only as its hash, and the marketer’s key id is what the audit shows', async () => {
    const { page, context, close } = await open();
    await signIn(page, marketer);
    const value = (await context.cookies()).find((c) => c.name === 'sc_console')?.value as string;
    const { ScanCommand } = await import('@aws-sdk/lib-dynamodb');
    const { dynamo, tableName } = await import('#shared/adapters/dynamodb/client.ts');
    const items = (await dynamo.send(new ScanCommand({ TableName: tableName('app') }))).Items ?? [];
    const sessions = items.filter((i) => String(i.pk).startsWith('SESSION#'));
    expect(sessions.length).toBeGreaterThan(0);
    expect(JSON.stringify(items)).not.toContain(value);
    expect(sessions.some((s) => s.keyId === marketerId)).toBe(true);
    expect(JSON.stringify(sessions)).not.toContain(marketer);
    await close();
  }, 180_000);
});

describe('README screenshots', () => {
  it('writes the Recipients step and the progress chart when asked to (UPDATE_SCREENSHOT=1)', async () => {
    if (process.env.UPDATE_SCREENSHOT !== '1') return;
    const id = await draftVia({ name: 'May newsletter' });
    const { page, close } = await open({ viewport: { width: 1100, height: 900 } });
    await signIn(page, stack().adminKey, `/console/mailings/${id}/recipients`);
    mkdirSync(join(projectRoot, 'docs'), { recursive: true });
    const recipients = join(projectRoot, 'docs/console-recipients.png');
    await page.screenshot({ path: recipients, fullPage: true });
    expect(statSync(recipients).size).toBeLessThan(400 * 1024);
    await page.goto(url(`/console/mailings/${id}/send`));
    await page.getByRole('button', { name: 'Send now' }).click();
    await page.waitForURL(/done=sent/);
    await expect
      .poll(
        async () => {
          await page.goto(url(`/console/mailings/${id}`));
          return (await countsOn(page)).Delivered;
        },
        { timeout: 30_000 },
      )
      .toBe('1');
    const progress = join(projectRoot, 'docs/console-progress.png');
    await page.screenshot({ path: progress, fullPage: true });
    expect(statSync(progress).size).toBeLessThan(400 * 1024);
    await close();
  }, 180_000);
});
