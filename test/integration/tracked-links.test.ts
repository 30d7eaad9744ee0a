/**
 * Tracked links declared on a mailing (`links` + `{{links.NAME}}` in the body): each recipient gets
 * their own signed /l/ URL, which applies the link's action for them once and redirects to the
 * declared target; undeclared or oversized links are refused when the mailing is written.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { mailTo } from '#test/helpers/ses-inbox.ts';

const { request, createKey, stack } = useLocalStack({ autoConsume: false });

let marketer: string;
let typeId: string;
let listId: string;
let annId: string;

const target = 'https://shop.example/offer?campaign=may&size=42';
const links = {
  offer: { url: target, action: { kind: 'add_interest', value: 'shoes' } },
  about: { url: 'https://example.org/about' },
};

const mailing = (extra: Record<string, unknown> = {}) => ({
  name: 'Offer',
  subscriptionTypeId: typeId,
  listId,
  from: 'Shop <shop@sc.example>',
  subject: 'For you, {{firstName}}',
  text: 'The offer: {{links.offer}}\nAbout us: {{links.about}}',
  html: '<p><a href="{{links.offer}}">The offer</a></p>',
  links,
  ...extra,
});

beforeAll(async () => {
  marketer = await createKey('marketer');
  typeId = (
    await request<{ id: string }>('POST', '/subscription-types', { key: marketer, body: { name: 'Offers' } })
  ).body.id;
  const ann = await request<{ id: string }>('POST', '/contacts', {
    key: marketer,
    body: {
      email: 'ann.links@example.com',
      firstName: 'Ann',
      consent: { status: 'granted', legalBasis: 'consent', source: 'form' },
      subscriptions: { [typeId]: 'subscribed' },
    },
  });
  annId = ann.body.id;
  listId = (
    await request<{ id: string }>('POST', '/lists', {
      key: marketer,
      body: { name: 'Offers', criteria: { subscribedTo: typeId } },
    })
  ).body.id;
});

describe('tracked links in a mailing', () => {
  it('refuses a body that uses a link the mailing does not declare, on create and on edit', async () => {
    const created = await request<{ error: { details: Array<{ path: string }> } }>('POST', '/mailings', {
      key: marketer,
      body: mailing({ text: 'Go: {{links.nope}}', html: undefined }),
    });
    expect(created.status, created.text).toBe(422);
    expect(created.text).toContain('nope');

    const draft = await request<{ id: string }>('POST', '/mailings', { key: marketer, body: mailing() });
    expect(draft.status, draft.text).toBe(201);
    const edited = await request('PATCH', `/mailings/${draft.body.id}`, {
      key: marketer,
      body: { text: 'Now {{links.gone}}' },
    });
    expect(edited.status, edited.text).toBe(422);
    expect(edited.text).toContain('gone');
  });

  it('refuses a target that is not an http(s) URL, or one too long to sign with its action', async () => {
    for (const bad of [
      { url: 'javascript:alert(1)' },
      { url: 'https://bank.example@evil.example/' },
      {
        url: `https://example.org/${'a'.repeat(480)}`,
        action: { kind: 'add_interest', value: '🎉'.repeat(100) },
      },
    ]) {
      const res = await request('POST', '/mailings', {
        key: marketer,
        body: mailing({ links: { offer: bad, about: links.about } }),
      });
      expect(res.status, `${JSON.stringify(bad).slice(0, 80)}: ${res.text}`).toBe(422);
    }
  });

  it('gives each recipient a signed link that applies its action once and redirects to the target', async () => {
    const created = await request<{ id: string; links: unknown }>('POST', '/mailings', {
      key: marketer,
      body: mailing(),
    });
    expect(created.status, created.text).toBe(201);
    const id = created.body.id;
    expect(
      (await request<{ links: unknown }>('GET', `/mailings/${id}`, { key: marketer })).body.links,
    ).toEqual(links);
    expect((await request('POST', `/mailings/${id}/send`, { key: marketer })).status).toBe(202);
    await stack().consume('plan');
    await stack().consume('send');

    const [mail] = await mailTo(stack().sesUrl, 'ann.links@example.com');
    const text = mail?.body.text ?? '';
    const urls = [...text.matchAll(/http:\/\/localhost:\d+\/l\/[A-Za-z0-9_.-]+/g)].map((m) => m[0]);
    expect(urls).toHaveLength(2);
    const [offer, about] = urls as [string, string];
    expect(offer).not.toBe(about);
    expect(mail?.body.html).toContain(`href="${offer}"`);
    for (const url of urls) expect(url).not.toContain('ann');

    const click = await fetch(offer, { redirect: 'manual' });
    expect(click.status).toBe(302);
    expect(click.headers.get('location')).toBe(target);
    const contact = await request<{ interests: string[] }>('GET', `/contacts/${annId}`, { key: marketer });
    expect(contact.body.interests).toContain('shoes');
    const history = await request<{ items: Array<{ source: string; change: string }> }>(
      'GET',
      `/contacts/${annId}/history`,
      { key: marketer },
    );
    expect(history.body.items.filter((e) => e.source === 'link')).toHaveLength(1);

    // Again: only the redirect; nothing recorded twice.
    const again = await fetch(offer, { redirect: 'manual' });
    expect(again.status).toBe(302);
    const after = await request<{ items: Array<{ source: string }> }>('GET', `/contacts/${annId}/history`, {
      key: marketer,
    });
    expect(after.body.items.filter((e) => e.source === 'link')).toHaveLength(1);

    const plain = await fetch(about, { redirect: 'manual' });
    expect(plain.status).toBe(302);
    expect(plain.headers.get('location')).toBe('https://example.org/about');
  });
});
