/**
 * Sending under trouble: a crash between SES accepting and our bookkeeping, throttling, a
 * permanent rejection, a lost answer, SES refusing to take mail. Never a second mail, nothing
 * silently dropped, no wait that uses up a receive.
 */
import { GetQueueAttributesCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shiftedClock } from '#test/helpers/clock.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { inbox } from '#test/helpers/ses-inbox.ts';

const { request, stack, recipientRows } = useLocalStack({ autoConsume: false });
let typeId: string;
let listId: string;
const size = 60;

const mailingTo = async () => {
  const id = (
    await request<{ id: string }>('POST', '/mailings', {
      body: {
        name: 'm',
        subscriptionTypeId: typeId,
        listId,
        from: 'n@sc.example',
        subject: 'Hi {{firstName}}',
        text: 'Hello {{firstName}}',
      },
    })
  ).body.id;
  await request('POST', `/mailings/${id}/send`);
  await stack().consume('plan');
  return id;
};

/** Waits until the messages a failed invocation left behind are visible again (1 s in this file). */
const redeliver = () => new Promise((r) => setTimeout(r, 1200));

const time = shiftedClock();
let restoreClock: () => void;
afterAll(() => restoreClock?.());

const delayedMessages = async () =>
  Number(
    (
      await stack().sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: stack().queueUrls.send.url,
          AttributeNames: ['ApproximateNumberOfMessagesDelayed'],
        }),
      )
    ).Attributes?.ApproximateNumberOfMessagesDelayed,
  );

const mailsSince = async (before: number) => (await inbox(stack().sesUrl)).slice(before);

/** The mailing's send chunks, from planning's tally. */
const recipientChunks = async (mailingId: string) => {
  const recipients = await import('#shared/adapters/dynamodb/recipients.ts');
  const { tally } = await recipients.getPlanTally(mailingId, true);
  return { chunks: tally.chunks ?? 0 };
};

/** Until no message of the send queue waits out a delay. */
const waitForDelayed = async () => {
  for (let i = 0; i < 100 && (await delayedMessages()) > 0; i++) await new Promise((r) => setTimeout(r, 200));
};

beforeAll(async () => {
  restoreClock = time.install();
  // Failed messages come back after 1 s here instead of the sender's 6 minutes.
  await stack().sqs.send(
    new SetQueueAttributesCommand({
      QueueUrl: stack().queueUrls.send.url,
      Attributes: { VisibilityTimeout: '1' },
    }),
  );
  typeId = (await request<{ id: string }>('POST', '/subscription-types', { body: { name: 'News' } })).body.id;
  const contacts = Array.from({ length: size }, (_, i) => ({
    email: `person${i}@example.com`,
    firstName: i === 0 ? '<script>alert(1)</script>' : `P${i}`,
    consent: { status: 'granted', source: 'import' },
    subscriptions: { [typeId]: 'subscribed' },
  }));
  await request('POST', '/contacts/batch', { body: { contacts } });
  listId = (
    await request<{ id: string }>('POST', '/lists', {
      body: { name: 'all', criteria: { subscribedTo: typeId } },
    })
  ).body.id;
});

