/**
 * The `mail` queue's transactional mails (double opt-in confirmations of an import, magic links):
 * a message delivered twice — concurrently, or again after it was handled — mails once; a mail
 * whose SES answer was lost is never sent again; a wait for the rate or for SES is a hand-back,
 * not a failed receive.
 */
import { GetQueueAttributesCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { mailTo } from '#test/helpers/ses-inbox.ts';

const { request, stack } = useLocalStack({ autoConsume: false });
let pendingType: string;

const contactWithPending = async (email: string) => {
  const created = await request<{ id: string }>('POST', '/contacts/batch', {
    body: {
      contacts: [
        {
          email,
          consent: { status: 'granted', source: 'import' },
          subscriptions: { [pendingType]: 'subscribed' },
        },
      ],
    },
  });
  expect(created.status).toBe(200);
  // The import queued its confirmation: drop it, the test sends its own copies.
  await stack().consume('mail');
  const found = await request<{ items: Array<{ id: string }> }>(
    'GET',
    `/contacts?email=${encodeURIComponent(email)}`,
  );
  return found.body.items[0]?.id as string;
};

const queueMail = async (bodies: unknown[]) => {
  await stack().sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: stack().queueUrls.mail.url,
      Entries: bodies.map((body, i) => ({ Id: String(i), MessageBody: JSON.stringify(body) })),
    }),
  );
};

const delayed = async () =>
  Number(
    (
      await stack().sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: stack().queueUrls.mail.url,
          AttributeNames: ['ApproximateNumberOfMessagesDelayed'],
        }),
      )
    ).Attributes?.ApproximateNumberOfMessagesDelayed,
  );

beforeAll(async () => {
  pendingType = (
    await request<{ id: string }>('POST', '/subscription-types', {
      body: { name: 'Confirm me', doubleOptIn: true },
    })
  ).body.id;
});

describe('a mail-queue message delivered twice', () => {
  it('mails one confirmation, whether the copies arrive together or one after the other', async () => {
    const email = 'twice-confirm@example.com';
    const contactId = await contactWithPending(email);
    const before = (await mailTo(stack().sesUrl, email)).length;
    const message = { k: 'confirm', i: 'message-1', c: contactId, t: [pendingType] };
    await queueMail([message, message]);
    await Promise.all([stack().consume('mail'), stack().consume('mail')]);
    await queueMail([message]);
    await stack().consume('mail');
    expect((await mailTo(stack().sesUrl, email)).length - before).toBe(1);
  });

  it('mails one magic link', async () => {
    const email = 'twice-magic@example.com';
    await request('POST', '/contacts', { body: { email } });
    const message = { k: 'magic', i: 'request-1', a: email, l: 'en' };
    await queueMail([message, message]);
    await stack().consume('mail');
    await queueMail([message]);
    await stack().consume('mail');
    expect(await mailTo(stack().sesUrl, email)).toHaveLength(1);
  });
});

describe('a transactional mail SES', () => {
  it('accepted but whose answer was lost is never sent again', async () => {
    const email = 'lost-answer@example.com';
    await request('POST', '/contacts', { body: { email } });
    const { ses } = await import('#shared/adapters/ses/client.ts');
    ses.middlewareStack.add(
      (next) => async (args) => {
        await next(args);
        throw Object.assign(new Error('a request has exceeded the configured 10000 ms requestTimeout.'), {
          name: 'TimeoutError',
        });
      },
      { step: 'initialize', name: 'lose-answer' },
    );
    const message = { k: 'magic', i: 'request-lost', a: email, l: 'en' };
    try {
      await queueMail([message]);
      await stack().consume('mail');
    } finally {
      ses.middlewareStack.remove('lose-answer');
    }
    await queueMail([message]);
    await stack().consume('mail');
    expect(await mailTo(stack().sesUrl, email)).toHaveLength(1);
  });

  it('throttled is handed back with a delay, not failed, and sent on the next delivery', async () => {
    const email = 'throttled-mail@example.com';
    await request('POST', '/contacts', { body: { email } });
    const { ses } = await import('#shared/adapters/ses/client.ts');
    let calls = 0;
    ses.middlewareStack.add(
      () => async () => {
        calls++;
        throw Object.assign(new Error('Maximum sending rate exceeded.'), {
          name: 'TooManyRequestsException',
          $metadata: { httpStatusCode: 429 },
        });
      },
      { step: 'initialize', name: 'throttle-mail' },
    );
    try {
      await queueMail([{ k: 'magic', i: 'request-throttled', a: email, l: 'en' }]);
      await stack().consume('mail');
    } finally {
      ses.middlewareStack.remove('throttle-mail');
    }
    expect(calls).toBe(1);
    expect(await delayed()).toBe(1);
    for (let i = 0; i < 50 && (await delayed()) > 0; i++) await new Promise((r) => setTimeout(r, 200));
    await stack().consume('mail');
    expect(await mailTo(stack().sesUrl, email)).toHaveLength(1);
  });
});
