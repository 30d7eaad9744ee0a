/**
 * SES feedback end to end on the local stack: a mailing to SES's mailbox-simulator addresses, the
 * events the local SES publishes for them (SNS envelopes in the feedback queue), and what they do
 * to rows, counts, suppressions, contacts and the next mailing. Consumers run only when the test
 * says so, so every step can be looked at.
 */
import { randomUUID } from 'node:crypto';
import { ReceiveMessageCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { snsEnvelope } from '#infra/local/ses-simulator.ts';
import { dynamo } from '#shared/adapters/dynamodb/client.ts';
import * as feedbackEvents from '#shared/adapters/dynamodb/feedback-events.ts';
import * as mailings from '#shared/adapters/dynamodb/mailings.ts';
import * as recipients from '#shared/adapters/dynamodb/recipients.ts';
import type { Row as ChunkRow } from '#shared/adapters/dynamodb/recipients.ts';
import { newId } from '#shared/domain/ids.ts';
import { setLogSink } from '#shared/observability/logger.ts';
import { eventually } from '#test/helpers/eventually.ts';
import { type ApiResponse, useLocalStack } from '#test/helpers/local-stack.ts';
import { mailTo } from '#test/helpers/ses-inbox.ts';

const { request, createKey, stack } = useLocalStack({ autoConsume: false });

const simulator = (name: string) => `${name}@simulator.amazonses.com`;
const simulated = ['success', 'bounce', 'complaint', 'suppressionlist'] as const;

interface Row {
  contactId: string;
  email: string | null;
  reason: string;
  status: string;
  detail?: string;
}
interface MailingBody {
  status: string;
  counts: Record<string, number>;
  pausedReason?: Record<string, unknown>;
}
interface SuppressionBody {
  id: string;
  reason: string;
  at: string;
  source: string;
  sourceEvent?: string;
  actor?: string;
  sesSuppressionList?: string;
}

let marketer: string;
let newsletter: string;
let listId: string;
let firstMailing: string;
const ids: Record<string, string> = {};

const createContact = async (email: string) => {
  const res = await request<{ id: string }>('POST', '/contacts', {
    key: marketer,
    body: {
      email,
      consent: { status: 'granted', legalBasis: 'consent', source: 'form' },
      subscriptions: { [newsletter]: 'subscribed' },
    },
  });
  expect(res.status, res.text).toBe(201);
  return res.body.id;
};

const newMailing = async (list: string, extra: Record<string, unknown> = {}) => {
  const res = await request<{ id: string }>('POST', '/mailings', {
    key: marketer,
    body: {
      name: 'Feedback test',
      subscriptionTypeId: newsletter,
      listId: list,
      from: 'News <news@sc.example>',
      subject: 'Hello',
      text: 'Hi there. {{unsubscribeUrl}}',
      ...extra,
    },
  });
  expect(res.status, res.text).toBe(201);
  return res.body.id;
};

const getMailing = async (id: string) =>
  (await request<MailingBody>('GET', `/mailings/${id}`, { key: marketer })).body;

const report = async (mailingId: string) => {
  const rows: Row[] = [];
  let cursor: string | null = null;
  do {
    const res: ApiResponse<{ items: Row[]; nextCursor: string | null }> = await request(
      'GET',
      `/mailings/${mailingId}/recipients?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
      { key: marketer },
    );
    expect(res.status, res.text).toBe(200);
    rows.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return Object.fromEntries(rows.map((r) => [r.email?.split('@')[0] ?? r.contactId, r]));
};

const suppressionOf = async (email: string) => {
  const res = await request<{ items: SuppressionBody[] }>(
    'GET',
    `/suppressions?email=${encodeURIComponent(email)}`,
    { key: marketer },
  );
  expect(res.status, res.text).toBe(200);
  return res.body.items[0];
};

/** Every body waiting in a queue, left there (each peek counts as one receive). */
const peek = async (queueUrl: string, expected: number): Promise<string[]> => {
  const bodies = new Map<string, string>();
  for (let i = 0; i < 20 && bodies.size < expected; i++) {
    const { Messages = [] } = await stack().sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
    );
    for (const m of Messages) bodies.set(m.MessageId ?? '', m.Body ?? '');
  }
  return [...bodies.values()];
};

const sendToFeedback = async (bodies: string[]) => {
  for (let i = 0; i < bodies.length; i += 10) {
    await stack().sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: stack().queueUrls.feedback.url,
        Entries: bodies.slice(i, i + 10).map((body, j) => ({ Id: String(j), MessageBody: body })),
      }),
    );
  }
};

// ── Synthetic SES events, in SES's event-publishing JSON inside the SNS envelope ──────────────

const mailOf = (to: string, tags: Record<string, string>, at: Date, messageId = randomUUID()) => ({
  timestamp: at.toISOString(),
  source: 'news@sc.example',
  messageId,
  destination: [to],
  tags: Object.fromEntries(Object.entries(tags).map(([name, value]) => [name, [value]])),
});
const envelope = (event: unknown, at = new Date()) => JSON.stringify(snsEnvelope(event, at));
const bounce = (
  to: string,
  tags: Record<string, string> = {},
  options: { type?: 'Permanent' | 'Transient'; at?: Date; feedbackId?: string } = {},
) => {
  const at = options.at ?? new Date();
  return envelope({
    eventType: 'Bounce',
    mail: mailOf(to, tags, at),
    bounce: {
      bounceType: options.type ?? 'Permanent',
      bounceSubType: options.type === 'Transient' ? 'MailboxFull' : 'General',
      bouncedRecipients: [{ emailAddress: to, action: 'failed', status: '5.1.1' }],
      timestamp: at.toISOString(),
      feedbackId: options.feedbackId ?? randomUUID(),
    },
  });
};
const delivery = (to: string, tags: Record<string, string> = {}, at = new Date()) =>
  envelope({
    eventType: 'Delivery',
    mail: mailOf(to, tags, at),
    delivery: { timestamp: at.toISOString(), recipients: [to], smtpResponse: '250 ok' },
  });

/** Counts what DynamoDB charges while `work` runs (the handlers share this process and client). */
const metered = async (work: () => Promise<unknown>) => {
  const meter = { writeUnits: 0, writes: 0, readUnits: 0, reads: 0 };
  const writes = new Set([
    'PutItemCommand',
    'UpdateItemCommand',
    'DeleteItemCommand',
    'BatchWriteItemCommand',
  ]);
  const reads = new Set(['GetItemCommand', 'BatchGetItemCommand', 'QueryCommand']);
  dynamo.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { ReturnConsumedCapacity?: string };
      input.ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
      const units = [consumed]
        .flat()
        .reduce((sum: number, c) => sum + Number((c as { CapacityUnits?: number })?.CapacityUnits ?? 0), 0);
      const command = context.commandName ?? '';
      if (writes.has(command)) {
        meter.writes++;
        meter.writeUnits += units;
      } else if (reads.has(command)) {
        meter.reads++;
        meter.readUnits += units;
      }
      return result;
    },
    { step: 'initialize', name: 'feedbackMeter' },
  );
  try {
    await work();
  } finally {
    dynamo.middlewareStack.remove('feedbackMeter');
  }
  return meter;
};

const report_ = (label: string, value: unknown) => {
  if (process.env.FEEDBACK_METER) process.stdout.write(`${label}: ${JSON.stringify(value)}\n`);
};

const doc = () => DynamoDBDocumentClient.from(stack().dynamo);
const auditEntries = async (action: string) => {
  const { Items = [] } = await doc().send(
    new QueryCommand({
      TableName: stack().tableNames.app,
      IndexName: 'byKind',
      KeyConditionExpression: 'kind = :k',
      ExpressionAttributeValues: { ':k': 'AUDIT' },
    }),
  );
  return Items.filter((i) => i.action === action);
};

beforeAll(async () => {
  marketer = await createKey('marketer');
  newsletter = (
    await request<{ id: string }>('POST', '/subscription-types', {
      key: marketer,
      body: { name: 'Monthly newsletter' },
    })
  ).body.id;
  for (const name of simulated) ids[name] = await createContact(simulator(name));
  const list = await request<{ id: string }>('POST', '/lists', {
    key: marketer,
    body: { name: 'Simulator', contactIds: simulated.map((name) => ids[name]) },
  });
  expect(list.status, list.text).toBe(201);
  listId = list.body.id;
});

describe('a mailing to the SES mailbox simulator', () => {
  let firstBodies: string[] = [];

  it('ends with delivered, bounced and complained rows and the counts to match', async () => {
    firstMailing = await newMailing(listId);
    expect((await request('POST', `/mailings/${firstMailing}/send`, { key: marketer })).status).toBe(202);
    await stack().consume('plan');
    await stack().consume('send');
    expect(await getMailing(firstMailing)).toMatchObject({
      status: 'sent',
      counts: { sent: 4, delivered: 0, bounced: 0, complained: 0 },
    });

    // Delivery, Bounce, Delivery + Complaint, Bounce (the configuration set publishes no Send).
    firstBodies = await peek(stack().queueUrls.feedback.url, 5);
    expect(firstBodies).toHaveLength(5);
    const meter = await metered(() => stack().consume('feedback'));
    report_('first batch (5 events, 4 recipients, 3 suppressions, 1 consent withdrawal)', meter);

    const rows = await report(firstMailing);
    expect(rows.success).toMatchObject({ status: 'delivered' });
    expect(rows.bounce).toMatchObject({ status: 'bounced', detail: 'Permanent:General' });
    expect(rows.complaint).toMatchObject({ status: 'complained', detail: 'abuse' });
    expect(rows.suppressionlist).toMatchObject({
      status: 'bounced',
      detail: 'Permanent:OnAccountSuppressionList',
    });
    expect((await getMailing(firstMailing)).counts).toMatchObject({
      sent: 4,
      delivered: 1,
      bounced: 2,
      complained: 1,
      failed: 0,
      queued: 0,
    });
  });

  it('suppresses the bounced and complaining addresses, with reason, time and source event', async () => {
    const bounced = await suppressionOf(simulator('bounce'));
    expect(bounced).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f]{64}$/),
      reason: 'hard_bounce',
      source: 'bounce',
      // <type>:<SES feedbackId>:<SES messageId>
      sourceEvent: expect.stringMatching(/^Bounce:[^:@]+:[^:@]+$/),
    });
    expect(bounced?.sourceEvent).not.toContain('@');
    expect(await suppressionOf(simulator('complaint'))).toMatchObject({
      reason: 'complaint',
      source: 'complaint',
      sourceEvent: expect.stringMatching(/^Complaint:/),
    });
    // SES refused it as suppressed (its account-level list holds it): recorded with that reason.
    expect(await suppressionOf(simulator('suppressionlist'))).toMatchObject({
      reason: 'ses_suppressed',
      source: 'bounce',
      sourceEvent: expect.stringMatching(/^Bounce:/),
    });
    expect(await suppressionOf(simulator('success'))).toBeUndefined();
  });

  it("records the complaint in the contact's history: consent withdrawn, source complaint", async () => {
    const contact = await request<{ consent: { status: string; source: string } }>(
      'GET',
      `/contacts/${ids.complaint}`,
      { key: marketer },
    );
    expect(contact.body.consent).toMatchObject({ status: 'withdrawn', source: 'complaint' });
    const history = await request<{ items: Array<Record<string, unknown>> }>(
      'GET',
      `/contacts/${ids.complaint}/history`,
      { key: marketer },
    );
    const withdrawals = history.body.items.filter((e) => e.change === 'consent' && e.to === 'withdrawn');
    expect(withdrawals).toEqual([
      expect.objectContaining({ from: 'granted', to: 'withdrawn', source: 'complaint', actor: 'system' }),
    ]);
  });

  it('excludes them from every later mailing as suppressed, with the consent override too', async () => {
    for (const override of [false, true]) {
      const id = await newMailing(
        listId,
        override ? { overrideConsent: true, overrideReason: 'Recall' } : {},
      );
      // The override needs an admin key.
      expect((await request('POST', `/mailings/${id}/send`, override ? {} : { key: marketer })).status).toBe(
        202,
      );
      await stack().consume('plan');
      const rows = await report(id);
      expect(rows.bounce, String(override)).toMatchObject({ reason: 'suppressed', detail: 'hard_bounce' });
      expect(rows.complaint, String(override)).toMatchObject({ reason: 'suppressed', detail: 'complaint' });
      expect(rows.suppressionlist, String(override)).toMatchObject({ reason: 'suppressed' });
      expect(rows.success?.reason, String(override)).toBe(override ? 'override' : 'eligible');
      const before = (await mailTo(stack().sesUrl, simulator('bounce'))).length;
      await stack().consume('send');
      expect((await mailTo(stack().sesUrl, simulator('bounce'))).length).toBe(before);
      await stack().consume('feedback');
    }
  });

  it('changes nothing when the same SNS messages arrive again', async () => {
    const snapshot = async () => ({
      rows: await report(firstMailing),
      counts: (await getMailing(firstMailing)).counts,
      raw: await mailings.getCountsRaw(firstMailing, true),
      suppressions: await Promise.all(simulated.map((name) => suppressionOf(simulator(name)))),
      history: (
        await request<{ items: unknown[] }>('GET', `/contacts/${ids.complaint}/history`, { key: marketer })
      ).body.items,
      contact: (await request('GET', `/contacts/${ids.complaint}`, { key: marketer })).body,
    });
    const before = await snapshot();
    await sendToFeedback(firstBodies);
    const meter = await metered(() => stack().consume('feedback'));
    report_('the same 5 events again', meter);
    expect(await snapshot()).toEqual(before);
    // Duplicates cost reads, and no write of a row or a counter.
    const chunk = (await recipients.listChunks(firstMailing, {})).chunks.find((c) => c.kind === 'send');
    expect(chunk).toBeDefined();
    const { Item } = await doc().send(
      new GetCommand({
        TableName: stack().tableNames.recipients,
        Key: { pk: `R#${firstMailing}`, sk: `K#${chunk?.chunkId}` },
      }),
    );
    // Every pending count was settled and cleared, and so were the counters' markers.
    expect(Item?.pend).toEqual({});
    expect(Object.keys(before.raw).filter((name) => name.startsWith('ct_'))).toEqual([]);
    const { Item: counts } = await doc().send(
      new GetCommand({
        TableName: stack().tableNames.app,
        Key: { pk: `MAILING#${firstMailing}`, sk: 'COUNTS' },
      }),
    );
    expect(Object.keys(counts ?? {}).filter((name) => name.startsWith('ct_'))).toEqual([]);
  });
});

