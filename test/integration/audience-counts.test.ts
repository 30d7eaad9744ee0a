/**
 * Opt-outs counted, on the local stack: a real mailing, its recipients unsubscribing through each
 * channel (one-click POST, the preference page, the List-Unsubscribe mailto over SMTP, a tracked
 * link's page), SES's bounce and complaint; then `GET /mailings/{id}` and the type's daily report,
 * computed from the counters the change-stream consumer keeps. The same records handed over again,
 * and a consumer dying between the counting protocol's writes, count nothing twice.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import nodemailer from 'nodemailer';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadHandler } from '#infra/local/lambda.ts';
import { startStreamPoller } from '#infra/local/stream-poller.ts';
import { streamConsumers } from '#infra/streams.ts';
import { dynamo } from '#shared/adapters/dynamodb/client.ts';
import type { StoredContact } from '#shared/adapters/dynamodb/contacts.ts';
import type { StreamChange } from '#shared/adapters/dynamodb/stream-records.ts';
import type { HistoryEntry, Source } from '#shared/domain/contact.ts';
import { newId } from '#shared/domain/ids.ts';
import { countChanges } from '#shared/use-cases/audience-counts.ts';
import { type FaultableClient, injectOnWire, SimulatedCrash } from '#test/helpers/faults.ts';
import { eventually } from '#test/helpers/eventually.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { mailTo } from '#test/helpers/ses-inbox.ts';

const { request, stack, createKey } = useLocalStack({ autoConsume: false });

interface Mailing {
  status: string;
  counts: Record<string, number>;
  unsubscribes: Record<string, number>;
  rates: { bounce: number | null; complaint: number | null; unsubscribe: number | null };
}
interface ReportDay {
  date: string;
  subscribed: number;
  unsubscribed: number;
  total: number;
  unsubscribesBySource: Record<string, number>;
}
interface Report {
  typeId: string;
  from: string;
  to: string;
  days: ReportDay[];
  summary: Record<string, unknown>;
}

let marketer: string;
const stamp = Date.now();
const today = () => new Date().toISOString().slice(0, 10);

const newType = async (name: string) => {
  const res = await request<{ id: string }>('POST', '/subscription-types', { key: marketer, body: { name } });
  expect(res.status, res.text).toBe(201);
  return res.body.id;
};

const newContact = async (email: string, typeId: string) => {
  const res = await request<{ id: string }>('POST', '/contacts', {
    key: marketer,
    body: {
      email,
      consent: { status: 'granted', source: 'form' },
      subscriptions: { [typeId]: 'subscribed' },
    },
  });
  expect(res.status, res.text).toBe(201);
  return res.body.id;
};

const report = (typeId: string, query = '') =>
  request<Report>('GET', `/subscription-types/${typeId}/report${query}`, { key: marketer });

const subscriptionOf = async (id: string, typeId: string) =>
  (
    await request<{ subscriptions: Record<string, { status: string }> }>('GET', `/contacts/${id}`, {
      key: marketer,
    })
  ).body.subscriptions[typeId]?.status;

/** Every record of the contacts table's stream handed to the consumer again, from the oldest. */
const handOverAgain = async () => {
  const handler = await loadHandler(streamConsumers.changes.entry);
  const streams = new DynamoDBStreamsClient({});
  const control = new DynamoDBClient({});
  const replay = startStreamPoller(
    {
      streams,
      dynamo: control,
      tableName: stack().tableNames.contacts,
      filters: streamConsumers.changes.sources[0].filters,
      handler,
      functionName: 'Replay',
      batchSize: streamConsumers.changes.batchSize,
      timeoutMs: 60_000,
    },
    false,
  );
  let read = 0;
  try {
    for (;;) {
      const round = await replay.pollOnce();
      expect(round.failed).toBe(false);
      if (!round.read) return read;
      read += round.read;
    }
  } finally {
    await replay.stop();
    streams.destroy();
    control.destroy();
  }
};

/** A counter item as stored: its numbers, and the marks of keys being counted (none once settled). */
const counterItem = async (pk: string, sk: string) => {
  const { Item } = await stack().dynamo.send(
    new GetCommand({ TableName: stack().tableNames.app, Key: { pk, sk }, ConsistentRead: true }),
  );
  return Item ?? {};
};
const marksOf = (item: Record<string, unknown>) => Object.keys(item).filter((name) => name.startsWith('c_'));

