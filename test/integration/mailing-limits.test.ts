/**
 * What a mailing may be: its messages must fit SES (each recipient's rendered message, as template
 * data, at most 262,144 characters) and the mailing one DynamoDB item (400 KB) — refused with 422
 * at create and update, never a 500 nor a mailing whose every recipient fails. And a send's consent
 * override check cannot be raced by a PATCH.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useLocalStack } from '#test/helpers/local-stack.ts';

const { request, createKey, stack } = useLocalStack({ autoConsume: false });
let typeId: string;
let listId: string;

const draft = (extra: Record<string, unknown>) =>
  request<{ id: string; error?: { code: string; details: Array<{ path: string; message: string }> } }>(
    'POST',
    '/mailings',
    {
      body: {
        name: 'big',
        subscriptionTypeId: typeId,
        listId,
        from: 'n@sc.example',
        subject: 's',
        text: 't',
        ...extra,
      },
    },
  );

beforeAll(async () => {
  typeId = (await request<{ id: string }>('POST', '/subscription-types', { body: { name: 'Limits' } })).body
    .id;
  listId = (
    await request<{ id: string }>('POST', '/lists', {
      body: { name: 'l', criteria: { subscribedTo: typeId } },
    })
  ).body.id;
});

describe('a mailing too large', () => {
  it('for SES (the rendered message) is refused at create with a 422 naming the body', async () => {
    const res = await draft({ text: 'x'.repeat(200_000), html: `<p>${'y'.repeat(100_000)}</p>` });
    expect(res.status).toBe(422);
    expect(res.body.error?.details[0]).toMatchObject({ path: 'body.html' });
    expect(res.body.error?.details[0]?.message).toContain('262144');
  });

  it('for SES because of its merge fields at their longest is refused', async () => {
    const res = await draft({ text: `Hello ${'{{fields.note}} '.repeat(60)}` });
    expect(res.status).toBe(422);
    expect(res.body.error?.code).toBe('rule_violation');
  });

  it('for one DynamoDB item is refused, though SES would take its characters', async () => {
    // 150,000 characters of three bytes each: 450 KB stored.
    const res = await draft({ text: '中'.repeat(150_000) });
    expect(res.status).toBe(422);
    expect(res.body.error?.details[0]?.message).toContain('bytes');
  });

  it('is refused at update too, and the draft stays as it was', async () => {
    const created = await draft({ text: 'short' });
    expect(created.status).toBe(201);
    const res = await request('PATCH', `/mailings/${created.body.id}`, {
      body: { html: 'z'.repeat(300_000) },
    });
    expect(res.status).toBe(422);
    const kept = await request<{ text: string; html?: string }>('GET', `/mailings/${created.body.id}`);
    expect(kept.body).toMatchObject({ text: 'short' });
    expect(kept.body.html).toBeUndefined();
  });

  it('is not what a large mailing that fits is: that one is created and stored', async () => {
    const res = await draft({ text: 'x'.repeat(150_000), html: `<p>${'y'.repeat(90_000)}</p>` });
    expect(res.status).toBe(201);
  });
});

describe('sending with the consent override', () => {
  it('is conditional on the override it checked: a PATCH racing the send cannot slip one past', async () => {
    const marketer = await createKey('marketer');
    const created = await request<{ id: string }>('POST', '/mailings', {
      key: marketer,
      body: {
        name: 'race',
        subscriptionTypeId: typeId,
        listId,
        from: 'n@sc.example',
        subject: 's',
        text: 't',
      },
    });
    const id = created.body.id;
    // Between the send's check (no override, a marketer may send) and its move to planned, an
    // admin's PATCH turns the override on.
    const { dynamo } = await import('#shared/adapters/dynamodb/client.ts');
    let raced = false;
    dynamo.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as { Key?: { pk?: string; sk?: string } };
        const moving = input.Key?.pk === `MAILING#${id}` && JSON.stringify(input).includes('sendRequestedAt');
        if (moving && !raced) {
          raced = true;
          const patched = await request('PATCH', `/mailings/${id}`, {
            body: { overrideConsent: true, overrideReason: 'legal notice' },
          });
          expect(patched.status).toBe(200);
        }
        return next(args);
      },
      { step: 'initialize', name: 'race-the-send' },
    );
    let sent: { status: number };
    try {
      sent = await request('POST', `/mailings/${id}/send`, { key: marketer });
    } finally {
      dynamo.middlewareStack.remove('race-the-send');
    }
    expect(raced).toBe(true);
    expect(sent.status).toBe(409);
    const after = await request<{ status: string; overrideConsent: boolean }>('GET', `/mailings/${id}`);
    expect(after.body).toMatchObject({ status: 'draft', overrideConsent: true });
    // Nothing was queued for planning.
    expect(await stack().consume('plan')).toBe(0);
    // Sent again, the check sees the override: a marketer may not.
    expect((await request('POST', `/mailings/${id}/send`, { key: marketer })).status).toBe(403);
  });
});