describe('notifications that do not fit', () => {
  it('fails a malformed message into the DLQ while the rest of the batch succeeds, and keeps unknown ones', async () => {
    const logs: string[] = [];
    setLogSink((line) => logs.push(line));
    try {
      const strayDelivery = delivery('stray@example.org');
      const stray = JSON.parse(JSON.parse(strayDelivery).Message) as { mail: { messageId: string } };
      const unknownMailing = bounce('ghost@example.org', {
        mailingId: newId(),
        contactId: newId(),
        chunkId: 't00.000000.s000',
      });
      const ghost = JSON.parse(JSON.parse(unknownMailing).Message) as {
        bounce: { feedbackId: string };
        mail: { messageId: string };
      };
      const missingFeedbackId = JSON.parse(bounce('broken@example.org'));
      const event = JSON.parse(missingFeedbackId.Message);
      delete event.bounce.feedbackId;
      missingFeedbackId.Message = JSON.stringify(event);
      await sendToFeedback([
        'not json at all',
        envelope({ eventType: 'Open', mail: mailOf('open@example.org', {}, new Date()), open: {} }),
        JSON.stringify(missingFeedbackId),
        strayDelivery,
        unknownMailing,
      ]);
      const dlq = stack().queueUrls.feedback.dlqUrl;
      const inDlq = new Set<string>();
      await eventually(async () => {
        await stack().consume('feedback');
        const { Messages = [] } = await stack().sqs.send(
          new ReceiveMessageCommand({ QueueUrl: dlq, MaxNumberOfMessages: 10, VisibilityTimeout: 1 }),
        );
        for (const m of Messages) inDlq.add(m.Body ?? '');
        return inDlq.size === 3;
      });
      expect([...inDlq]).toEqual(
        expect.arrayContaining([
          'not json at all',
          expect.stringContaining('Open'),
          expect.stringContaining('broken@'),
        ]),
      );

      // The event nothing sent is kept; so is the bounce for a mailing that does not exist.
      expect(await feedbackEvents.get(`Delivery:${stray.mail.messageId}`)).toMatchObject({
        reason: 'no_tags',
        eventType: 'Delivery',
        recipients: [expect.stringMatching(/^[0-9a-f]{64}$/)],
      });
      const kept = await feedbackEvents.get(`Bounce:${ghost.bounce.feedbackId}:${ghost.mail.messageId}`);
      expect(kept).toMatchObject({ reason: 'unknown_mailing', detail: { bounceType: 'Permanent' } });
      expect(JSON.stringify(kept)).not.toContain('@example.org');
      // A hard bounce is about the address, matched or not: it is suppressed all the same.
      expect(await suppressionOf('ghost@example.org')).toMatchObject({ reason: 'hard_bounce' });

      const malformed = logs.filter((l) => l.includes('malformed notification'));
      expect(malformed.some((l) => l.includes('unknown eventType: Open'))).toBe(true);
      expect(malformed.some((l) => l.includes('bounce.feedbackId'))).toBe(true);
      expect(logs.join('\n')).not.toMatch(/(stray|ghost|broken|open)@example\.org/);
    } finally {
      setLogSink((line) => process.stdout.write(`${line}\n`));
    }
  });
});

