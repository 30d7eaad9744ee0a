/**
 * One suppression authority, on the local stack: suppressions added or lifted here reach SES's
 * account-level suppression list (read back with the SES v2 SDK, as an operator's tools would), and
 * an address SES itself refuses as suppressed is recorded here with that reason, without pausing
 * the mailing (SES leaves such bounces out of the bounce rate). The local SES answers the list's
 * operations in SES's wire format and treats a send to a listed address as SES does.
 */
import { randomUUID } from 'node:crypto';
import {
  BadRequestException,
  DeleteSuppressedDestinationCommand,
  GetSuppressedDestinationCommand,
  ListSuppressedDestinationsCommand,
  NotFoundException,
  PutSuppressedDestinationCommand,
  SESv2Client,
} from '@aws-sdk/client-sesv2';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snsEnvelope } from '#infra/local/ses-simulator.ts';
import * as mailings from '#shared/adapters/dynamodb/mailings.ts';
import { eventually } from '#test/helpers/eventually.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { mailTo } from '#test/helpers/ses-inbox.ts';

const { request, stack, createKey } = useLocalStack();

let ses: SESv2Client;
let marketer: string;
let newsletter: string;
const stamp = Date.now();

beforeAll(async () => {
  ses = new SESv2Client({});
  marketer = await createKey('marketer');
  newsletter = (
    await request<{ id: string }>('POST', '/subscription-types', { key: marketer, body: { name: 'News' } })
  ).body.id;
});
afterAll(() => ses?.destroy());

/** What SES's list says about an address: its reason, or undefined when it is not listed. */
const listed = async (address: string) => {
  try {
    const { SuppressedDestination } = await ses.send(
      new GetSuppressedDestinationCommand({ EmailAddress: address }),
    );
    return SuppressedDestination?.Reason;
  } catch (error) {
    if (error instanceof NotFoundException) return undefined;
    throw error;
  }
};

const suppressionOf = async (email: string) =>
  (
    await request<{ items: Array<{ id: string; reason: string; source: string }> }>(
      'GET',
      `/suppressions?email=${encodeURIComponent(email)}`,
      { key: marketer },
    )
  ).body.items[0];

const createContact = async (email: string) => {
  const res = await request<{ id: string }>('POST', '/contacts', {
    key: marketer,
    body: {
      email,
      consent: { status: 'granted', source: 'form' },
      subscriptions: { [newsletter]: 'subscribed' },
    },
  });
  expect(res.status, res.text).toBe(201);
  return res.body.id;
};

/** A mailing to these contacts, sent, with every SES event handled. */
const mail = async (contactIds: string[]) => {
  const list = await request<{ id: string }>('POST', '/lists', {
    key: marketer,
    body: { name: `List ${randomUUID()}`, contactIds },
  });
  const mailing = await request<{ id: string }>('POST', '/mailings', {
    key: marketer,
    body: {
      name: 'News',
      subscriptionTypeId: newsletter,
      listId: list.body.id,
      from: 'News <news@sc.example>',
      subject: 'Hello',
      text: 'Hi. {{unsubscribeUrl}}',
    },
  });
  expect((await request('POST', `/mailings/${mailing.body.id}/send`, { key: marketer })).status).toBe(202);
  await eventually(async () => {
    const current = await request<{ status: string }>('GET', `/mailings/${mailing.body.id}`, {
      key: marketer,
    });
    return current.body.status !== 'planned' && current.body.status !== 'sending';
  });
  await stack().drain();
  return mailing.body.id;
};

