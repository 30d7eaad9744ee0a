/** The console's pure parts: its session as data, its cookies, form controls and charts. */
import { describe, expect, it } from 'vitest';
import { barChart, percent, rate, sesThresholds } from '#shared/console/charts.ts';
import { fieldErrors, input } from '#shared/console/forms.ts';
import { progressPage } from '#shared/console/mailing-pages.ts';
import { consolePage, stylesheetPath } from '#shared/console/layout.ts';
import { consoleCss } from '#shared/console/style.ts';
import { mailingStrings } from '#shared/console/mailing-strings.ts';
import { consoleLanguage, consoleStrings } from '#shared/console/strings.ts';
import {
  clearCookie,
  hashSessionId,
  isLive,
  looksLikeToken,
  parseCookies,
  randomToken,
  safeNext,
  sameSecret,
  sessionLifetimeSeconds,
  setCookie,
} from '#shared/domain/console-session.ts';
import { mayOverrideConsent } from '#shared/domain/mailing.ts';

describe('where sign-in leads back to', () => {
  it.each([
    [undefined, '/console'],
    ['', '/console'],
    ['/console', '/console'],
    [
      '/console/mailings/01h00000000000000000000000/recipients?reason=no_consent',
      '/console/mailings/01h00000000000000000000000/recipients?reason=no_consent',
    ],
    ['/console?cursor=abc', '/console?cursor=abc'],
    ['https://evil.example/console', '/console'],
    ['//evil.example/console', '/console'],
    ['/console//evil.example', '/console'],
    ['/console\\..\\x', '/console'],
    ['/consoleevil', '/console'],
    ['/p/token', '/console'],
    ['/console/\u0000x', '/console'],
    ['/console/a b', '/console'],
    [`/console/${'x'.repeat(600)}`, '/console'],
    ['javascript:alert(1)', '/console'],
  ])('%j → %s', (next, expected) => {
    expect(safeNext(next)).toBe(expected);
  });
});