describe('events for a chunk the sender still holds', () => {
  it('wait in the queue with a delay instead of failing or overwriting the sender', async () => {
    const mailingId = await newMailing(listId);
    expect(await mailings.transition(mailingId, ['draft'], 'sending')).toBe(true);
    const contactId = newId();
    const chunkId = 'h.000000.s000';
    await recipients.putChunks([
      {
        mailingId,
        chunkId,
        kind: 'send',
        state: 'sending',
        rows: [{ c: contactId, r: 'eligible', s: 'sent' }],
      },
    ]);
    await sendToFeedback([delivery('held@example.org', { mailingId, contactId, chunkId })]);
    expect(await stack().consume('feedback')).toBe(1);
    expect(await recipients.getChunk(mailingId, chunkId)).toMatchObject({ rows: [{ s: 'sent' }] });
    const { GetQueueAttributesCommand } = await import('@aws-sdk/client-sqs');
    const { Attributes } = await stack().sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: stack().queueUrls.feedback.url,
        AttributeNames: ['ApproximateNumberOfMessagesDelayed'],
      }),
    );
    expect(Attributes?.ApproximateNumberOfMessagesDelayed).toBe('1');
  });
});

describe('the reputation guard', () => {
  it('pauses a mailing whose hard-bounce rate passes 5 %, says why, and the sender stops', async () => {
    // A synthetic mailing half way through: 200 messages accepted by SES, one chunk of 20 sent
    // rows whose feedback arrives here, one chunk still queued.
    const mailingId = await newMailing(listId);
    expect(await mailings.transition(mailingId, ['draft'], 'sending')).toBe(true);
    await mailings.addCounts(mailingId, { sent: 200 });
    const contactIds = Array.from({ length: 20 }, () => newId());
    await recipients.putChunks([
      {
        mailingId,
        chunkId: 'g.000000.s000',
        kind: 'send',
        state: 'done',
        rows: contactIds.map((c) => ({ c, r: 'eligible', s: 'sent' as const })),
      },
      {
        mailingId,
        chunkId: 'g.000000.s001',
        kind: 'send',
        state: 'queued',
        rows: [{ c: newId(), r: 'eligible', s: 'queued' as const }],
      },
    ]);
    const bounceOf = (i: number) =>
      bounce(`guard-${i}@example.org`, {
        mailingId,
        contactId: contactIds[i] as string,
        chunkId: 'g.000000.s000',
      });

    // 10 of 200 is 5 %: not past the limit.
    await sendToFeedback(Array.from({ length: 10 }, (_, i) => bounceOf(i)));
    await stack().consume('feedback');
    expect(await getMailing(mailingId)).toMatchObject({
      status: 'sending',
      counts: { sent: 200, bounced: 10 },
    });

    await sendToFeedback([bounceOf(10)]);
    await stack().consume('feedback');
    const paused = await getMailing(mailingId);
    expect(paused).toMatchObject({
      status: 'paused',
      pausedReason: { code: 'bounce_rate', limit: 0.05, sent: 200, count: 11, rate: 0.055 },
      counts: { sent: 200, bounced: 11 },
    });
    const audited = (await auditEntries('mailing.paused')).find((e) => e.details.mailingId === mailingId);
    expect(audited).toMatchObject({ actor: { keyId: 'system' }, details: { code: 'bounce_rate' } });

    // The queued chunk's message arrives: nothing is sent, the rows wait for a resume.
    await stack().sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: stack().queueUrls.send.url,
        Entries: [{ Id: '0', MessageBody: JSON.stringify({ m: mailingId, k: 'g.000000.s001' }) }],
      }),
    );
    await stack().consume('send');
    const waiting = await recipients.getChunk(mailingId, 'g.000000.s001');
    expect(waiting).toMatchObject({ state: 'queued', rows: [{ s: 'queued' }] });
    expect((await getMailing(mailingId)).status).toBe('paused');
  });

  it('costs well under one write per delivery: one chunk write and one counter write per batch', async () => {
    const mailingId = await newMailing(listId);
    expect(await mailings.transition(mailingId, ['draft'], 'sending')).toBe(true);
    await mailings.addCounts(mailingId, { sent: 50 });
    const contactIds = Array.from({ length: 50 }, () => newId());
    await recipients.putChunks([
      {
        mailingId,
        chunkId: 'c.000000.s000',
        kind: 'send',
        state: 'done',
        rows: contactIds.map((c) => ({ c, r: 'eligible', s: 'sent' as const })),
      },
    ]);
    await sendToFeedback(
      contactIds.map((contactId, i) =>
        delivery(`reader-${i}@example.org`, { mailingId, contactId, chunkId: 'c.000000.s000' }),
      ),
    );
    const meter = await metered(() => stack().consume('feedback'));
    report_('50 deliveries of one chunk', { ...meter, writeUnitsPerEvent: meter.writeUnits / 50 });
    expect((await getMailing(mailingId)).counts).toMatchObject({ sent: 50, delivered: 50 });
    // Rows (with what they owe), clearing what they owed, the ADD, dropping its marker.
    expect(meter.writes).toBe(4);
    expect(meter.writeUnits / 50).toBeLessThan(0.25);
  });
});