beforeAll(async () => {
  marketer = await createKey('marketer');
});

describe("a mailing's opt-outs, through every channel", () => {
  const people = ['oneclick', 'mailto', 'page', 'link', 'twice', 'stays'] as const;
  type Person = (typeof people)[number];
  const emailOf = (p: Person) => `${p}.${stamp}@example.com`;
  const ids = {} as Record<Person, string>;
  let typeId = '';
  let mailingId = '';

  /** The URLs of a person's mail, as the recipient's client reads them. */
  const linksOf = async (p: Person) => {
    const [mail] = await mailTo(stack().sesUrl, emailOf(p));
    const text = mail?.body.text ?? '';
    const find = (kind: string) =>
      new RegExp(`http://[^\\s]+/${kind}/[A-Za-z0-9_.-]+`).exec(text)?.[0].replace(stack().apiUrl, '') ?? '';
    const header = mail?.headers?.find((h) => h.name === 'List-Unsubscribe')?.value ?? '';
    const mailto = new URL(/<(mailto:[^>]+)>/.exec(header)?.[1] ?? 'mailto:none');
    return {
      unsubscribe: find('u'),
      preferences: find('p'),
      link: find('l'),
      mailto: { to: decodeURIComponent(mailto.pathname), subject: mailto.searchParams.get('subject') ?? '' },
    };
  };

  const postForm = (path: string, fields: Array<[string, string]>) =>
    fetch(stack().apiUrl + path, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });

  const savePreferences = async (path: string, action: 'save' | 'unsubscribe_all') => {
    const page = await (await fetch(stack().apiUrl + path)).text();
    const hidden = (name: string) =>
      (new RegExp(`name="${name}" value="([^"]*)"`).exec(page)?.[1] ?? '').replace(/&amp;/g, '&');
    const res = await postForm(path, [
      ['shown', hidden('shown')],
      ['sig', hidden('sig')],
      ['action', action],
    ]);
    expect(res.status).toBe(200);
  };

  beforeAll(async () => {
    typeId = await newType('Counted news');
    for (const p of people) ids[p] = await newContact(emailOf(p), typeId);
    // SES's mailbox simulator: one hard bounce, one complaint.
    const simulated = [
      await newContact('bounce@simulator.amazonses.com', typeId),
      await newContact('complaint@simulator.amazonses.com', typeId),
    ];
    const list = await request<{ id: string }>('POST', '/lists', {
      key: marketer,
      body: { name: 'Counted', contactIds: [...people.map((p) => ids[p]), ...simulated] },
    });
    const mailing = await request<{ id: string }>('POST', '/mailings', {
      key: marketer,
      body: {
        name: 'Counted 1',
        subscriptionTypeId: typeId,
        listId: list.body.id,
        from: 'News <news@sc.example>',
        subject: 'Hello',
        text: 'Hi. {{unsubscribeUrl}} {{preferencesUrl}} Leave: {{links.leave}}',
        links: { leave: { url: 'https://example.com/bye', action: { kind: 'unsubscribe', value: typeId } } },
      },
    });
    expect(mailing.status, mailing.text).toBe(201);
    mailingId = mailing.body.id;
    expect((await request('POST', `/mailings/${mailingId}/send`, { key: marketer })).status).toBe(202);
    await stack().consume('plan');
    await stack().consume('send');
    await stack().consume('feedback');
    await stack().consumeChanges();
  });

  it('counts each recipient once, by the channel of their first opt-out, with rates per sent', async () => {
    const before = await request<Mailing>('GET', `/mailings/${mailingId}`, { key: marketer });
    expect(before.body.counts).toMatchObject({ sent: 8, bounced: 1, complained: 1, unsubscribed: 0 });
    expect(before.body.rates).toEqual({ bounce: 0.125, complaint: 0.125, unsubscribe: 0 });

    // One-click, as a mailbox provider POSTs it.
    const oneClick = await linksOf('oneclick');
    expect((await postForm(oneClick.unsubscribe, [['List-Unsubscribe', 'One-Click']])).status).toBe(200);
    // The mailto, as a mail client sends it.
    const mailto = (await linksOf('mailto')).mailto;
    await nodemailer
      .createTransport({ host: '127.0.0.1', port: stack().smtpPort, secure: false, ignoreTLS: true })
      .sendMail({ from: emailOf('mailto'), to: mailto.to, subject: mailto.subject, text: 'unsubscribe' });
    // The preference page from the mail: everything unticked, saved.
    await savePreferences((await linksOf('page')).preferences, 'save');
    // The tracked link: a scanner's GET first (nothing), then the person's button.
    const link = (await linksOf('link')).link;
    expect((await fetch(stack().apiUrl + link, { redirect: 'manual' })).status).toBe(200);
    expect((await postForm(link, [])).status).toBe(303);
    // One-click twice, then everything withdrawn on the page: still one recipient, by one-click.
    const twice = await linksOf('twice');
    expect((await postForm(twice.unsubscribe, [['List-Unsubscribe', 'One-Click']])).status).toBe(200);
    expect((await postForm(twice.unsubscribe, [['List-Unsubscribe', 'One-Click']])).status).toBe(200);
    await savePreferences(twice.preferences, 'unsubscribe_all');

    await eventually(async () => (await subscriptionOf(ids.mailto, typeId)) === 'unsubscribed');
    for (const p of ['oneclick', 'page', 'link', 'twice'] as const)
      expect(await subscriptionOf(ids[p], typeId)).toBe('unsubscribed');
    expect(await subscriptionOf(ids.stays, typeId)).toBe('subscribed');
    await stack().consumeChanges();

    const after = await request<Mailing>('GET', `/mailings/${mailingId}`, { key: marketer });
    expect(after.status).toBe(200);
    expect(after.body.counts).toMatchObject({ sent: 8, bounced: 1, complained: 1, unsubscribed: 5 });
    expect(after.body.unsubscribes).toEqual({ oneClick: 2, preferencePage: 1, mailto: 1, link: 1 });
    expect(after.body.rates).toEqual({ bounce: 0.125, complaint: 0.125, unsubscribe: 0.625 });

    const day = (await report(typeId, `?from=${today()}&to=${today()}`)).body.days;
    expect(day).toEqual([
      {
        date: today(),
        subscribed: 8,
        unsubscribed: 5,
        // The complaint withdrew consent and the bounce suppressed: both still subscribed to the type.
        total: 3,
        unsubscribesBySource: { one_click: 2, mailto: 1, preference_page: 1, link: 1 },
      },
    ]);
  });

  it('counts nothing twice when the stream hands every record over again', async () => {
    const mailing = (await request<Mailing>('GET', `/mailings/${mailingId}`, { key: marketer })).body;
    const days = (await report(typeId)).body;
    expect(await handOverAgain()).toBeGreaterThan(8);
    expect((await request<Mailing>('GET', `/mailings/${mailingId}`, { key: marketer })).body).toEqual(
      mailing,
    );
    expect((await report(typeId)).body).toEqual(days);
    // Every counter item settled: no marks left behind.
    expect(marksOf(await counterItem(`MAILING#${mailingId}`, 'COUNTS'))).toEqual([]);
    expect(marksOf(await counterItem(`TYPE#${typeId}`, `DAY#${today()}`))).toEqual([]);
  });
});

