/**
 * A deployment with `deliveryEvents=false` (infra/ses-events.ts): SES publishes no Delivery events,
 * so delivered mail stays `sent`, while bounces and complaints still reach the feedback handler.
 */
import { expect, it } from 'vitest';
import { useLocalStack } from '#test/helpers/local-stack.ts';

const { request, stack, recipientRows } = useLocalStack({ autoConsume: false, sesDeliveryEvents: false });

it('keeps delivered mail `sent` and still records bounces and complaints', async () => {
  const typeId = (await request<{ id: string }>('POST', '/subscription-types', { body: { name: 'Quiet' } }))
    .body.id;
  const addresses = {
    plain: 'plain@example.com',
    success: 'success@simulator.amazonses.com',
    bounce: 'bounce@simulator.amazonses.com',
    complaint: 'complaint@simulator.amazonses.com',
  };
  const imported = await request('POST', '/contacts/batch', {
    body: {
      contacts: Object.values(addresses).map((email) => ({
        email,
        consent: { status: 'granted', source: 'form' },
        subscriptions: { [typeId]: 'subscribed' },
      })),
    },
  });
  expect(imported.status, imported.text).toBe(200);
  const listId = (
    await request<{ id: string }>('POST', '/lists', {
      body: { name: 'q', criteria: { subscribedTo: typeId } },
    })
  ).body.id;
  const mailingId = (
    await request<{ id: string }>('POST', '/mailings', {
      body: { name: 'q', subscriptionTypeId: typeId, listId, from: 'n@sc.example', subject: 's', text: 't' },
    })
  ).body.id;
  expect((await request('POST', `/mailings/${mailingId}/send`)).status).toBe(202);
  await stack().consume('plan');
  await stack().consume('send');
  const events = await stack().consume('feedback');
  expect(events).toBe(2); // the bounce and the complaint; no Delivery for anyone

  const rows = await recipientRows(mailingId);
  const status = Object.fromEntries(rows.map((r) => [r.email, r.status]));
  expect(status).toEqual({
    [addresses.plain]: 'sent',
    [addresses.success]: 'sent',
    [addresses.bounce]: 'bounced',
    [addresses.complaint]: 'complained',
  });
  const counts = (await request<{ counts: Record<string, number> }>('GET', `/mailings/${mailingId}`)).body
    .counts;
  expect(counts).toMatchObject({ sent: 4, delivered: 0, bounced: 1, complained: 1 });
});

it('publishes Delivery events again once switched on at run time', async () => {
  stack().setSesDeliveryEvents(true);
  try {
    const typeId = (await request<{ id: string }>('POST', '/subscription-types', { body: { name: 'Loud' } }))
      .body.id;
    await request('POST', '/contacts/batch', {
      body: {
        contacts: [
          {
            email: 'loud@example.com',
            consent: { status: 'granted', source: 'form' },
            subscriptions: { [typeId]: 'subscribed' },
          },
        ],
      },
    });
    const listId = (
      await request<{ id: string }>('POST', '/lists', {
        body: { name: 'l', criteria: { subscribedTo: typeId } },
      })
    ).body.id;
    const mailingId = (
      await request<{ id: string }>('POST', '/mailings', {
        body: {
          name: 'l',
          subscriptionTypeId: typeId,
          listId,
          from: 'n@sc.example',
          subject: 's',
          text: 't',
        },
      })
    ).body.id;
    await request('POST', `/mailings/${mailingId}/send`);
    await stack().consume('plan');
    await stack().consume('send');
    expect(await stack().consume('feedback')).toBe(1);
    const counts = (await request<{ counts: Record<string, number> }>('GET', `/mailings/${mailingId}`)).body
      .counts;
    expect(counts).toMatchObject({ sent: 1, delivered: 1 });
  } finally {
    stack().setSesDeliveryEvents(false);
  }
});
