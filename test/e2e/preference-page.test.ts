/**
 * The hosted pages in a real browser: Debian chromium driven by playwright-core against the local
 * stack. Recipients use phones, keyboards, screen readers and mail clients with JavaScript off;
 * these tests act as they do, and check accessibility with axe-core.
 *
 * `UPDATE_SCREENSHOT=1 npm run test:e2e` also writes docs/preference-page.png for the README.
 */
import { mkdirSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '#infra/local/lambda.ts';
import { signingKeys } from '#shared/adapters/secrets/signing-keys.ts';
import { signToken, type TokenClaims } from '#shared/domain/tokens.ts';
import { seriousViolations, useBrowser } from '#test/helpers/browser.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { mailTo, rawMime } from '#test/helpers/ses-inbox.ts';

const { request, stack, createKey } = useLocalStack();
const { open } = useBrowser();

interface Contact {
  id: string;
  consent: { status: string };
  subscriptions: Record<string, { status: string; source: string }>;
}

let marketer: string;
const types: Record<string, string> = {};
let counter = 0;

const sign = async (claims: TokenClaims) => signToken(await signingKeys(), claims);
const url = (path: string) => stack().apiUrl + path;

const createType = async (body: Record<string, unknown>) => {
  const res = await request<{ id: string }>('POST', '/subscription-types', { key: marketer, body });
  expect(res.status, res.text).toBe(201);
  return res.body.id;
};

const reader = async (extra: Record<string, unknown> = {}) => {
  const res = await request<Contact>('POST', '/contacts', {
    key: marketer,
    body: {
      email: `reader.${++counter}.${Date.now()}@example.com`,
      firstName: 'Ada',
      consent: { status: 'granted' },
      subscriptions: { [types.newsletter as string]: 'subscribed', [types.events as string]: 'subscribed' },
      ...extra,
    },
  });
  expect(res.status, res.text).toBe(201);
  return res.body;
};

const contactOf = async (id: string) =>
  (await request<Contact>('GET', `/contacts/${id}`, { key: marketer })).body;

/** Nothing was fetched from another origin, and the CSP refused nothing the page needed. */
const expectSelfContained = (requests: string[], console: string[]) => {
  const origin = new URL(stack().apiUrl).origin;
  expect(requests.filter((r) => new URL(r).origin !== origin)).toEqual([]);
  expect(console.filter((m) => /Refused|Content Security Policy/i.test(m))).toEqual([]);
};

/** The browser globals read in the page (this project's TypeScript has no DOM library). */
interface InPage {
  getComputedStyle(element: unknown): Record<string, string>;
}

/** A computed style property of the located element, read in the browser. */
const computed = (locator: Locator, property: string) =>
  locator.evaluate((el, name) => (globalThis as unknown as InPage).getComputedStyle(el)[name], property);

/** The page's own CSS applied (its hash in the CSP matches): the primary button is blue. */
const expectStyled = async (page: Page) => {
  const background = await computed(page.locator('button').first(), 'backgroundColor');
  expect(background).toBe('rgb(11, 87, 208)');
};

beforeAll(async () => {
  marketer = await createKey('marketer');
  types.newsletter = await createType({
    name: 'Monthly newsletter',
    description: 'The best of the month, once a month.',
    translations: { sv: { name: 'Månadsbrev', description: 'Det bästa från månaden, en gång i månaden.' } },
  });
  types.events = await createType({
    name: 'Event invitations',
    description: 'Invitations to meet-ups and webinars near you.',
    translations: { sv: { name: 'Inbjudningar', description: 'Inbjudningar till träffar och webbinarier.' } },
  });
  types.offers = await createType({ name: 'Offers', description: 'Deals and early access, now and then.' });
  types.webinars = await createType({
    name: 'Webinars',
    description: 'Live sessions; you confirm by e-mail first.',
    doubleOptIn: true,
  });
});

describe('preference page in chromium', () => {
  it('ticks, unticks and saves; the result is announced and stored', async () => {
    const contact = await reader();
    const { page, requests, console, close } = await open();
    const response = await page.goto(url(`/p/${await sign({ p: 'preferences', c: contact.id })}`));
    expect(response?.status()).toBe(200);
    await expectStyled(page);
    await expect.poll(() => page.getByLabel('Monthly newsletter').isChecked()).toBe(true);
    await page.getByLabel('Monthly newsletter').uncheck();
    await page.getByLabel('Offers').check();
    await page.getByRole('button', { name: 'Save my choices' }).click();
    await page.waitForLoadState();

    const status = page.getByRole('status');
    expect(await status.textContent()).toBe('Your choices are saved.');
    // Focused on load, so a screen reader reads it at once.
    expect(await page.locator('[role="status"]:focus').count()).toBe(1);
    expect(await page.getByLabel('Monthly newsletter').isChecked()).toBe(false);
    expect(await page.getByLabel('Offers').isChecked()).toBe(true);
    const after = await contactOf(contact.id);
    expect(after.subscriptions[types.newsletter as string]).toMatchObject({
      status: 'unsubscribed',
      source: 'preference_page',
    });
    expect(after.subscriptions[types.offers as string]?.status).toBe('subscribed');
    expect(after.subscriptions[types.events as string]?.status).toBe('subscribed');
    expectSelfContained(requests, console);
    await close();
  });

  it('saves with JavaScript off', async () => {
    const contact = await reader();
    const { page, close } = await open({ javaScriptEnabled: false });
    await page.goto(url(`/p/${await sign({ p: 'preferences', c: contact.id })}`));
    await page.getByLabel('Event invitations').uncheck();
    await page.getByLabel('Why are you leaving? (optional)').fill('Too many events');
    await page.getByRole('button', { name: 'Save my choices' }).click();
    await page.waitForLoadState();
    expect(await page.getByRole('status').textContent()).toBe('Your choices are saved.');
    expect((await contactOf(contact.id)).subscriptions[types.events as string]?.status).toBe('unsubscribed');
    const history = await request<{ items: Array<{ typeId?: string; reason?: string }> }>(
      'GET',
      `/contacts/${contact.id}/history`,
      { key: marketer },
    );
    expect(history.body.items.find((e) => e.typeId === types.events)?.reason).toBe('Too many events');
    await close();
  });

  it('works from the keyboard alone, with a visible focus ring', async () => {
    const contact = await reader();
    const { page, close } = await open();
    await page.goto(url(`/p/${await sign({ p: 'preferences', c: contact.id })}`));
    await page.keyboard.press('Tab');
    const focused = page.locator(':focus');
    expect(await focused.getAttribute('value')).toBe(types.newsletter);
    const outline = await computed(focused, 'outlineStyle');
    expect(outline).toBe('solid');
    await page.keyboard.press('Space');
    /** Tabs forward until the focused element matches, as a keyboard user would. */
    const tabTo = async (selector: string) => {
      for (let i = 0; i < 20 && !(await page.locator(`${selector}:focus`).count()); i++)
        await page.keyboard.press('Tab');
      expect(await page.locator(`${selector}:focus`).count()).toBe(1);
    };
    await tabTo(`input[value="${types.offers}"]`);
    await page.keyboard.press('Space');
    await tabTo('button[value="save"]');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    expect(await page.getByRole('status').textContent()).toBe('Your choices are saved.');
    const after = await contactOf(contact.id);
    expect(after.subscriptions[types.newsletter as string]?.status).toBe('unsubscribed');
    expect(after.subscriptions[types.offers as string]?.status).toBe('subscribed');
    await close();
  });

  it('unsubscribes from everything with one more click', async () => {
    const contact = await reader();
    const { page, close } = await open();
    await page.goto(url(`/p/${await sign({ p: 'preferences', c: contact.id })}`));
    await page.getByRole('button', { name: 'Unsubscribe from all e-mail' }).click();
    await page.waitForLoadState();
    expect(await page.getByRole('status').textContent()).toBe(
      'You are unsubscribed from all marketing e-mail.',
    );
    expect((await contactOf(contact.id)).consent.status).toBe('withdrawn');
    await close();
  });

  it('is in Swedish for a Swedish contact, and for a Swedish browser', async () => {
    const swede = await reader({ locale: 'sv' });
    const { page, close } = await open({ locale: 'en-GB' });
    await page.goto(url(`/p/${await sign({ p: 'preferences', c: swede.id })}`));
    expect(await page.locator('html').getAttribute('lang')).toBe('sv');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Dina e-postprenumerationer');
    expect(await page.getByLabel('Månadsbrev').isChecked()).toBe(true);
    await close();

    const anyone = await reader();
    const swedishBrowser = await open({ locale: 'sv-SE' });
    await swedishBrowser.page.goto(url(`/p/${await sign({ p: 'preferences', c: anyone.id })}`));
    expect(await swedishBrowser.page.locator('html').getAttribute('lang')).toBe('sv');
    await swedishBrowser.page.getByLabel('Inbjudningar').uncheck();
    await swedishBrowser.page.getByRole('button', { name: 'Spara mina val' }).click();
    await swedishBrowser.page.waitForLoadState();
    expect(await swedishBrowser.page.getByRole('status').textContent()).toBe('Dina val är sparade.');
    expect((await contactOf(anyone.id)).subscriptions[types.events as string]?.status).toBe('unsubscribed');
    await swedishBrowser.close();
  });

  it('fits a 320 px wide phone without sideways scrolling', async () => {
    const contact = await reader();
    const { page, close } = await open({
      viewport: { width: 320, height: 640 },
      isMobile: true,
      hasTouch: true,
    });
    await page.goto(url(`/p/${await sign({ p: 'preferences', c: contact.id })}`));
    const [scrollWidth, innerWidth] = await page.evaluate<[number, number]>(
      '[document.documentElement.scrollWidth, window.innerWidth]',
    );
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
    // Checkboxes meet the 24 × 24 px target size (WCAG 2.2, 2.5.8).
    const box = await page.getByLabel('Offers').boundingBox();
    expect(box?.width).toBeGreaterThanOrEqual(24);
    expect(box?.height).toBeGreaterThanOrEqual(24);
    await close();
  });

  it('has no serious or critical axe violations (English and Swedish)', async () => {
    for (const locale of [undefined, 'sv']) {
      const contact = await reader(locale ? { locale } : {});
      const { page, close } = await open({ bypassCSP: true });
      await page.goto(url(`/p/${await sign({ p: 'preferences', c: contact.id })}`));
      expect(await seriousViolations(page)).toEqual([]);
      await page.getByRole('button', { name: /Save my choices|Spara mina val/ }).click();
      await page.waitForLoadState();
      expect(await seriousViolations(page)).toEqual([]);
      await close();
    }
  });

  it('writes the README screenshot when asked to (UPDATE_SCREENSHOT=1)', async () => {
    if (process.env.UPDATE_SCREENSHOT !== '1') return;
    const contact = await reader({
      email: 'ada.lovelace@example.com',
      subscriptions: { [types.newsletter as string]: 'subscribed' },
    });
    const { page, close } = await open({ viewport: { width: 760, height: 900 } });
    await page.goto(url(`/p/${await sign({ p: 'preferences', c: contact.id })}`));
    await page.getByLabel('Offers').check();
    await page.getByRole('button', { name: 'Save my choices' }).click();
    await page.waitForLoadState();
    const file = join(projectRoot, 'docs/preference-page.png');
    mkdirSync(join(projectRoot, 'docs'), { recursive: true });
    await page.screenshot({ path: file, fullPage: true });
    expect(statSync(file).size).toBeLessThan(150 * 1024);
    await close();
  });
});

describe('one-click unsubscribe page in chromium', () => {
  it("unsubscribes with the GET page's button (a POST), without a redirect, and axe finds nothing serious", async () => {
    const contact = await reader();
    const token = await sign({ p: 'unsubscribe', c: contact.id, t: types.newsletter });
    const { page, requests, console, close } = await open();
    await page.goto(url(`/u/${token}`));
    await expectStyled(page);
    expect((await contactOf(contact.id)).subscriptions[types.newsletter as string]?.status).toBe(
      'subscribed',
    );
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Unsubscribe' }).click(),
    ]);
    expect(response.status()).toBe(200);
    await page.waitForLoadState();
    expect(page.url()).toBe(url(`/u/${token}`));
    expect(await page.getByRole('status').textContent()).toBe(
      'You are unsubscribed from Monthly newsletter.',
    );
    expect((await contactOf(contact.id)).subscriptions[types.newsletter as string]).toMatchObject({
      status: 'unsubscribed',
      source: 'one_click',
    });
    expect((await page.context().cookies()).length).toBe(0);
    expectSelfContained(requests, console);
    await close();

    const audit = await open({ bypassCSP: true });
    await audit.page.goto(url(`/u/${token}`));
    expect(await seriousViolations(audit.page)).toEqual([]);
    await audit.close();
  });
});