describe('a feedback write interrupted before its counts were added', () => {
  it('is settled by the next batch that reads the chunk, exactly once, whether or not the ADD happened', async () => {
    const mailingId = await newMailing(listId);
    expect(await mailings.transition(mailingId, ['draft'], 'sending')).toBe(true);
    await mailings.addCounts(mailingId, { sent: 3 });
    const [a, b, c] = [newId(), newId(), newId()];
    const chunkId = 'r.000000.s000';
    await recipients.putChunks([
      {
        mailingId,
        chunkId,
        kind: 'send',
        state: 'done',
        rows: [a, b, c].map((id) => ({ c: id, r: 'eligible', s: 'sent' as const })),
      },
    ]);
    // An invocation wrote two rows delivered with what they owe, then died: its ADD never ran.
    const tenMinutesAgo = Date.now() - 600_000;
    const chunk = await recipients.getFeedbackChunk(mailingId, chunkId);
    if (!chunk) throw new Error('chunk missing');
    const delivered = (id: string) => ({ c: id, r: 'eligible', s: 'delivered' as const });
    expect(
      await recipients.writeFeedbackRows(
        chunk,
        [delivered(a as string), delivered(b as string), chunk.rows[2] as ChunkRow],
        'dead0000lost',
        {
          d: { delivered: 2 },
          o: 'crashed-invocation',
          at: tenMinutesAgo,
        },
      ),
    ).toBe(true);
    // Another one wrote the third row and did its ADD, then died before clearing what it owed.
    const after = await recipients.getFeedbackChunk(mailingId, chunkId);
    if (!after) throw new Error('chunk missing');
    expect(
      await recipients.writeFeedbackRows(
        after,
        [delivered(a as string), delivered(b as string), delivered(c as string)],
        'dead0000done',
        {
          d: { delivered: 1 },
          o: 'another-crashed-invocation',
          at: tenMinutesAgo,
        },
      ),
    ).toBe(true);
    await mailings.addCountsOnce(mailingId, { delivered: 1 }, ['dead0000done']);

    // The retried delivery of the first row arrives: a duplicate, but it reads the chunk.
    await sendToFeedback([delivery('late@example.org', { mailingId, contactId: a as string, chunkId })]);
    await stack().consume('feedback');
    expect((await getMailing(mailingId)).counts).toMatchObject({ sent: 3, delivered: 3 });
    expect((await recipients.getFeedbackChunk(mailingId, chunkId))?.pend).toEqual({});
    const { Item: countsItem } = await doc().send(
      new GetCommand({
        TableName: stack().tableNames.app,
        Key: { pk: `MAILING#${mailingId}`, sk: 'COUNTS' },
      }),
    );
    expect(Object.keys(countsItem ?? {}).filter((n) => n.startsWith('ct_'))).toEqual([]);

    await sendToFeedback([delivery('late@example.org', { mailingId, contactId: b as string, chunkId })]);
    await stack().consume('feedback');
    expect((await getMailing(mailingId)).counts).toMatchObject({ sent: 3, delivered: 3 });
  });

  it('leaves a fresh pending count alone: its writer may still be adding it', async () => {
    const mailingId = await newMailing(listId);
    expect(await mailings.transition(mailingId, ['draft'], 'sending')).toBe(true);
    const [a, b] = [newId(), newId()];
    const chunkId = 'f.000000.s000';
    await recipients.putChunks([
      {
        mailingId,
        chunkId,
        kind: 'send',
        state: 'done',
        rows: [a, b].map((id) => ({ c: id, r: 'eligible', s: 'sent' as const })),
      },
    ]);
    const chunk = await recipients.getFeedbackChunk(mailingId, chunkId);
    if (!chunk) throw new Error('chunk missing');
    await recipients.writeFeedbackRows(
      chunk,
      [{ c: a as string, r: 'eligible', s: 'delivered' }, chunk.rows[1] as ChunkRow],
      'live0000busy',
      { d: { delivered: 1 }, o: 'live-invocation', at: Date.now() },
    );
    await sendToFeedback([delivery('other@example.org', { mailingId, contactId: b as string, chunkId })]);
    await stack().consume('feedback');
    const pend = (await recipients.getFeedbackChunk(mailingId, chunkId))?.pend ?? {};
    expect(Object.keys(pend)).toEqual(['live0000busy']);
    // Only the new delivery is counted here; the live writer adds its own.
    expect((await mailings.getCountsRaw(mailingId, true)).delivered).toBe(1);
  });
});