/** SES events from elsewhere on the account (no tags): they still act on the address. */
const feedback = async (events: unknown[]) => {
  await stack().sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: stack().queueUrls.feedback.url,
      Entries: events.map((event, i) => ({
        Id: String(i),
        MessageBody: JSON.stringify(snsEnvelope(event, new Date())),
      })),
    }),
  );
  await stack().drain();
};
const mailOf = (to: string) => ({
  timestamp: new Date().toISOString(),
  messageId: randomUUID(),
  source: 'news@sc.example',
  destination: [to],
  tags: {},
});
const bounceEvent = (to: string, type: 'Permanent' | 'Transient') => ({
  eventType: 'Bounce',
  mail: mailOf(to),
  bounce: {
    bounceType: type,
    bounceSubType: type === 'Permanent' ? 'General' : 'MailboxFull',
    bouncedRecipients: [{ emailAddress: to }],
    timestamp: new Date().toISOString(),
    feedbackId: randomUUID(),
  },
});
const complaintEvent = (to: string) => ({
  eventType: 'Complaint',
  mail: mailOf(to),
  complaint: {
    complainedRecipients: [{ emailAddress: to }],
    timestamp: new Date().toISOString(),
    feedbackId: randomUUID(),
    complaintFeedbackType: 'abuse',
  },
});

describe("the local SES's account-level suppression list", () => {
  it('answers PutSuppressedDestination, Get, List and Delete in SES v2 wire format, case-insensitively', async () => {
    const address = `Wire.${stamp}@Example.com`;
    expect(await listed(address)).toBeUndefined();
    await ses.send(new PutSuppressedDestinationCommand({ EmailAddress: address, Reason: 'BOUNCE' }));
    expect(await listed(address.toLowerCase())).toBe('BOUNCE');
    const { SuppressedDestination } = await ses.send(
      new GetSuppressedDestinationCommand({ EmailAddress: address }),
    );
    expect(SuppressedDestination?.LastUpdateTime).toBeInstanceOf(Date);
    const page = await ses.send(
      new ListSuppressedDestinationsCommand({ Reasons: ['BOUNCE'], PageSize: 1000 }),
    );
    expect(page.SuppressedDestinationSummaries?.map((s) => s.EmailAddress)).toContain(address);
    await ses.send(new DeleteSuppressedDestinationCommand({ EmailAddress: address }));
    expect(await listed(address)).toBeUndefined();
    await expect(
      ses.send(new DeleteSuppressedDestinationCommand({ EmailAddress: address })),
    ).rejects.toBeInstanceOf(NotFoundException);
    await expect(
      ses.send(
        new PutSuppressedDestinationCommand({ EmailAddress: address, Reason: 'SPAM' as unknown as 'BOUNCE' }),
      ),
    ).rejects.toBeInstanceOf(BadRequestException);
  });
});

