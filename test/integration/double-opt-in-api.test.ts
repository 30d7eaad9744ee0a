/** Double opt-in through the API: pending, a confirmation mail, and the link activates it. */
import { describe, expect, it } from 'vitest';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { mailTo } from '#test/helpers/ses-inbox.ts';

const { request, stack } = useLocalStack();

const confirmLink = async (address: string) => {
  const [mail] = await mailTo(stack().sesUrl, address);
  return /http:\/\/localhost:\d+\/p\/[\w-]+\.[\w-]+/.exec(mail?.body.text ?? '')?.[0];
};

describe('double opt-in by API', () => {
  it('keeps a subscription pending and mails a confirmation link, on create and on PUT', async () => {
    const type = (
      await request<{ id: string }>('POST', '/subscription-types', {
        body: { name: 'Webinars', doubleOptIn: true },
      })
    ).body.id;
    const created = await request<{ id: string; subscriptions: Record<string, { status: string }> }>(
      'POST',
      '/contacts',
      {
        body: {
          email: 'new@example.com',
          consent: { status: 'granted', source: 'form' },
          subscriptions: { [type]: 'subscribed' },
        },
      },
    );
    expect(created.status).toBe(201);
    expect(created.body.subscriptions[type]?.status).toBe('pending');
    expect(await confirmLink('new@example.com')).toBeDefined();

    const other = await request<{ id: string }>('POST', '/contacts', {
      body: { email: 'later@example.com' },
    });
    const put = await request<{ subscriptions: Record<string, { status: string }> }>(
      'PUT',
      `/contacts/${other.body.id}/subscriptions/${type}`,
      { body: { status: 'subscribed', source: 'api' } },
    );
    expect(put.body.subscriptions[type]?.status).toBe('pending');
    const link = await confirmLink('later@example.com');
    expect(link).toBeDefined();

    // The link shows a button (a GET never confirms); the button's POST does.
    const page = await fetch(link as string);
    expect(page.status).toBe(200);
    expect(
      (
        await request<{ subscriptions: Record<string, { status: string }> }>(
          'GET',
          `/contacts/${other.body.id}`,
        )
      ).body.subscriptions[type]?.status,
    ).toBe('pending');
    const confirmed = await fetch(link as string, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'action=confirm',
    });
    expect(confirmed.status).toBe(200);
    const after = await request<{ subscriptions: Record<string, { status: string }> }>(
      'GET',
      `/contacts/${other.body.id}`,
    );
    expect(after.body.subscriptions[type]?.status).toBe('subscribed');
    const history = await request<{ items: Array<{ source: string; to: string }> }>(
      'GET',
      `/contacts/${other.body.id}/history`,
    );
    expect(history.body.items.map((e) => e.source)).toEqual(expect.arrayContaining(['api', 'confirmation']));
  });
});