describe('counting when the consumer dies between its writes', () => {
  /**
   * Fails the first `times` calls the rule picks with a simulated crash, as if the process died
   * there: the stream hands the batch over again.
   */
  const crashing = (name: string, times: number, picks: (command: string, body: string) => boolean) => {
    let left = times;
    return injectOnWire(dynamo as unknown as FaultableClient, name, (call) =>
      left > 0 && call.attempt === 1 && picks(call.commandName, call.body) && left-- > 0
        ? new SimulatedCrash(name)
        : undefined,
    );
  };

  // Each change below moves people in or out of two types: two counter items per contact write.
  const cases: Array<[string, (other: string) => (command: string, body: string) => boolean]> = [
    [
      "after one counter item's ADD, before the other's",
      (other) => (command, body) =>
        command === 'UpdateItemCommand' && body.includes(`"TYPE#${other}"`) && body.includes(' ADD '),
    ],
    [
      'after the ADDs, before the markers',
      () => (command, body) => command === 'BatchWriteItemCommand' && body.includes('COUNTED#'),
    ],
    [
      'after the markers, before the marks are removed',
      (other) => (command, body) =>
        command === 'UpdateItemCommand' && body.includes(`"TYPE#${other}"`) && body.includes('REMOVE'),
    ],
  ];

  it.each(cases)('%s: counts each change once, and settles', async (name, picks) => {
    const typeId = await newType(`Crash ${name}`);
    const other = await newType(`Crash ${name}, too`);
    const contacts: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await request<{ id: string }>('POST', '/contacts', {
        key: marketer,
        body: {
          email: `crash.${i}.${typeId}@example.com`,
          consent: { status: 'granted', source: 'form' },
          subscriptions: { [typeId]: 'subscribed', [other]: 'subscribed' },
        },
      });
      expect(res.status, res.text).toBe(201);
      contacts.push(res.body.id);
    }
    const put = await request('PUT', `/contacts/${contacts[0]}/subscriptions/${typeId}`, {
      key: marketer,
      body: { status: 'unsubscribed', source: 'api' },
    });
    expect(put.status, put.text).toBe(200);
    const remove = crashing('counting-crash', 2, picks(other));
    try {
      await stack().consumeChanges();
    } finally {
      remove();
    }
    // Whatever the crash left, the next hand-over (or the rest of this one) finishes it.
    await stack().consumeChanges();
    expect((await report(typeId, `?from=${today()}`)).body.days).toEqual([
      { date: today(), subscribed: 3, unsubscribed: 1, total: 2, unsubscribesBySource: { api: 1 } },
    ]);
    expect((await report(other, `?from=${today()}`)).body.days).toEqual([
      { date: today(), subscribed: 3, unsubscribed: 0, total: 3, unsubscribesBySource: {} },
    ]);
    for (const t of [typeId, other])
      expect(marksOf(await counterItem(`TYPE#${t}`, `DAY#${today()}`))).toEqual([]);
  });
});

