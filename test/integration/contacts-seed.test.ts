/** The demo data of `npm start`: every consent and subscription state, and idempotent. */
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { seedDemo } from '#infra/local/seed.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';

const { request, stack } = useLocalStack({ seedDemo: true });

interface Contact {
  id: string;
  locale: string;
  interests: string[];
  consent: { status: string; legalBasis: string | null };
  subscriptions: Record<string, { status: string }>;
}

const find = async (email: string) =>
  (await request<{ items: Contact[] }>('GET', `/contacts?email=${encodeURIComponent(email)}`)).body.items[0];

const itemCount = async () =>
  (await stack().dynamo.send(new ScanCommand({ TableName: stack().tableNames.contacts, Select: 'COUNT' })))
    .Count;

const appCount = async () =>
  (await stack().dynamo.send(new ScanCommand({ TableName: stack().tableNames.app, Select: 'COUNT' }))).Count;

describe('demo seed', () => {
  it('creates two types and contacts in every consent and subscription state', async () => {
    const types = (
      await request<{ items: Array<{ id: string; name: string }> }>('GET', '/subscription-types')
    ).body.items;
    expect(types.map((t) => t.name)).toEqual(['Monthly newsletter', 'Event invitations']);
    const [newsletter, events] = types.map((t) => t.id) as [string, string];

    const ada = await find('ada@example.com');
    expect(ada?.consent.status).toBe('granted');
    expect(ada?.subscriptions[newsletter]?.status).toBe('subscribed');
    expect(ada?.interests).toEqual(['Product X']);
    expect((await find('david@example.com'))?.consent.status).toBe('withdrawn');
    expect((await find('elsa@example.se'))?.consent.status).toBe('none');
    expect((await find('fritz@example.de'))?.consent.legalBasis).toBe('legitimate_interest');
    const greta = await find('greta@example.se');
    expect(greta?.subscriptions[newsletter]?.status).toBe('unsubscribed');
    expect(greta?.subscriptions[events]?.status).toBe('unsubscribed');
    expect((await find('ines@example.com'))?.subscriptions).toEqual({});
    for (const simulator of ['bounce@simulator.amazonses.com', 'complaint@simulator.amazonses.com']) {
      const contact = await find(simulator);
      expect(contact?.consent.status, simulator).toBe('granted');
      expect(contact?.subscriptions[newsletter]?.status, simulator).toBe('subscribed');
    }
    const locales = new Set<string>();
    for (const email of ['ada@example.com', 'bjorn@example.se', 'clara@example.de']) {
      locales.add((await find(email))?.locale ?? '');
    }
    expect(locales).toEqual(new Set(['en', 'sv', 'de']));
  });

  it('creates one list and one draft mailing whose preview shows why each contact is in or out', async () => {
    const { QueryCommand } = await import('@aws-sdk/client-dynamodb');
    const mailings = await stack().dynamo.send(
      new QueryCommand({
        TableName: stack().tableNames.app,
        IndexName: 'byKind',
        KeyConditionExpression: 'kind = :k',
        ExpressionAttributeValues: { ':k': { S: 'MAILING' } },
      }),
    );
    expect(mailings.Items).toHaveLength(1);
    const id = mailings.Items?.[0]?.id?.S as string;
    const mailing = await request<{
      status: string;
      counts: Record<string, number>;
      reasons: Record<string, number>;
    }>('GET', `/mailings/${id}`);
    expect(mailing.body.status).toBe('draft');
    expect(mailing.body.counts.eligible).toBeGreaterThan(0);
    expect(Object.keys(mailing.body.reasons).sort()).toEqual(['eligible', 'no_consent', 'not_subscribed']);
    expect(stack().seeded?.preferenceUrl).toMatch(/^http:\/\/localhost:\d+\/p\/[\w-]+\.[\w-]+$/);
  });

  it('adds nothing when it runs again', async () => {
    const before = await itemCount();
    const appBefore = await appCount();
    await seedDemo(stack());
    expect(await itemCount()).toBe(before);
    expect(await appCount()).toBe(appBefore);
    const types = (await request<{ items: unknown[] }>('GET', '/subscription-types')).body.items;
    expect(types).toHaveLength(2);
  });
});