describe('suppressions added here reach SES’s list', () => {
  it('from feedback: a hard bounce as BOUNCE, a complaint as COMPLAINT; a soft bounce below the threshold not at all', async () => {
    const [hard, complained, soft] = ['hard', 'complained', 'soft'].map((n) => `${n}.${stamp}@example.net`);
    await feedback([
      bounceEvent(hard as string, 'Permanent'),
      complaintEvent(complained as string),
      bounceEvent(soft as string, 'Transient'),
    ]);
    expect(await listed(hard as string)).toBe('BOUNCE');
    expect(await listed(complained as string)).toBe('COMPLAINT');
    expect(await listed(soft as string)).toBeUndefined();
    expect(await suppressionOf(soft as string)).toBeUndefined();
  });

  it('by an admin: added as COMPLAINT, lifted in both with the contact known', async () => {
    const email = `manual.${stamp}@example.com`;
    await createContact(email);
    const created = await request<{ id: string; sesSuppressionList?: string }>('POST', '/suppressions', {
      body: { email, reason: 'manual' },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body.sesSuppressionList).toBe('added');
    expect(await listed(email)).toBe('COMPLAINT');
    const lifted = await request<{ sesSuppressionList?: string }>(
      'DELETE',
      `/suppressions/${created.body.id}`,
    );
    expect(lifted.status, lifted.text).toBe(200);
    expect(lifted.body.sesSuppressionList).toBe('removed');
    expect(await listed(email)).toBeUndefined();
  });

  it('lifting an entry SES holds needs its address when no contact has it: 422 and nothing changes, then both with it', async () => {
    const email = `nobody.${stamp}@example.net`;
    await feedback([bounceEvent(email, 'Permanent')]);
    const entry = await suppressionOf(email);
    expect(entry).toMatchObject({ reason: 'hard_bounce' });
    const refused = await request<{ error: { code: string; details: unknown[] } }>(
      'DELETE',
      `/suppressions/${entry?.id}`,
    );
    expect(refused.status, refused.text).toBe(422);
    expect(refused.body.error.details).toEqual([expect.objectContaining({ code: 'address_required' })]);
    expect(await suppressionOf(email)).toBeDefined();
    expect(await listed(email)).toBe('BOUNCE');

    const lifted = await request<{ sesSuppressionList?: string }>(
      'DELETE',
      `/suppressions/${entry?.id}?email=${encodeURIComponent(email)}`,
    );
    expect(lifted.status, lifted.text).toBe(200);
    expect(lifted.body.sesSuppressionList).toBe('removed');
    expect(await suppressionOf(email)).toBeUndefined();
    expect(await listed(email)).toBeUndefined();
  });
});

describe('an address SES itself refuses as suppressed', () => {
  const refused = `refused.${stamp}@example.com`;
  const fine = `fine.${stamp}@example.com`;
  const other = `other.${stamp}@example.com`;
  const ids: Record<string, string> = {};

  it('is accepted and not delivered, bounces OnAccountSuppressionList, is recorded as ses_suppressed, and counts no hard bounce for the reputation guard', async () => {
    for (const email of [refused, fine, other]) ids[email] = await createContact(email);
    // Another sender of the account put it there.
    await ses.send(new PutSuppressedDestinationCommand({ EmailAddress: refused, Reason: 'BOUNCE' }));

    const mailingId = await mail([ids[refused] as string, ids[fine] as string, ids[other] as string]);
    expect(await mailTo(stack().sesUrl, refused)).toEqual([]);
    expect(await mailTo(stack().sesUrl, fine)).toHaveLength(1);
    const mailing = await request<{ status: string; counts: Record<string, number> }>(
      'GET',
      `/mailings/${mailingId}`,
      { key: marketer },
    );
    expect(mailing.body).toMatchObject({ status: 'sent', counts: { sent: 3, bounced: 1, delivered: 2 } });
    // What the reputation guard judges: no hard bounce (one of three would pause a sending mailing).
    expect((await mailings.getCountsRaw(mailingId, true)).hardBounced ?? 0).toBe(0);
    const rows = await request<{ items: Array<{ email: string; status: string; detail?: string }> }>(
      'GET',
      `/mailings/${mailingId}/recipients`,
      { key: marketer },
    );
    expect(rows.body.items.find((r) => r.email === refused)).toMatchObject({
      status: 'bounced',
      detail: 'Permanent:OnAccountSuppressionList',
    });
    expect(await suppressionOf(refused)).toMatchObject({ reason: 'ses_suppressed', source: 'bounce' });
    // SES's own entry is left as it was.
    expect(await listed(refused)).toBe('BOUNCE');
  });

  it('is excluded from the next mailing as suppressed, and mailable again once lifted here (and so in SES)', async () => {
    const before = await mail([ids[refused] as string]);
    const rows = await request<{ items: Array<{ reason: string; detail?: string }> }>(
      'GET',
      `/mailings/${before}/recipients`,
      { key: marketer },
    );
    expect(rows.body.items).toEqual([
      expect.objectContaining({ reason: 'suppressed', detail: 'ses_suppressed' }),
    ]);

    const entry = await suppressionOf(refused);
    const lifted = await request<{ sesSuppressionList?: string }>('DELETE', `/suppressions/${entry?.id}`);
    expect(lifted.status, lifted.text).toBe(200);
    expect(lifted.body.sesSuppressionList).toBe('removed');
    expect(await listed(refused)).toBeUndefined();
    await mail([ids[refused] as string]);
    expect(await mailTo(stack().sesUrl, refused)).toHaveLength(1);
  });
});
