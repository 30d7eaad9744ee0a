/**
 * The mailing wizard end to end on the local stack: a list, a mailing, the recipient report in
 * every privacy/override combination, planning, sending, and the record afterwards.
 * Consumers run only when the test says so (`consume`), so every step can be looked at.
 */
import { simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { inbox, mailTo, rawMime } from '#test/helpers/ses-inbox.ts';

const { request, createKey, stack, recipientRows } = useLocalStack({ autoConsume: false });

let newsletter: string;
let marketer: string;
const ids: Record<string, string> = {};

const contact = async (
  name: string,
  consent: 'granted' | 'withdrawn' | null,
  subscription?: 'subscribed' | 'unsubscribed',
  extra: Record<string, unknown> = {},
) => {
  const res = await request<{ id: string }>('POST', '/contacts', {
    key: marketer,
    body: {
      email: `${name}@example.com`,
      firstName: name,
      ...(consent ? { consent: { status: consent, legalBasis: 'consent', source: 'form' } } : {}),
      ...(subscription ? { subscriptions: { [newsletter]: subscription } } : {}),
      ...extra,
    },
  });
  expect(res.status, res.text).toBe(201);
  ids[name] = res.body.id;
  return res.body.id;
};

const report = async (mailingId: string, query = '') => {
  const rows = await recipientRows(mailingId, { query, key: marketer, limit: 2 });
  return Object.fromEntries(rows.map((r) => [r.email?.split('@')[0] ?? r.contactId, r]));
};

const newMailing = async (listId: string, extra: Record<string, unknown> = {}) => {
  const res = await request<{ id: string; status: string }>('POST', '/mailings', {
    key: marketer,
    body: {
      name: 'May newsletter',
      subscriptionTypeId: newsletter,
      listId,
      from: 'News <news@sc.example>',
      subject: 'Hello {{firstName}}',
      text: 'Hi {{firstName}}, here is the news.',
      html: '<p>Hi {{firstName}}, here is the news.</p>',
      ...extra,
    },
  });
  expect(res.status, res.text).toBe(201);
  return res.body.id;
};

let listId: string;

beforeAll(async () => {
  marketer = await createKey('marketer');
  newsletter = (
    await request<{ id: string }>('POST', '/subscription-types', {
      key: marketer,
      body: { name: 'Monthly newsletter' },
    })
  ).body.id;
  await contact('ann', 'granted', 'subscribed');
  await contact('bob', 'withdrawn', 'subscribed');
  await contact('cat', null, 'subscribed');
  await contact('dan', 'granted', 'unsubscribed');
  await contact('eve', 'granted');
  // Erased, then imported again: a new contact, still suppressed until consent is granted anew.
  const erased = await contact('fay', null, 'subscribed');
  expect((await request('DELETE', `/contacts/${erased}`)).status).toBe(200);
  await contact('fay', null, 'subscribed');
  const list = await request<{ id: string }>('POST', '/lists', {
    key: marketer,
    body: {
      name: 'Newsletter readers and a few more',
      criteria: { subscribedTo: newsletter },
      contactIds: [ids.dan, ids.eve, ids.ann, ids.eve],
    },
  });
  expect(list.status, list.text).toBe(201);
  listId = list.body.id;
});

describe('target lists', () => {
  it('resolves the selection and the static contacts once each', async () => {
    const res = await request<{ items: Array<{ id: string }>; total: number }>(
      'GET',
      `/lists/${listId}/contacts?total=true`,
      { key: marketer },
    );
    expect(res.status, res.text).toBe(200);
    const members = res.body.items.map((m) => m.id).sort();
    expect(members).toEqual([ids.ann, ids.bob, ids.cat, ids.dan, ids.eve, ids.fay].sort());
    expect(res.body.total).toBe(6);
  });

  it('refuses a selection that would need a scan, and an unknown type', async () => {
    expect(
      (await request('POST', '/lists', { key: marketer, body: { name: 'x', criteria: { locale: 'sv' } } }))
        .status,
    ).toBe(422);
    expect(
      (
        await request('POST', '/lists', {
          key: marketer,
          body: { name: 'x', criteria: { subscribedTo: '01h00000000000000000000000' } },
        })
      ).status,
    ).toBe(422);
  });
});

describe('the recipient report before sending', () => {
  it('with privacy on and no override: only consented subscribers are included, each row says why', async () => {
    const id = await newMailing(listId);
    const rows = await report(id);
    expect(Object.fromEntries(Object.entries(rows).map(([k, r]) => [k, r.reason]))).toEqual({
      ann: 'eligible',
      bob: 'no_consent',
      cat: 'no_consent',
      dan: 'unsubscribed',
      eve: 'not_subscribed',
      fay: 'suppressed',
    });
    expect(rows.fay?.detail).toBe('erased');
    expect(rows.ann).toMatchObject({ verdict: 'included', status: 'pending' });
    const mailing = await request<{ counts: Record<string, number>; reasons: Record<string, number> }>(
      'GET',
      `/mailings/${id}`,
      { key: marketer },
    );
    expect(mailing.body.counts).toMatchObject({ eligible: 1, excluded: 5 });
    expect(mailing.body.reasons).toMatchObject({
      eligible: 1,
      no_consent: 2,
      unsubscribed: 1,
      not_subscribed: 1,
      suppressed: 1,
    });
  });

  it('filters the report by reason and verdict', async () => {
    const id = await newMailing(listId);
    expect(Object.keys(await report(id, '&reason=no_consent')).sort()).toEqual(['bob', 'cat']);
    expect(Object.keys(await report(id, '&verdict=included'))).toEqual(['ann']);
  });

  it('with the consent override: everyone but the suppressed is included, and rows say what was overridden', async () => {
    const id = await newMailing(listId, { overrideConsent: true, overrideReason: 'Product recall notice' });
    const rows = await report(id);
    expect(rows.fay?.reason).toBe('suppressed');
    for (const name of ['ann', 'bob', 'cat', 'dan', 'eve']) expect(rows[name]?.reason).toBe('override');
    expect(rows.ann?.detail).toBeUndefined();
    expect(rows.bob?.detail).toBe('needed_override:no_consent');
  });

  it('with privacy off: consent and subscriptions are ignored, suppression still applies', async () => {
    expect((await request('PUT', '/settings/privacy', { body: { enabled: false } })).status).toBe(200);
    try {
      const id = await newMailing(listId, {
        overrideConsent: true,
        overrideReason: 'irrelevant when privacy is off',
      });
      const rows = await report(id);
      expect(rows.fay?.reason).toBe('suppressed');
      for (const name of ['ann', 'bob', 'cat', 'dan', 'eve']) expect(rows[name]?.reason).toBe('privacy_off');
    } finally {
      await request('PUT', '/settings/privacy', { body: { enabled: true } });
    }
  });
});

describe('mailings', () => {
  it('rejects an archived type, an unknown list, unknown merge fields and an override without a reason', async () => {
    const archived = (
      await request<{ id: string }>('POST', '/subscription-types', { key: marketer, body: { name: 'Old' } })
    ).body.id;
    await request('PATCH', `/subscription-types/${archived}`, { key: marketer, body: { archived: true } });
    const base = {
      name: 'x',
      subscriptionTypeId: newsletter,
      listId,
      from: 'a@sc.example',
      subject: 's',
      text: 't',
    };
    expect(
      (await request('POST', '/mailings', { key: marketer, body: { ...base, subscriptionTypeId: archived } }))
        .status,
    ).toBe(422);
    expect(
      (
        await request('POST', '/mailings', {
          key: marketer,
          body: { ...base, listId: '01h00000000000000000000000' },
        })
      ).status,
    ).toBe(422);
    const merge = await request<{ error: { details: Array<{ path: string; message: string }> } }>(
      'POST',
      '/mailings',
      {
        key: marketer,
        body: { ...base, text: 'Hi {{frstName}}' },
      },
    );
    expect(merge.status).toBe(422);
    expect(merge.body.error.details[0]).toMatchObject({
      path: 'body.text',
      message: expect.stringContaining('frstName'),
    });
    expect(
      (await request('POST', '/mailings', { key: marketer, body: { ...base, overrideConsent: true } }))
        .status,
    ).toBe(422);
  });

  it('edits a draft, and not a mailing being sent', async () => {
    const id = await newMailing(listId);
    const edited = await request<{ subject: string }>('PATCH', `/mailings/${id}`, {
      key: marketer,
      body: { subject: 'New subject' },
    });
    expect(edited.status, edited.text).toBe(200);
    expect(edited.body.subject).toBe('New subject');
    expect((await request('POST', `/mailings/${id}/send`, { key: marketer })).status).toBe(202);
    expect(
      (await request('PATCH', `/mailings/${id}`, { key: marketer, body: { subject: 'Too late' } })).status,
    ).toBe(409);
    expect((await request('POST', `/mailings/${id}/send`, { key: marketer })).status).toBe(409);
    await request('POST', `/mailings/${id}/cancel`, { key: marketer });
  });

  it('needs an admin key to send with the consent override', async () => {
    const id = await newMailing(listId, { overrideConsent: true, overrideReason: 'Safety notice' });
    expect((await request('POST', `/mailings/${id}/send`, { key: marketer })).status).toBe(403);
    expect((await request('POST', `/mailings/${id}/send`)).status).toBe(202);
    await request('POST', `/mailings/${id}/cancel`, { key: marketer });
  });
});

describe('sending', () => {
  it('plans, sends exactly one mail per eligible contact with the unsubscribe headers, and keeps the record', async () => {
    const before = (await inbox(stack().sesUrl)).length;
    const id = await newMailing(listId);
    expect(
      (await request<{ status: string }>('POST', `/mailings/${id}/send`, { key: marketer })).body.status,
    ).toBe('planned');
    await stack().consume('plan');
    const planned = await request<{ status: string; counts: Record<string, number> }>(
      'GET',
      `/mailings/${id}`,
      { key: marketer },
    );
    expect(planned.body.status).toBe('sending');
    expect(planned.body.counts).toMatchObject({ eligible: 1, excluded: 5, queued: 1, sent: 0 });
    await stack().consume('send');
    const sent = await request<{ status: string; counts: Record<string, number> }>('GET', `/mailings/${id}`, {
      key: marketer,
    });
    expect(sent.body.status).toBe('sent');
    expect(sent.body.counts).toMatchObject({ eligible: 1, excluded: 5, queued: 0, sent: 1, failed: 0 });

    const mails = await inbox(stack().sesUrl);
    expect(mails.length - before).toBe(1);
    const [mail] = await mailTo(stack().sesUrl, 'ann@example.com');
    expect(mail?.subject).toBe('Hello ann');
    const parsed = await simpleParser(await rawMime(stack().sesUrl, mail?.messageId ?? ''));
    // mailparser folds List-* headers into one structure; the raw lines are what a client reads.
    const header = (name: string) =>
      parsed.headerLines
        .filter((h) => h.key === name)
        .map((h) => h.line.slice(h.line.indexOf(':') + 1).trim());
    expect(header('list-unsubscribe')).toHaveLength(1);
    expect(header('list-unsubscribe-post')).toEqual(['List-Unsubscribe=One-Click']);
    const unsubscribe = header('list-unsubscribe')[0] ?? '';
    expect(unsubscribe).toMatch(/^<http:\/\/localhost:\d+\/u\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+>/);
    expect(unsubscribe).not.toContain('ann@example.com');
    // As handed to SES (the emulator's MIME writer RFC 2047-encodes the quoted phrase).
    expect(mail?.headers).toContainEqual({
      name: 'List-Id',
      value: expect.stringContaining('"Monthly newsletter"'),
    });
    // No preference or unsubscribe link in the body: the footer adds both.
    expect(parsed.text).toMatch(/Unsubscribe: http:\/\/localhost:\d+\/u\//);
    expect(parsed.text).toMatch(/Manage your subscriptions: http:\/\/localhost:\d+\/p\//);

    const rows = await report(id);
    expect(rows.ann).toMatchObject({ verdict: 'included', reason: 'eligible', status: 'sent' });
    expect(rows.bob).toMatchObject({ verdict: 'excluded', reason: 'no_consent', status: 'skipped' });
    expect(Object.keys(rows)).toHaveLength(6);
  });

  it('checks again at the last moment: an unsubscribe after planning stops the mail, and the row says why', async () => {
    const id = await newMailing(listId);
    await request('POST', `/mailings/${id}/send`, { key: marketer });
    await stack().consume('plan');
    const put = await request('PUT', `/contacts/${ids.ann}/subscriptions/${newsletter}`, {
      key: marketer,
      body: { status: 'unsubscribed', source: 'api' },
    });
    expect(put.status, put.text).toBe(200);
    const before = (await mailTo(stack().sesUrl, 'ann@example.com')).length;
    await stack().consume('send');
    expect((await mailTo(stack().sesUrl, 'ann@example.com')).length).toBe(before);
    const rows = await report(id);
    expect(rows.ann).toMatchObject({ verdict: 'excluded', reason: 'unsubscribed', status: 'skipped' });
    const mailing = await request<{ status: string; counts: Record<string, number> }>(
      'GET',
      `/mailings/${id}`,
      { key: marketer },
    );
    expect(mailing.body).toMatchObject({
      status: 'sent',
      counts: { eligible: 0, excluded: 6, sent: 0, queued: 0 },
    });
    await request('PUT', `/contacts/${ids.ann}/subscriptions/${newsletter}`, {
      key: marketer,
      body: { status: 'subscribed', source: 'api' },
    });
  });

  it('never sends twice when the same SQS message arrives again', async () => {
    const id = await newMailing(listId);
    await request('POST', `/mailings/${id}/send`, { key: marketer });
    await stack().consume('plan');
    const { ReceiveMessageCommand, SendMessageCommand } = await import('@aws-sdk/client-sqs');
    const queued = await stack().sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: stack().queueUrls.send.url,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 0,
      }),
    );
    const body = queued.Messages?.[0]?.Body;
    expect(body).toBeDefined();
    // The same chunk message, delivered three times.
    for (let i = 0; i < 2; i++)
      await stack().sqs.send(
        new SendMessageCommand({ QueueUrl: stack().queueUrls.send.url, MessageBody: body as string }),
      );
    const before = (await mailTo(stack().sesUrl, 'ann@example.com')).length;
    await stack().consume('send');
    expect((await mailTo(stack().sesUrl, 'ann@example.com')).length).toBe(before + 1);
    const mailing = await request<{ counts: Record<string, number> }>('GET', `/mailings/${id}`, {
      key: marketer,
    });
    expect(mailing.body.counts.sent).toBe(1);
  });

  it('stops what was not handed to SES when cancelled', async () => {
    const id = await newMailing(listId);
    await request('POST', `/mailings/${id}/send`, { key: marketer });
    await stack().consume('plan');
    const cancelled = await request<{ status: string }>('POST', `/mailings/${id}/cancel`, { key: marketer });
    expect(cancelled.body.status).toBe('cancelled');
    const before = (await inbox(stack().sesUrl)).length;
    await stack().consume('send');
    expect((await inbox(stack().sesUrl)).length).toBe(before);
    const rows = await report(id);
    expect(rows.ann).toMatchObject({ status: 'skipped', detail: 'cancelled' });
    expect((await request('POST', `/mailings/${id}/cancel`, { key: marketer })).status).toBe(409);
  });

  it('records in the audit log who sent with the override and how many it reached only because of it', async () => {
    const id = await newMailing(listId, { overrideConsent: true, overrideReason: 'Recall' });
    expect((await request('POST', `/mailings/${id}/send`)).status).toBe(202);
    await stack().consume('plan');
    const { QueryCommand } = await import('@aws-sdk/lib-dynamodb');
    const { DynamoDBDocumentClient } = await import('@aws-sdk/lib-dynamodb');
    const doc = DynamoDBDocumentClient.from(stack().dynamo);
    const audit = await doc.send(
      new QueryCommand({
        TableName: stack().tableNames.app,
        IndexName: 'byKind',
        KeyConditionExpression: 'kind = :k',
        ExpressionAttributeValues: { ':k': 'AUDIT' },
      }),
    );
    const reached = audit.Items?.find(
      (i) => i.action === 'mailing.override_reached' && i.details.mailingId === id,
    );
    expect(reached?.details).toMatchObject({ reason: 'Recall', reachedOnlyByOverride: 4 });
    expect(
      audit.Items?.find((i) => i.action === 'mailing.override_send' && i.details.mailingId === id)?.actor
        .role,
    ).toBe('admin');
    await stack().consume('send');
  });
});
