/** The hosted pages' templates, strings and layout: pure, no network. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { languages } from '#shared/domain/i18n.ts';
import type { SubscriptionType } from '#shared/domain/subscription-type.ts';
import { errorPage, errorPageKinds } from '#shared/pages/error-page.ts';
import { linkPage } from '#shared/pages/link-page.ts';
import { styleSource } from '#shared/pages/layout.ts';
import { confirmationMail, magicLinkMail } from '#shared/pages/mails.ts';
import { preferencesPage } from '#shared/pages/preferences-page.ts';
import { commonStrings } from '#shared/pages/strings/common.ts';
import { confirmStrings } from '#shared/pages/strings/confirm.ts';
import { errorStrings } from '#shared/pages/strings/errors.ts';
import { linkStrings } from '#shared/pages/strings/link.ts';
import { magicLinkStrings } from '#shared/pages/strings/magic-link.ts';
import { confirmMailStrings } from '#shared/pages/strings/confirm-mail.ts';
import { magicMailStrings } from '#shared/pages/strings/magic-mail.ts';
import { preferenceStrings } from '#shared/pages/strings/preferences.ts';
import { unsubscribeStrings } from '#shared/pages/strings/unsubscribe.ts';
import { typeText } from '#shared/pages/type-text.ts';
import { unsubscribePage } from '#shared/pages/unsubscribe-page.ts';

const type = (over: Partial<SubscriptionType> = {}): SubscriptionType => ({
  id: '01h00000000000000000000001',
  name: 'Monthly newsletter',
  description: 'Once a month.',
  public: true,
  doubleOptIn: false,
  archived: false,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('page strings', () => {
  it('exist in every language, non-empty, with the same placeholders as English', () => {
    const groups = [
      commonStrings,
      confirmStrings,
      errorStrings,
      linkStrings,
      magicLinkStrings,
      confirmMailStrings,
      magicMailStrings,
      preferenceStrings,
      unsubscribeStrings,
    ] as unknown as Array<Record<string, Record<string, string>>>;
    for (const strings of groups) {
      for (const language of languages) {
        for (const [key, english] of Object.entries(strings.en ?? {})) {
          const text = strings[language]?.[key] ?? '';
          expect(text, `${language}.${key}`).toMatch(/\S/);
          expect(placeholders(text), `${language}.${key}`).toEqual(placeholders(english));
        }
      }
    }
  });
});

describe('layout', () => {
  it('names exactly its style block in the CSP source', () => {
    const html = errorPage('en', 'not_found');
    const css = /<style>([\s\S]*)<\/style>/.exec(html)?.[1] ?? '';
    expect(styleSource).toBe(`'sha256-${createHash('sha256').update(css).digest('base64')}'`);
  });

  it('sets the language, and no page has a script or a style attribute (the CSP would block them)', () => {
    for (const language of languages) {
      for (const kind of errorPageKinds) {
        const html = errorPage(language, kind);
        expect(html).toContain(`<html lang="${language}">`);
        expect(html).not.toMatch(/<script|\sstyle=/);
      }
    }
  });
});

describe('type texts', () => {
  const translated = type({
    translations: {
      sv: { name: 'Månadsbrev' },
      'de-AT': { name: 'Monatsbrief', description: 'Einmal im Monat.' },
    },
  });

  it('use the exact language, then a regional tag of it, then the default, field by field', () => {
    expect(typeText(translated, 'sv')).toEqual({ name: 'Månadsbrev', description: 'Once a month.' });
    expect(typeText(translated, 'de')).toEqual({ name: 'Monatsbrief', description: 'Einmal im Monat.' });
    expect(typeText(translated, 'fr')).toEqual({ name: 'Monthly newsletter', description: 'Once a month.' });
  });
});

describe('preference page template', () => {
  it('escapes every name and text, and ties each description to its checkbox', () => {
    const html = preferencesPage({
      language: 'en',
      action: '/p/abc.def',
      email: 'a"b@example.com',
      firstName: '<script>x</script>',
      types: [
        { type: type({ name: '<b>Bold</b>', description: '"quoted" & <i>' }), checked: true, pending: false },
      ],
      shown: '01h00000000000000000000001',
      shownSig: 'k.sig',
      consentInactive: false,
    });
    expect(html).not.toMatch(/<script|<b>|<i>/);
    expect(html).toContain('Hello &lt;script&gt;x&lt;/script&gt;.');
    expect(html).toContain('<strong>a&quot;b@example.com</strong>');
    expect(html).toContain('&lt;b&gt;Bold&lt;/b&gt;');
    expect(html).toContain('&quot;quoted&quot; &amp; &lt;i&gt;');
    expect(html).toContain('aria-describedby="d-01h00000000000000000000001"');
  });

  it('hides "unsubscribe from everything" when consent is already withdrawn, and says how to come back', () => {
    const html = preferencesPage({
      language: 'en',
      action: '/p/t',
      email: 'a@example.com',
      types: [{ type: type(), checked: false, pending: false }],
      shown: '',
      shownSig: '',
      consentInactive: true,
    });
    expect(html).not.toContain('unsubscribe_all');
    expect(html).toContain('Tick what you would like to receive');
  });
});

describe('unsubscribe page template', () => {
  it('posts List-Unsubscribe=One-Click to itself', () => {
    const html = unsubscribePage({
      language: 'en',
      typeName: 'News',
      action: '/u/t',
      preferencesUrl: '/p/t',
    });
    expect(html).toContain('<form method="post" action="/u/t">');
    expect(html).toContain('name="List-Unsubscribe" value="One-Click"');
  });
});

describe('tracked-link page template', () => {
  it('posts to the link itself with one button, and offers the target without the change, escaped', () => {
    const html = linkPage({
      language: 'en',
      action: 'subscribe',
      typeName: 'News <b>&',
      formAction: '/l/t',
      target: 'https://shop.example/a?x=1&y="2"',
    });
    expect(html).toContain(
      '<form method="post" action="/l/t"><button type="submit">Yes, subscribe me</button></form>',
    );
    expect(html.match(/<button/g)).toHaveLength(1);
    expect(html).toContain('<strong>News &lt;b&gt;&amp;</strong>');
    expect(html).toContain('href="https://shop.example/a?x=1&amp;y=&quot;2&quot;"');
    expect(html).not.toMatch(/<script|\sstyle=/);
    expect(
      linkPage({
        language: 'sv',
        action: 'unsubscribe',
        typeName: 'N',
        formAction: '/l/t',
        target: 'https://x.example/',
      }),
    ).toContain('Avsluta prenumerationen');
  });
});

describe('mails', () => {
  it('carry the link in text and HTML, escaped in HTML, with a one-line subject', () => {
    const mail = confirmationMail('de', 'News\r\nBcc: x', 'https://sc.example/p/a.b?x=1&y=2');
    expect(mail.subject).toBe('Bitte bestätigen Sie Ihr Abonnement: News Bcc: x');
    expect(mail.text).toContain('https://sc.example/p/a.b?x=1&y=2');
    expect(mail.html).toContain('href="https://sc.example/p/a.b?x=1&amp;y=2"');
    expect(magicLinkMail('fi', 'https://sc.example/p/m').html).toContain('<html lang="fi">');
  });
});