describe('bounce policy', () => {
  const defaults = {
    hard: { count: 1, windowDays: 30, action: 'suppress' },
    soft: { count: 3, windowDays: 30, action: 'suppress' },
    complaint: { count: 1, windowDays: 30, action: 'suppress_and_withdraw' },
  };

  it('suppresses after three soft bounces in the window, counting each event once and starting over after a delivery', async () => {
    const email = 'full-mailbox@example.org';
    await createContact(email);
    const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000);
    const soft = (n: number) => bounce(email, {}, { type: 'Transient', at: minutesAgo(n) });
    // Two soft bounces, the second delivered twice, then a delivery, then two more.
    const second = soft(50);
    await sendToFeedback([soft(60), second, second]);
    await stack().consume('feedback');
    await sendToFeedback([delivery(email, {}, minutesAgo(40))]);
    await stack().consume('feedback');
    await sendToFeedback([soft(30), soft(20)]);
    await stack().consume('feedback');
    expect(await suppressionOf(email)).toBeUndefined();

    await sendToFeedback([soft(10)]);
    await stack().consume('feedback');
    expect(await suppressionOf(email)).toMatchObject({ reason: 'soft_bounce', source: 'bounce' });
    // Mirrored onto the contact: a new mailing's preview says why it is excluded.
    const contact = await request<{ items: Array<{ id: string }> }>(
      'GET',
      `/contacts?email=${encodeURIComponent(email)}`,
      { key: marketer },
    );
    const list = await request<{ id: string }>('POST', '/lists', {
      key: marketer,
      body: { name: 'Full mailbox', contactIds: [contact.body.items[0]?.id] },
    });
    const preview = await report(await newMailing(list.body.id));
    expect(preview['full-mailbox']).toMatchObject({ reason: 'suppressed', detail: 'soft_bounce' });
  });

  it('is readable with any key and changeable by an admin, recorded in the audit log', async () => {
    const read = await request('GET', '/settings/bounce-policy', { key: marketer });
    expect(read.status, read.text).toBe(200);
    expect(read.body).toMatchObject({ ...defaults, updatedAt: null, updatedBy: null });

    const changed = { ...defaults, soft: { count: 5, windowDays: 14, action: 'suppress' } };
    expect((await request('PUT', '/settings/bounce-policy', { key: marketer, body: changed })).status).toBe(
      403,
    );
    const put = await request<{ updatedBy: string }>('PUT', '/settings/bounce-policy', { body: changed });
    expect(put.status, put.text).toBe(200);
    expect(put.body).toMatchObject({ ...changed, updatedAt: expect.any(String) });
    expect((await request('GET', '/settings/bounce-policy', { key: marketer })).body).toMatchObject(changed);
    const audited = (await auditEntries('settings.bounce_policy')).at(-1);
    expect(audited).toMatchObject({
      actor: { keyId: put.body.updatedBy, role: 'admin' },
      details: { from: defaults, to: changed },
    });

    const invalid = [
      { ...defaults, complaint: { count: 1, windowDays: 30, action: 'none' } },
      { ...defaults, soft: { count: 0, windowDays: 30, action: 'suppress' } },
      { ...defaults, extra: true },
      { hard: defaults.hard },
    ];
    for (const body of invalid) {
      const res = await request('PUT', '/settings/bounce-policy', { body });
      expect(res.status, JSON.stringify(body)).toBe(422);
    }
    expect((await request('PUT', '/settings/bounce-policy', { body: defaults })).status).toBe(200);
  });
});