describe('tracked link with a subscription action in chromium', () => {
  it("asks first, then the button's POST subscribes and the browser lands on the target at its own origin", async () => {
    // The target, at an origin of its own (another port): the form's redirect must be allowed there.
    const landed: string[] = [];
    const shop = createServer((req, res) => {
      landed.push(`${req.method} ${req.url}`);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><html lang="en"><title>Shop</title><h1>Welcome to the shop</h1></html>');
    });
    await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
    const target = `http://127.0.0.1:${(shop.address() as AddressInfo).port}/landing?from=mail`;
    try {
      const contact = await reader();
      const token = await sign({
        p: 'link',
        c: contact.id,
        a: { kind: 'subscribe', value: types.offers as string },
        u: target,
      });
      const { page, console, close } = await open();
      await page.goto(url(`/l/${token}`));
      await expectStyled(page);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Subscribe');
      expect((await contactOf(contact.id)).subscriptions[types.offers as string]).toBeUndefined();
      expect(
        await page.getByRole('link', { name: 'Continue without changing anything' }).getAttribute('href'),
      ).toBe(target);
      await Promise.all([
        page.waitForURL(target),
        page.getByRole('button', { name: 'Yes, subscribe me' }).click(),
      ]);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Welcome to the shop');
      expect(landed.filter((r) => r.includes('/landing'))).toEqual(['GET /landing?from=mail']);
      expect(console.filter((m) => /Refused|Content Security Policy/i.test(m))).toEqual([]);
      expect((await contactOf(contact.id)).subscriptions[types.offers as string]).toMatchObject({
        status: 'subscribed',
        source: 'link',
      });
      await close();

      const audit = await open({ bypassCSP: true });
      await audit.page.goto(
        url(
          `/l/${await sign({ p: 'link', c: contact.id, a: { kind: 'unsubscribe', value: types.newsletter as string }, u: target })}`,
        ),
      );
      expect(await audit.page.getByRole('button').textContent()).toBe('Unsubscribe');
      expect(await seriousViolations(audit.page)).toEqual([]);
      await audit.close();
    } finally {
      await new Promise((resolve) => shop.close(resolve));
    }
  });
});