describe("a subscription type's report", () => {
  let typeId = '';
  let sequence = 0;

  /**
   * What the contacts table's stream carries for one write of a contact on a given day: its item
   * before and after, the entries the write added in the outbox. Days cannot pass on the local stack
   * within a test (its stream, as DynamoDB's, keeps a record 24 hours), so these are handed to the
   * consumer's effect directly, as the stream would hand them on those days.
   */
  const write = (
    contactId: string,
    day: string,
    before: Record<string, string> | undefined,
    after: Record<string, string> | undefined,
    source: Source = 'api',
  ): StreamChange => {
    const at = `${day}T12:00:00.000Z`;
    const item = (subscriptions: Record<string, string>, outbox: Record<string, HistoryEntry>) =>
      ({
        id: contactId,
        subscriptions: Object.fromEntries(
          Object.entries(subscriptions).map(([t, status]) => [t, { status, source, at }]),
        ),
        outbox,
      }) as unknown as StoredContact;
    const entries: Record<string, HistoryEntry> = {};
    // As the domain records it: an entry for every type the write names, even one that stays.
    for (const t of Object.keys(after ?? {})) {
      const id = newId(Date.parse(at));
      entries[id] = {
        id,
        at,
        change: 'subscription',
        typeId: t,
        from: before?.[t] ?? null,
        to: after?.[t] ?? null,
        source,
        actor: 'k1',
      };
    }
    return {
      kind: 'contact',
      sequence: String(++sequence),
      contactId,
      at,
      ...(before ? { before: item(before, {}) } : {}),
      ...(after ? { after: item(after, entries) } : {}),
    };
  };

  beforeAll(async () => {
    typeId = await newType('Reported');
    const t = typeId;
    const changes = [
      write('ann', '2026-03-02', undefined, { [t]: 'subscribed' }),
      write('bob', '2026-03-02', undefined, { [t]: 'subscribed' }),
      write('cat', '2026-03-02', undefined, { [t]: 'subscribed' }),
      write('ann', '2026-03-04', { [t]: 'subscribed' }, { [t]: 'unsubscribed' }),
      // Unsubscribing someone already unsubscribed changes nobody's mail: nothing counted.
      write('ann', '2026-03-04', { [t]: 'unsubscribed' }, { [t]: 'unsubscribed' }),
      write('dan', '2026-03-04', undefined, { [t]: 'pending' }, 'import'),
      write('dan', '2026-03-05', { [t]: 'pending' }, { [t]: 'subscribed' }, 'confirmation'),
      // Erased: the item is gone, its old image names what the person had.
      write('bob', '2026-03-06', { [t]: 'subscribed' }, undefined),
      write('ann', '2026-03-06', { [t]: 'unsubscribed' }, { [t]: 'subscribed' }),
      write('eve', '2026-03-06', undefined, { [t]: 'subscribed' }),
      write('eve', '2026-03-06', { [t]: 'subscribed' }, { [t]: 'unsubscribed' }, 'one_click'),
    ];
    // Every write that moved someone in or out of the type: not the repeat, not the pending one.
    expect(await countChanges(changes)).toBe(9);
    // Handed over again, whole or from the middle: nothing more.
    expect(await countChanges(changes)).toBe(0);
    expect(await countChanges(changes.slice(4))).toBe(0);
  });

  it('answers every day of the range, days without changes included, with the total at the end of each', async () => {
    const res = await report(typeId, '?from=2026-03-01&to=2026-03-07');
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ typeId, from: '2026-03-01', to: '2026-03-07', timeZone: 'UTC' });
    expect(res.body.days).toEqual([
      { date: '2026-03-01', subscribed: 0, unsubscribed: 0, total: 0, unsubscribesBySource: {} },
      { date: '2026-03-02', subscribed: 3, unsubscribed: 0, total: 3, unsubscribesBySource: {} },
      { date: '2026-03-03', subscribed: 0, unsubscribed: 0, total: 3, unsubscribesBySource: {} },
      { date: '2026-03-04', subscribed: 0, unsubscribed: 1, total: 2, unsubscribesBySource: { api: 1 } },
      { date: '2026-03-05', subscribed: 1, unsubscribed: 0, total: 3, unsubscribesBySource: {} },
      {
        date: '2026-03-06',
        subscribed: 2,
        unsubscribed: 2,
        total: 3,
        unsubscribesBySource: { erasure: 1, one_click: 1 },
      },
      { date: '2026-03-07', subscribed: 0, unsubscribed: 0, total: 3, unsubscribesBySource: {} },
    ]);
    expect(res.body.summary).toEqual({
      subscribed: 6,
      unsubscribed: 3,
      unsubscribesBySource: { api: 1, erasure: 1, one_click: 1 },
      totalBefore: 0,
      totalAfter: 3,
    });
  });

  it('works a range in the middle back from the total now', async () => {
    const res = await report(typeId, '?from=2026-03-03&to=2026-03-04');
    expect(res.body.days.map((d) => [d.date, d.total])).toEqual([
      ['2026-03-03', 3],
      ['2026-03-04', 2],
    ]);
    expect(res.body.summary).toMatchObject({ totalBefore: 3, totalAfter: 2 });
    const defaults = await report(typeId);
    expect(defaults.body.days).toHaveLength(30);
    expect(defaults.body.to).toBe(today());
    expect(defaults.body.days.every((d) => d.total === 3 && d.subscribed === 0)).toBe(true);
  });

  it('refuses dates that are not days, a reversed or future range and one too long (422), an unknown type (404)', async () => {
    for (const query of [
      '?from=2026-02-30',
      '?from=yesterday',
      '?to=2026-03-01T00:00:00Z',
      '?from=2026-03-05&to=2026-03-01',
      '?from=2099-01-01',
      '?from=2020-01-01&to=2026-03-01',
      '?from=',
    ]) {
      const res = await report(typeId, query);
      expect(res.status, `${query}: ${res.text}`).toBe(422);
      expect(res.text).not.toContain('stack');
    }
    expect((await report('01h00000000000000000000000')).status).toBe(404);
    expect((await request('GET', `/subscription-types/${typeId}/report`, { key: null })).status).toBe(401);
  });
});