describe('the suppression API', () => {
  it('suppresses an address by hand, mirrors it onto the contact, and lifts it again (audited)', async () => {
    const email = 'by-hand@example.org';
    const contactId = await createContact(email);
    const list = await request<{ id: string }>('POST', '/lists', {
      key: marketer,
      body: { name: 'By hand', contactIds: [contactId] },
    });
    const preview = async () => (await report(await newMailing(list.body.id)))['by-hand'];
    expect(await preview()).toMatchObject({ reason: 'eligible' });

    expect(
      (await request('POST', '/suppressions', { key: marketer, body: { email, reason: 'manual' } })).status,
    ).toBe(403);
    const created = await request<SuppressionBody>('POST', '/suppressions', {
      body: { email: 'By-Hand@Example.org', reason: 'manual' },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f]{64}$/),
      reason: 'manual',
      source: 'admin',
      actor: expect.any(String),
    });
    // Mirrored into SES's account-level list (test/integration/ses-suppression-list.test.ts looks there).
    const { sesSuppressionList, ...entry } = created.body;
    expect(sesSuppressionList).toBe('added');
    expect(await suppressionOf(email)).toEqual(entry);
    expect(await preview()).toMatchObject({ reason: 'suppressed', detail: 'manual' });
    expect((await request('POST', '/suppressions', { body: { email, reason: 'complaint' } })).status).toBe(
      409,
    );

    const lifted = await request<SuppressionBody>('DELETE', `/suppressions/${created.body.id}`);
    expect(lifted.status, lifted.text).toBe(200);
    expect(lifted.body).toMatchObject({
      id: created.body.id,
      reason: 'manual',
      sesSuppressionList: 'removed',
    });
    expect(await suppressionOf(email)).toBeUndefined();
    expect(await preview()).toMatchObject({ reason: 'eligible' });
    const audited = (await auditEntries('suppression.deleted')).find((e) => e.details.id === created.body.id);
    expect(audited).toMatchObject({ details: { reason: 'manual', contactsCleared: [contactId] } });
    expect(JSON.stringify(await auditEntries('suppression.created'))).not.toContain('by-hand');
    expect((await request('DELETE', `/suppressions/${created.body.id}`)).status).toBe(404);
  });

  it('finds zero or one entry by address, and refuses what cannot be an address or an id', async () => {
    const none = await request('GET', `/suppressions?email=${encodeURIComponent('nobody@example.org')}`, {
      key: marketer,
    });
    expect(none.body).toEqual({ items: [], nextCursor: null });
    expect((await request('GET', '/suppressions?email=not-an-address', { key: marketer })).status).toBe(422);
    expect((await request('GET', '/suppressions', { key: marketer })).status).toBe(422);
    expect((await request('DELETE', '/suppressions/not-a-fingerprint')).status).toBe(404);
    const bounced = await suppressionOf(simulator('bounce'));
    const other = await request('DELETE', `/suppressions/${bounced?.id}?email=someone-else%40example.org`);
    expect(other.status).toBe(422);
    expect(await suppressionOf(simulator('bounce'))).toBeDefined();
  });
});
