/** A mailing the reputation guard paused keeps its work parked; resume sends it, cancel records it. */
import { beforeAll, describe, expect, it } from 'vitest';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { inbox } from '#test/helpers/ses-inbox.ts';

const { request, stack, createKey, recipientRows } = useLocalStack({ autoConsume: false });
const size = 120;
let typeId: string;
let listId: string;

const pausedMailing = async () => {
  const id = (
    await request<{ id: string }>('POST', '/mailings', {
      body: { name: 'm', subscriptionTypeId: typeId, listId, from: 'n@sc.example', subject: 's', text: 't' },
    })
  ).body.id;
  await request('POST', `/mailings/${id}/send`);
  await stack().consume('plan');
  // As the reputation guard does when the rates pass their limits.
  const mailings = await import('#shared/adapters/dynamodb/mailings.ts');
  expect(await mailings.transition(id, ['sending'], 'paused', { pausedAt: new Date().toISOString() })).toBe(
    true,
  );
  await stack().consume('send');
  return id;
};

beforeAll(async () => {
  typeId = (await request<{ id: string }>('POST', '/subscription-types', { body: { name: 'T' } })).body.id;
  const contacts = Array.from({ length: size }, (_, i) => ({
    email: `r${i}@example.com`,
    consent: { status: 'granted', source: 'import' },
    subscriptions: { [typeId]: 'subscribed' },
  }));
  await request('POST', '/contacts/batch', { body: { contacts } });
  listId = (
    await request<{ id: string }>('POST', '/lists', {
      body: { name: 'l', criteria: { subscribedTo: typeId } },
    })
  ).body.id;
});

describe('a paused mailing', () => {
  it('sends nothing while paused, and everything once an admin resumes it', async () => {
    const before = (await inbox(stack().sesUrl)).length;
    const id = await pausedMailing();
    expect((await inbox(stack().sesUrl)).length).toBe(before);
    expect((await recipientRows(id)).every((r) => r.status === 'queued')).toBe(true);
    const marketer = await createKey('marketer');
    expect((await request('POST', `/mailings/${id}/resume`, { key: marketer })).status).toBe(403);
    const resumed = await request<{ status: string }>('POST', `/mailings/${id}/resume`);
    expect(resumed.status).toBe(200);
    expect(resumed.body.status).toBe('sending');
    expect((await request('POST', `/mailings/${id}/resume`)).status).toBe(409);
    await stack().consume('plan');
    await stack().consume('send');
    expect((await inbox(stack().sesUrl)).length - before).toBe(size);
    const mailing = await request<{ status: string; counts: Record<string, number> }>(
      'GET',
      `/mailings/${id}`,
    );
    expect(mailing.body).toMatchObject({ status: 'sent', counts: { sent: size, queued: 0 } });
  });

  it('records its parked recipients as cancelled when cancelled, so the counts add up', async () => {
    const before = (await inbox(stack().sesUrl)).length;
    const id = await pausedMailing();
    const cancelled = await request<{ status: string }>('POST', `/mailings/${id}/cancel`);
    expect(cancelled.body.status).toBe('cancelled');
    await stack().consume('plan');
    await stack().consume('send');
    expect((await inbox(stack().sesUrl)).length).toBe(before);
    const rows = await recipientRows(id);
    expect(rows.every((r) => r.status === 'skipped' && r.detail === 'cancelled')).toBe(true);
    const mailing = await request<{ counts: Record<string, number> }>('GET', `/mailings/${id}`);
    expect(mailing.body.counts).toMatchObject({ queued: 0, sent: 0 });
  });
});
