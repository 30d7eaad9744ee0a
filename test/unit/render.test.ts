import { describe, expect, it } from 'vitest';
import { chooseLanguage, fromAcceptLanguage, languageOf } from '#shared/domain/i18n.ts';
import { undeclaredLinks, unknownMergeFields } from '#shared/domain/mailing.ts';
import { escapeHtml, listId, render } from '#shared/domain/render.ts';

const links = {
  unsubscribeUrl: 'https://sc.example/u/TOKEN1',
  preferencesUrl: 'https://sc.example/p/TOKEN2',
  unsubscribeMailto: 'mailto:unsubscribe@sc.example?subject=unsubscribe-TOKEN1',
};
const type = { id: '01hxtype', name: 'Monthly newsletter', listDomain: 'sc.example' };
const recipient = {
  email: 'Ann@example.com',
  firstName: 'Ann',
  lastName: 'Lee',
  language: 'en' as const,
  fields: { city: 'Lund' },
};

describe('rendering a message', () => {
  it('fills every merge field', () => {
    const out = render(
      {
        subject: 'Hi {{firstName}}',
        text: '{{firstName}} {{lastName}} <{{email}}> in {{fields.city}}{{fields.none}} {{unsubscribeUrl}} {{ preferencesUrl }}',
      },
      recipient,
      links,
      type,
    );
    expect(out.subject).toBe('Hi Ann');
    expect(out.text).toBe(
      `Ann Lee <Ann@example.com> in Lund ${links.unsubscribeUrl} ${links.preferencesUrl}`,
    );
  });

  it('puts in each tracked link the recipient’s own URL, escaped in HTML, and nothing for an unknown one', () => {
    const tracked = { offer: 'https://sc.example/l/T1?a=1&b=2' };
    const out = render(
      {
        subject: 's',
        text: 'Go {{links.offer}}{{links.none}} {{unsubscribeUrl}}',
        html: '<a href="{{ links.offer }}">',
      },
      recipient,
      { ...links, tracked },
      type,
    );
    expect(out.text).toBe(`Go ${tracked.offer} ${links.unsubscribeUrl}`);
    expect(out.html).toContain('<a href="https://sc.example/l/T1?a=1&amp;b=2">');
  });

  it('escapes values in HTML but keeps them as text in the text part and subject', () => {
    const hostile = { ...recipient, firstName: '<script>alert(1)</script>&"' };
    const out = render(
      {
        subject: '{{firstName}}',
        text: 'Hi {{firstName}} {{unsubscribeUrl}}',
        html: '<p>Hi {{firstName}}</p>',
      },
      hostile,
      links,
      type,
    );
    expect(out.html).toBe('<p>Hi &lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;</p>');
    expect(out.text).toContain('Hi <script>alert(1)</script>&"');
    expect(out.subject).toBe('<script>alert(1)</script>&"');
  });

  it('keeps a subject on one line whatever a name contains', () => {
    const out = render(
      { subject: 'Hi {{firstName}}', text: '{{unsubscribeUrl}}' },
      { ...recipient, firstName: 'A\r\nBcc: x@evil.example' },
      links,
      type,
    );
    expect(out.subject).not.toMatch(/[\r\n]/);
  });

  it('adds a localized footer with both links when the body has neither', () => {
    const out = render(
      { subject: 's', text: 'Hello', html: '<html><body><p>Hello</p></body></html>' },
      { ...recipient, language: 'sv' },
      links,
      type,
    );
    expect(out.text).toContain('Avsluta prenumerationen: https://sc.example/u/TOKEN1');
    expect(out.text).toContain('Hantera dina prenumerationer: https://sc.example/p/TOKEN2');
    expect(out.html).toMatch(
      /<a href="https:\/\/sc.example\/u\/TOKEN1">Avsluta prenumerationen<\/a>.*<\/p><\/body><\/html>$/,
    );
  });

  it('adds no footer when the body links to unsubscribe or preferences itself', () => {
    const out = render({ subject: 's', text: 'Bye: {{unsubscribeUrl}}' }, recipient, links, type);
    expect(out.text).toBe(`Bye: ${links.unsubscribeUrl}`);
  });

  it('carries one List-Unsubscribe with the HTTPS URI first, one List-Unsubscribe-Post, and a List-Id', () => {
    const out = render({ subject: 's', text: 't' }, recipient, links, type);
    const names = out.headers.map((h) => h.name);
    expect(names.filter((n) => n === 'List-Unsubscribe')).toHaveLength(1);
    expect(out.headers).toContainEqual({
      name: 'List-Unsubscribe',
      value: `<${links.unsubscribeUrl}>, <${links.unsubscribeMailto}>`,
    });
    expect(out.headers).toContainEqual({
      name: 'List-Unsubscribe-Post',
      value: 'List-Unsubscribe=One-Click',
    });
    expect(out.headers).toContainEqual({
      name: 'List-Id',
      value: '"Monthly newsletter" <01hxtype.sc.example>',
    });
  });

  it('never puts the address in a header', () => {
    const out = render({ subject: 's', text: 't' }, recipient, links, type);
    expect(JSON.stringify(out.headers)).not.toContain('Ann@example.com');
  });

  it('escapes all five HTML specials', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(listId('Say "hi"\r\n', 'ID', 'd.example')).toBe('"Say hi " <id.d.example>');
  });
});

describe('choosing a language', () => {
  it.each([
    ['sv-SE', undefined, 'sv'],
    [undefined, 'fr-CA,fr;q=0.9,en;q=0.5', 'fr'],
    [undefined, 'es, de;q=0.3', 'de'],
    ['xx', 'nn-NO', 'nb'],
    [undefined, undefined, 'en'],
    [undefined, 'zh;q=1, da;q=0', 'en'],
  ])('locale %s with Accept-Language %s → %s', (locale, accept, expected) => {
    expect(chooseLanguage(locale, accept)).toBe(expected);
  });

  it('understands only the languages it speaks', () => {
    expect(languageOf('es')).toBeUndefined();
    expect(fromAcceptLanguage('*')).toBeUndefined();
  });
});

describe('merge fields a mailing may use', () => {
  it('knows links.NAME as a merge field and names the links a body uses but does not declare', () => {
    expect(unknownMergeFields('{{links.offer}} {{links.bad name}} {{fields.x}} {{nope}}')).toEqual([
      'links.bad name',
      'nope',
    ]);
    const content = { subject: '{{links.a}}', text: '{{links.b}} {{links.a}}', html: '{{links.c}}' };
    expect(undeclaredLinks(content, { a: { url: 'https://x.example' } })).toEqual(['b', 'c']);
    expect(undeclaredLinks(content, undefined)).toEqual(['a', 'b', 'c']);
    expect(undeclaredLinks({ text: 'no links' }, undefined)).toEqual([]);
  });
});