describe('session data', () => {
  it('makes 256-bit random ids, stores only their SHA-256, and compares secrets in constant time', () => {
    const a = randomToken();
    const b = randomToken();
    expect(looksLikeToken(a)).toBe(true);
    expect(a).not.toBe(b);
    expect(hashSessionId(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashSessionId(a)).not.toContain(a);
    expect(sameSecret(a, a)).toBe(true);
    expect(sameSecret(a, b)).toBe(false);
    expect(sameSecret(a, undefined)).toBe(false);
    expect(sameSecret(undefined, undefined)).toBe(false);
    expect(sameSecret(a, a.slice(1))).toBe(false);
    for (const junk of [undefined, '', 'short', `${a}x`, `${a.slice(1)}!`])
      expect(looksLikeToken(junk)).toBe(false);
  });

  it('lives 8 hours from sign-in, not a second longer', () => {
    const start = Date.parse('2026-05-01T08:00:00Z');
    const session = { expiresAt: start / 1000 + sessionLifetimeSeconds };
    expect(sessionLifetimeSeconds).toBe(8 * 3600);
    expect(isLive(session, start)).toBe(true);
    expect(isLive(session, start + 8 * 3600 * 1000 - 1)).toBe(true);
    expect(isLive(session, start + 8 * 3600 * 1000)).toBe(false);
  });

  it('sets HttpOnly, SameSite=Strict cookies on the console path, Secure when asked', () => {
    expect(setCookie('sc_console', 'v', { secure: true, maxAgeSeconds: 28800 })).toBe(
      'sc_console=v; Path=/console; Max-Age=28800; HttpOnly; SameSite=Strict; Secure',
    );
    expect(setCookie('sc_console', 'v', { secure: false, maxAgeSeconds: 1 })).not.toContain('Secure');
    expect(clearCookie('sc_console', true)).toBe(
      'sc_console=; Path=/console; Max-Age=0; HttpOnly; SameSite=Strict; Secure',
    );
  });

  it('reads the cookies API Gateway hands over, first one of a name winning', () => {
    const cookies = parseCookies([
      'sc_console=abc',
      'other=1; sc_console=later',
      'broken',
      '=x',
      ' spaced = y ',
    ]);
    expect(cookies.get('sc_console')).toBe('abc');
    expect(cookies.get('other')).toBe('1');
    expect(cookies.get('spaced')).toBe('y');
    expect(cookies.has('broken')).toBe(false);
    expect(parseCookies(undefined).size).toBe(0);
  });
});

describe('who may override consent', () => {
  it.each([
    ['admin', true],
    ['marketer', false],
  ] as const)('%s → %s (one rule, for the send and for the console’s box)', (role, allowed) => {
    expect(mayOverrideConsent(role)).toBe(allowed);
  });
});

describe('form controls', () => {
  it('keep what was typed, and tie the message to the field', () => {
    const html = input({
      name: 'from',
      label: 'Sender',
      hint: 'An address',
      state: { values: { from: '<b>"x"' }, errors: { from: 'An address, or Name <address>' } },
    });
    expect(html).toContain('value="&lt;b&gt;&quot;x&quot;"');
    expect(html).toContain('aria-describedby="from-hint from-error"');
    expect(html).toContain('aria-invalid="true"');
    expect(html).toContain('<p class="error" id="from-error">An address, or Name &lt;address&gt;</p>');
  });

  it('never echo a password field', () => {
    expect(
      input({
        name: 'apiKey',
        label: 'API key',
        type: 'password',
        state: { values: { apiKey: 'sck_secret' }, errors: {} },
      }),
    ).not.toContain('sck_secret');
  });

  it('put each API detail beside its field, and the rest on the fallback', () => {
    expect(
      fieldErrors(
        [
          { path: 'body.subscriptionTypeId', message: 'Not an id' },
          { path: 'body.criteria.subscribedTo', message: 'No such type' },
          { path: 'body.mystery', message: 'Odd' },
        ],
        { subscriptionTypeId: 'subscriptionTypeId', 'criteria.subscribedTo': 'selectionType' },
        'name',
      ),
    ).toEqual({ subscriptionTypeId: 'Not an id', selectionType: 'No such type', name: 'Odd' });
    expect(fieldErrors([], {}, 'name', 'Unknown list')).toEqual({ name: 'Unknown list' });
  });
});

describe('charts', () => {
  it('draw an SVG image with a title and a description stating the figures, and a threshold line', () => {
    const svg = barChart({
      id: 'rates',
      title: 'Rates',
      description: 'Bounce 6 %, complaint 0 %',
      bars: [
        { label: 'Bounce <rate>', value: 1.2, display: '6 %', tone: 'bad' },
        { label: 'Complaint', value: 0 },
      ],
      threshold: { value: 1, label: 'SES review' },
    });
    expect(svg).toMatch(/^<svg role="img" aria-labelledby="rates-t rates-d"/);
    expect(svg).toContain(
      '<title id="rates-t">Rates</title><desc id="rates-d">Bounce 6 %, complaint 0 %</desc>',
    );
    expect(svg).toContain('Bounce &lt;rate&gt;');
    expect(svg).toContain('stroke-dasharray');
    expect(svg).not.toContain('style=');
    expect(svg).not.toContain('<script');
  });

  it('judge rates against SES’s review thresholds (5 % bounces, 0.1 % complaints)', () => {
    expect(sesThresholds).toEqual({ bounce: 0.05, complaint: 0.001 });
    expect(rate(5, 100)).toBe(0.05);
    expect(rate(1, 0)).toBe(0);
    expect(percent(0.05, 'en')).toBe('5 %');
    expect(percent(0.0012, 'en')).toBe('0.12 %');
    expect(percent(0.0012, 'sv')).toBe('0,12 %');
  });
});

describe('the console’s frame', () => {
  it('is English or Swedish by the browser, links its one stylesheet, and loads nothing else', () => {
    expect(consoleLanguage('sv-SE,sv;q=0.9,en;q=0.8')).toBe('sv');
    expect(consoleLanguage('de-DE')).toBe('en');
    expect(consoleLanguage(undefined)).toBe('en');
    expect(Object.keys(consoleStrings.sv).sort()).toEqual(Object.keys(consoleStrings.en).sort());
    const html = consolePage({ language: 'sv', title: 'T', body: '<p>x</p>' });
    expect(html).toContain('<html lang="sv">');
    expect(html.match(/<link[^>]*>/g)).toEqual([`<link rel="stylesheet" href="${stylesheetPath}">`]);
    expect(html).not.toMatch(/<script|<style|style=|src=|@import|url\(/);
    expect(consoleCss).not.toMatch(/@import|url\(/);
  });
});

describe('the progress page of a paused mailing', () => {
  const viewer = (language: 'en' | 'sv') => ({
    language,
    actor: { keyId: 'k1', name: 'Admin', role: 'admin' as const },
    csrf: 'c'.repeat(43),
  });
  const mailing = {
    id: '01h00000000000000000000000',
    name: 'May',
    status: 'paused' as const,
    overrideConsent: false,
    counts: {
      eligible: 100,
      excluded: 0,
      queued: 60,
      sent: 40,
      delivered: 0,
      bounced: 0,
      complained: 0,
      failed: 0,
      unsubscribed: 0,
    },
    reasons: {},
    countsComplete: true,
  };
  const render = (language: 'en' | 'sv', extra: Record<string, unknown>) =>
    progressPage(viewer(language), {
      mailing: { ...mailing, ...extra },
      canCancel: true,
      canResume: true,
    });

  it.each(['en', 'sv'] as const)(
    '%s: says why when SES stopped taking mail, with no rate to show',
    (language) => {
      const t = mailingStrings[language];
      for (const code of ['daily_quota', 'sending_paused', 'account_suspended', 'configuration'] as const) {
        const html = render(language, { pausedReason: { code, sesError: 'SendingPausedException' } });
        expect(html).toContain(t.sesPauseReasons[code]);
        expect(html).not.toContain('NaN');
        expect(html).not.toContain(t.pausedBecause.slice(0, 12));
      }
    },
  );

  it('says the reputation guard’s rate and limit for its pauses', () => {
    const html = render('en', {
      pausedReason: { code: 'complaint_rate', rate: 0.002, limit: 0.001, sent: 1000, count: 2 },
    });
    expect(html).toContain('Paused by the reputation guard: the complaint rate reached 0.2 %');
    expect(html).not.toContain('NaN');
  });

  it('tells of chunks in the dead-letter queue and how many recipients they hold', () => {
    const html = render('en', { status: 'sending', deadLetters: { chunks: 2, recipients: 73 } });
    expect(html).toContain('2 parts of this mailing, with 73 recipients not sent yet');
    expect(html).toContain('value="resume"');
  });
});
