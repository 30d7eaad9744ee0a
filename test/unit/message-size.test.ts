/**
 * The longest template data a mailing's messages can have (shared/domain/message-size.ts): checked
 * against a real rendering at the worst, and growing with every merge field a body repeats.
 */
import { describe, expect, it } from 'vitest';
import { render } from '#shared/domain/render.ts';
import { mergeValueLimits, sesTemplateDataLimit, worstTemplateData } from '#shared/domain/message-size.ts';

const base = 'https://subscriptions.example.com';

describe('the worst template data of a message', () => {
  it('is at least what any real recipient’s message renders to', () => {
    const content = {
      subject: 'Hi {{firstName}}',
      text: 'Dear {{firstName}} {{lastName}} <{{email}}> at {{fields.company}}: {{unsubscribeUrl}}',
      html: '<p>{{firstName}} &amp; {{fields.company}}</p><a href="{{links.offer}}">offer</a>',
    };
    const hostile = '"<&\u0001'.repeat(25); // 100 characters that grow in HTML and in JSON
    const rendered = render(
      content,
      {
        email: `${'x'.repeat(240)}@example.com`,
        firstName: hostile,
        lastName: hostile,
        fields: { company: '\u0002'.repeat(mergeValueLimits.field) },
        language: 'de',
      },
      {
        unsubscribeUrl: `${base}/u/${'t'.repeat(300)}`,
        preferencesUrl: `${base}/p/${'t'.repeat(300)}`,
        tracked: { offer: `${base}/l/${'t'.repeat(900)}` },
      },
      { id: 'type', name: 'n'.repeat(100), listDomain: 'example.com' },
    );
    const actual = JSON.stringify({
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
    }).length;
    expect(worstTemplateData(content, ['offer'], base.length)).toBeGreaterThanOrEqual(actual);
  });

  it('grows by the longest a merge field can get, for each time a body uses it', () => {
    const one = worstTemplateData({ subject: 's', text: '{{fields.a}}' }, [], base.length);
    const two = worstTemplateData({ subject: 's', text: '{{fields.a}} {{fields.a}}' }, [], base.length);
    expect(two - one).toBeGreaterThanOrEqual(mergeValueLimits.field * 6);
  });

  it('tells a body SES cannot take from one it can', () => {
    const fits = { subject: 's', text: 'x'.repeat(200_000) };
    const tooLong = { subject: 's', text: 'x'.repeat(200_000), html: `<p>${'y'.repeat(70_000)}</p>` };
    const manyFields = { subject: 's', text: '{{fields.a}}'.repeat(50) };
    expect(worstTemplateData(fits, [], base.length)).toBeLessThanOrEqual(sesTemplateDataLimit);
    expect(worstTemplateData(tooLong, [], base.length)).toBeGreaterThan(sesTemplateDataLimit);
    expect(worstTemplateData(manyFields, [], base.length)).toBeGreaterThan(sesTemplateDataLimit);
  });
});
