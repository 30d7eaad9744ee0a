/**
 * A marketing app's view: the typed client generated from the OpenAPI document (shared/client/)
 * drives a whole mailing on the local stack — type, contacts, list, draft with its preview, send,
 * delivery, the record afterwards — and every answer it gets is checked against the served
 * document. If the document and the API drift apart, this stops compiling or fails.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type Client, subscriptionCenter } from '#shared/client/index.ts';
import { type ContractChecker, contractChecker } from '#test/helpers/contract.ts';
import { eventually } from '#test/helpers/eventually.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';

const { stack } = useLocalStack();

let api: Client;
let contract: ContractChecker;
const problems: string[] = [];

/** fetch, with every answer checked against the document. */
const checkedFetch = async (input: Request): Promise<Response> => {
  const response = await fetch(input);
  const text = await response.clone().text();
  const type = response.headers.get('content-type') ?? '';
  const url = new URL(input.url);
  problems.push(
    ...contract.check({
      method: input.method,
      path: url.pathname,
      status: response.status,
      contentType: type,
      body: type.includes('json') && text ? JSON.parse(text) : text,
    }),
  );
  return response;
};

beforeAll(async () => {
  contract = contractChecker(
    (await (await fetch(`${stack().apiUrl}/openapi.json`)).json()) as Parameters<typeof contractChecker>[0],
  );
  api = subscriptionCenter(stack().apiUrl, stack().adminKey, { fetch: checkedFetch });
});

/** The data of a successful call, or the test fails with the API's error. */
const ok = <T>(result: { data?: T; error?: unknown; response: Response }): T => {
  expect(result.error, `${result.response.status} ${JSON.stringify(result.error)}`).toBeUndefined();
  return result.data as T;
};

describe('the typed client', () => {
  it('drives a full mailing, from a new type to delivered mail, and reads the record', async () => {
    const type = ok(await api.POST('/subscription-types', { body: { name: 'Client weekly' } }));
    const people = ['ann', 'bob', 'cid'];
    const ids: string[] = [];
    for (const [i, name] of people.entries()) {
      const created = ok(
        await api.POST('/contacts', {
          body: {
            email: `${name}@client.example`,
            firstName: name,
            consent: { status: 'granted', source: 'form' },
            // The last one never subscribed: the preview and the report say why.
            subscriptions: i < 2 ? { [type.id]: 'subscribed' } : {},
          },
        }),
      );
      ids.push(created.id);
    }
    const list = ok(
      await api.POST('/lists', {
        body: { name: 'Client readers', criteria: { subscribedTo: type.id }, contactIds: [] },
      }),
    );
    const draft = ok(
      await api.POST('/mailings', {
        body: {
          name: 'Client edition 1',
          subscriptionTypeId: type.id,
          listId: list.id,
          from: 'Weekly <weekly@client.example>',
          subject: 'Hi {{firstName}}',
          text: 'Hello {{firstName}}. {{unsubscribeUrl}}',
        },
      }),
    );
    expect(draft.status).toBe('draft');
    expect(draft.counts.eligible).toBe(2);
    expect(draft.countsComplete).toBe(true);

    const drafts = ok(
      await api.GET('/mailings', { params: { query: { status: 'draft', subscriptionTypeId: type.id } } }),
    );
    expect(drafts.items.map((m) => m.id)).toEqual([draft.id]);

    const accepted = ok(await api.POST('/mailings/{id}/send', { params: { path: { id: draft.id } } }));
    expect(accepted).toMatchObject({ id: draft.id, status: 'planned' });

    await stack().drain();
    const sent = await eventually(async () => {
      const mailing = ok(await api.GET('/mailings/{id}', { params: { path: { id: draft.id } } }));
      expect(mailing.status).toBe('sent');
      // The local SES publishes a Delivery event per message; the feedback consumer counts them.
      expect(mailing.counts.delivered).toBe(2);
      return mailing;
    });
    expect(sent.counts).toMatchObject({ eligible: 2, sent: 2, delivered: 2, failed: 0 });

    const rows = ok(
      await api.GET('/mailings/{id}/recipients', {
        params: { path: { id: draft.id }, query: { limit: 10 } },
      }),
    );
    expect(rows.items.map((r) => [r.email, r.status]).sort()).toEqual([
      ['ann@client.example', 'delivered'],
      ['bob@client.example', 'delivered'],
    ]);

    // What each person received is part of everything stored about them (GDPR Art. 15).
    const ann = ok(await api.GET('/contacts/{id}/export', { params: { path: { id: ids[0] as string } } }));
    expect(ann.mailings).toEqual([
      { mailingId: draft.id, name: 'Client edition 1', status: 'delivered', reason: 'eligible' },
    ]);
    const cid = ok(await api.GET('/contacts/{id}/export', { params: { path: { id: ids[2] as string } } }));
    expect(cid.mailings).toEqual([]);

    // Errors come typed too.
    const missing = await api.GET('/mailings/{id}', {
      params: { path: { id: '01h00000000000000000000000' } },
    });
    expect(missing.response.status).toBe(404);
    expect(missing.error?.error.code).toBe('not_found');

    expect(problems).toEqual([]);
  });
});