describe('sending', () => {
  it('gives every recipient their own tokens, and no address in any URL or header', async () => {
    const before = (await inbox(stack().sesUrl)).length;
    const id = await mailingTo();
    await stack().consume('send');
    const mails = await mailsSince(before);
    expect(mails).toHaveLength(size);
    const tokens = new Set<string>();
    for (const mail of mails) {
      const header = mail.headers?.find((h) => h.name === 'List-Unsubscribe')?.value ?? '';
      const token = /\/u\/([\w-]+\.[\w-]+)>/.exec(header)?.[1];
      expect(token).toBeDefined();
      tokens.add(token as string);
      const urls = `${header} ${(mail.body.text ?? '').match(/https?:\/\/\S+/g)?.join(' ')}`;
      expect(urls).not.toContain('@example.com');
      expect(urls.toLowerCase()).not.toContain(mail.destination.to[0]?.split('@')[0] ?? '');
    }
    expect(tokens.size).toBe(size);
    // A name is text: it arrives as text in the text part, never as markup.
    const hostile = mails.find((m) => m.destination.to[0] === 'person0@example.com');
    expect(hostile?.body.text).toContain('Hello <script>alert(1)</script>');
    expect((await request<{ counts: { sent: number } }>('GET', `/mailings/${id}`)).body.counts.sent).toBe(
      size,
    );
  });

  it('never sends twice after a crash between SES accepting and the bookkeeping', async () => {
    const { dynamo } = await import('#shared/adapters/dynamodb/client.ts');
    const { ses } = await import('#shared/adapters/ses/client.ts');
    const before = (await inbox(stack().sesUrl)).length;
    const id = await mailingTo();
    // The first chunk write after a successful SendBulkEmail dies, as a process would.
    let accepted = false;
    let crashed = false;
    ses.middlewareStack.add(
      (next) => async (args) => {
        const out = await next(args);
        accepted = true;
        return out;
      },
      { step: 'initialize', name: 'note-accepted' },
    );
    dynamo.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as { Key?: { sk?: string }; UpdateExpression?: string };
        // The chunk write that records the call's results (not the clearing of its counts).
        const chunkWrite = input.Key?.sk?.startsWith('K#') && input.UpdateExpression?.includes('#rows');
        if ((accepted || crashed) && chunkWrite) {
          crashed = true;
          throw new Error('process died');
        }
        return next(args);
      },
      { step: 'initialize', name: 'crash-after-ses' },
    );
    try {
      await stack().consume('send');
    } finally {
      ses.middlewareStack.remove('note-accepted');
      dynamo.middlewareStack.remove('crash-after-ses');
    }
    expect(crashed).toBe(true);
    // The dead invocation held its chunks until its deadline (its lease): past it, the message
    // that comes back takes the chunks over.
    time.advance(61_000);
    await redeliver();
    await stack().consume('send');
    const mails = await mailsSince(before);
    const perAddress = new Map<string, number>();
    for (const m of mails)
      perAddress.set(m.destination.to[0] ?? '', (perAddress.get(m.destination.to[0] ?? '') ?? 0) + 1);
    expect(Math.max(...perAddress.values())).toBe(1);
    const all = await recipientRows(id);
    const unknown = all.filter((r) => r.detail === 'outcome_unknown');
    // The crashed call's rows were accepted by SES but are never resent; they say so.
    expect(unknown.length).toBeGreaterThan(0);
    expect(all.filter((r) => r.status === 'sent').length + unknown.length).toBe(size);
    expect(mails.length).toBe(size);
    const mailing = await request<{ status: string; counts: Record<string, number> }>(
      'GET',
      `/mailings/${id}`,
    );
    expect(mailing.body.status).toBe('sent');
    expect((mailing.body.counts.sent ?? 0) + (mailing.body.counts.failed ?? 0)).toBe(size);
  });

  it('retries a throttled SES call later without losing or doubling anyone', async () => {
    const { ses } = await import('#shared/adapters/ses/client.ts');
    const before = (await inbox(stack().sesUrl)).length;
    const id = await mailingTo();
    let throttled = 0;
    ses.middlewareStack.add(
      () => async () => {
        throttled++;
        throw Object.assign(new Error('Rate exceeded'), {
          name: 'TooManyRequestsException',
          $retryable: { throttling: true },
        });
      },
      { step: 'initialize', name: 'throttle' },
    );
    try {
      await stack().consume('send');
    } finally {
      ses.middlewareStack.remove('throttle');
    }
    // One attempt per chunk's call (no SDK retry of a send), and each chunk waits in the queue
    // with a delay: handed back, not failed, so no receive is used up.
    const { chunks } = await recipientChunks(id);
    expect(throttled).toBe(chunks);
    expect(await mailsSince(before)).toHaveLength(0);
    expect((await recipientRows(id)).every((r) => r.status === 'queued')).toBe(true);
    expect(await delayedMessages()).toBe(chunks);
    await waitForDelayed();
    await stack().consume('send');
    expect(await mailsSince(before)).toHaveLength(size);
    expect((await recipientRows(id)).every((r) => r.status === 'sent')).toBe(true);
  });

  it('never resends a call whose answer was lost: its rows end outcome_unknown, each mailed once', async () => {
    const { ses } = await import('#shared/adapters/ses/client.ts');
    const before = (await inbox(stack().sesUrl)).length;
    const id = await mailingTo();
    let lost = 0;
    ses.middlewareStack.add(
      (next) => async (args) => {
        const out = await next(args);
        if (lost++ === 0)
          throw Object.assign(new Error('a request has exceeded the configured 10000 ms requestTimeout.'), {
            name: 'TimeoutError',
            code: 'ETIMEDOUT',
          });
        return out;
      },
      { step: 'initialize', name: 'lose-an-answer' },
    );
    try {
      await stack().consume('send');
      await stack().consume('send');
    } finally {
      ses.middlewareStack.remove('lose-an-answer');
    }
    const mails = await mailsSince(before);
    expect(mails).toHaveLength(size);
    expect(new Set(mails.map((m) => m.destination.to[0])).size).toBe(size);
    const rows = await recipientRows(id);
    const unknown = rows.filter((r) => r.status === 'failed' && r.detail === 'outcome_unknown');
    expect(unknown.length).toBeGreaterThan(0);
    expect(rows.filter((r) => r.status === 'sent').length + unknown.length).toBe(size);
    // The first SES event of such a message proves it was accepted, and the row says so.
    await stack().consume('feedback');
    const after = await recipientRows(id);
    expect(after.filter((r) => r.detail === 'outcome_unknown')).toEqual([]);
  });

  it('pauses the mailing when SES stops taking mail, keeps the rows queued, and a resume continues', async () => {
    const { ses } = await import('#shared/adapters/ses/client.ts');
    const before = (await inbox(stack().sesUrl)).length;
    const id = await mailingTo();
    ses.middlewareStack.add(
      () => async () => {
        throw Object.assign(new Error('Daily message quota exceeded.'), {
          name: 'TooManyRequestsException',
          $metadata: { httpStatusCode: 429 },
        });
      },
      { step: 'initialize', name: 'quota' },
    );
    try {
      await stack().consume('send');
    } finally {
      ses.middlewareStack.remove('quota');
    }
    const paused = await request<{ status: string; pausedReason: unknown; counts: Record<string, number> }>(
      'GET',
      `/mailings/${id}`,
    );
    expect(paused.body).toMatchObject({
      status: 'paused',
      pausedReason: { code: 'daily_quota', sesError: 'TooManyRequestsException' },
      counts: { queued: size, failed: 0, sent: 0 },
    });
    expect((await recipientRows(id)).every((r) => r.status === 'queued')).toBe(true);
    expect(await mailsSince(before)).toHaveLength(0);
    // The next day, an admin resumes it.
    expect((await request('POST', `/mailings/${id}/resume`)).status).toBe(200);
    await stack().consume('plan');
    await stack().consume('send');
    expect(await mailsSince(before)).toHaveLength(size);
    expect((await request<{ status: string }>('GET', `/mailings/${id}`)).body.status).toBe('sent');
  });

  it('makes one attempt per SES call: the SDK retries no send', async () => {
    const { ses } = await import('#shared/adapters/ses/client.ts');
    const id = await mailingTo();
    let attempts = 0;
    // On the wire, inside the SDK's retry loop: a 503 every time.
    ses.middlewareStack.add(
      () => async () => {
        attempts++;
        return {
          response: {
            statusCode: 503,
            headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'ServiceUnavailable' },
            body: new TextEncoder().encode('{"message":"unavailable"}'),
          },
        };
      },
      { step: 'deserialize', priority: 'low', name: 'unavailable' },
    );
    try {
      await stack().consume('send');
    } finally {
      ses.middlewareStack.remove('unavailable');
    }
    const { chunks } = await recipientChunks(id);
    expect(attempts).toBe(chunks);
    expect((await recipientRows(id)).every((r) => r.status === 'queued')).toBe(true);
    expect(await delayedMessages()).toBe(chunks);
    await waitForDelayed();
    await stack().consume('send');
    expect((await recipientRows(id)).every((r) => r.status === 'sent')).toBe(true);
  });

  it('marks recipients failed with SES’s reason when SES rejects the call for good', async () => {
    const { ses } = await import('#shared/adapters/ses/client.ts');
    const id = await mailingTo();
    ses.middlewareStack.add(
      () => async () => {
        throw Object.assign(new Error('Email address is not verified.'), {
          name: 'MessageRejected',
          $metadata: { httpStatusCode: 400 },
        });
      },
      { step: 'initialize', name: 'reject' },
    );
    try {
      await stack().consume('send');
    } finally {
      ses.middlewareStack.remove('reject');
    }
    const all = await recipientRows(id);
    expect(all).toHaveLength(size);
    expect(all.every((r) => r.status === 'failed' && r.detail === 'MessageRejected')).toBe(true);
    const mailing = await request<{ status: string; counts: Record<string, number> }>(
      'GET',
      `/mailings/${id}`,
    );
    expect(mailing.body).toMatchObject({ status: 'sent', counts: { failed: size, sent: 0, queued: 0 } });
  });
});