describe('double opt-in in chromium', () => {
  it('ticking a double opt-in type mails a confirmation; its link shows a button that confirms', async () => {
    const contact = await reader({ locale: 'nb' });
    const { page, close } = await open({ bypassCSP: true });
    await page.goto(url(`/p/${await sign({ p: 'preferences', c: contact.id })}`));
    await page.getByLabel('Webinars').check();
    await page.getByRole('button', { name: 'Lagre valgene mine' }).click();
    await page.waitForLoadState();
    expect(await page.getByRole('status').textContent()).toContain(
      'Vi har sendt deg en e-post for å bekrefte: Webinars.',
    );
    expect((await contactOf(contact.id)).subscriptions[types.webinars as string]?.status).toBe('pending');

    // The mail as the recipient's server gets it, read with a real MIME parser.
    const email = (await request<{ email: string }>('GET', `/contacts/${contact.id}`, { key: marketer })).body
      .email;
    const [stored] = await mailTo(stack().sesUrl, email);
    const mail = await simpleParser(await rawMime(stack().sesUrl, stored?.messageId ?? ''));
    expect(mail.subject).toBe('Bekreft abonnementet ditt på Webinars');
    const link = (mail.html || '').match(/href="([^"]+)"/)?.[1] ?? '';
    expect(link).toMatch(/\/p\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);

    await page.goto(link);
    expect(await seriousViolations(page)).toEqual([]);
    expect((await contactOf(contact.id)).subscriptions[types.webinars as string]?.status).toBe('pending');
    await page.getByRole('button', { name: 'Bekreft abonnementet mitt' }).click();
    await page.waitForLoadState();
    expect(await page.getByRole('status').textContent()).toBe('Takk! Nå abonnerer du på Webinars.');
    expect(await seriousViolations(page)).toEqual([]);
    expect((await contactOf(contact.id)).subscriptions[types.webinars as string]).toMatchObject({
      status: 'subscribed',
      source: 'confirmation',
    });
    await close();
  });
});

