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

  it('has the confirmations a batch import owes mailed by the paced confirm worker, once per pending type', async () => {
    const type = (
      await request<{ id: string }>('POST', '/subscription-types', {
        body: { name: 'Events', doubleOptIn: true },
      })
    ).body.id;
    const plain = (await request<{ id: string }>('POST', '/subscription-types', { body: { name: 'Plain' } }))
      .body.id;
    const already = await request<{ id: string }>('POST', '/contacts', {
      body: { email: 'known@example.com', subscriptions: { [plain]: 'subscribed' } },
    });
    expect(already.status).toBe(201);
    const res = await request<{ results: Array<{ status: string }> }>('POST', '/contacts/batch', {
      body: {
        contacts: [
          { email: 'batch1@example.com', subscriptions: { [type]: 'subscribed' } },
          { email: 'batch2@example.com', subscriptions: { [type]: 'subscribed', [plain]: 'subscribed' } },
          { email: 'known@example.com', subscriptions: { [type]: 'subscribed' } },
          { email: 'nothing@example.com', subscriptions: { [plain]: 'subscribed' } },
        ],
      },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.results.map((r) => r.status)).toEqual(['created', 'created', 'updated', 'created']);
    await stack().drain();

    for (const address of ['batch1@example.com', 'batch2@example.com', 'known@example.com']) {
      const mails = await mailTo(stack().sesUrl, address);
      expect(mails, address).toHaveLength(1);
      expect(await confirmLink(address)).toBeDefined();
    }
    expect(await mailTo(stack().sesUrl, 'nothing@example.com')).toHaveLength(0);

    // Importing the same again changes nothing and owes nothing.
    await request('POST', '/contacts/batch', {
      body: { contacts: [{ email: 'batch1@example.com', subscriptions: { [type]: 'subscribed' } }] },
    });
    await stack().drain();
    expect(await mailTo(stack().sesUrl, 'batch1@example.com')).toHaveLength(1);
  });
});