describe('other pages in chromium', () => {
  it('shows a friendly 404 page for a tampered token, and axe finds nothing serious', async () => {
    const contact = await reader();
    const token = await sign({ p: 'preferences', c: contact.id });
    const tampered = `${token.slice(0, 10)}${token[10] === 'A' ? 'B' : 'A'}${token.slice(11)}`;
    const { page, close } = await open({ bypassCSP: true });
    const response = await page.goto(url(`/p/${tampered}`));
    expect(response?.status()).toBe(404);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('This link does not work');
    expect(await page.getByRole('link', { name: 'Get a new link' }).getAttribute('href')).toBe('/p');
    expect(await seriousViolations(page)).toEqual([]);
    await close();
  });

  it('asks for an address on /p, answers the same for anyone, and axe finds nothing serious', async () => {
    const { page, close } = await open({ bypassCSP: true, locale: 'de-DE' });
    await page.goto(url('/p'));
    expect(await page.locator('html').getAttribute('lang')).toBe('de');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel('E-Mail-Adresse').fill('nobody@example.com');
    await page.getByRole('button', { name: 'Link senden' }).click();
    await page.waitForLoadState();
    expect(await page.getByRole('status').textContent()).toContain('Sehen Sie in Ihrem Posteingang nach.');
    expect(await seriousViolations(page)).toEqual([]);
    await close();
  });
});
