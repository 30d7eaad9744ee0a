/**
 * Browsing and tidying on the local stack: GET /mailings (newest first, filtered, cursor pages),
 * GET /lists, DELETE /lists/{id} (refused while a mailing still uses the list), DELETE
 * /mailings/{id} (drafts only) and the audit log (admin; filterable; no personal data).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useLocalStack } from '#test/helpers/local-stack.ts';

const { request, createKey, stack } = useLocalStack({ autoConsume: false });

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
interface Summary {
  id: string;
  name: string;
  status: string;
  subscriptionTypeId: string;
  text?: string;
}

let marketer: string;
let news: string;
let events: string;

const created = async (path: string, body: unknown, key = marketer) => {
  const res = await request<{ id: string }>('POST', path, { key, body });
  expect(res.status, res.text).toBe(201);
  return res.body.id;
};
const newList = (name: string, typeId = news) =>
  created('/lists', { name, criteria: { subscribedTo: typeId } });
const newMailing = (name: string, listId: string, typeId = news) =>
  created('/mailings', {
    name,
    subscriptionTypeId: typeId,
    listId,
    from: 'News <news@browse.example>',
    subject: 'Hello',
    text: 'Hello {{firstName}}',
  });

/** Every item of a list route, following the cursor with pages of `limit`. */
const all = async <T>(path: string, limit: number, key = marketer): Promise<T[]> => {
  const items: T[] = [];
  let cursor: string | null = null;
  const join = path.includes('?') ? '&' : '?';
  do {
    const res: { status: number; body: Page<T>; text: string } = await request<Page<T>>(
      'GET',
      `${path}${join}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
      { key },
    );
    expect(res.status, res.text).toBe(200);
    expect(res.body.items.length).toBeLessThanOrEqual(limit);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return items;
};

beforeAll(async () => {
  marketer = await createKey('marketer', 'browse marketer');
  news = await created('/subscription-types', { name: 'Browse news' });
  events = await created('/subscription-types', { name: 'Browse events' });
});

describe('GET /mailings', () => {
  it('lists mailings newest first, by status and by type, in cursor pages, without bodies', async () => {
    const list = await newList('browse mailings');
    const first = await newMailing('first', list);
    const second = await newMailing('second', list, events);
    const third = await newMailing('third', list);
    expect((await request('POST', `/mailings/${third}/send`, { key: marketer })).status).toBe(202);

    const everything = await all<Summary>('/mailings', 2);
    const ours = everything.filter((m) => [first, second, third].includes(m.id)).map((m) => m.id);
    expect(ours).toEqual([third, second, first]);
    expect(everything.every((m) => m.text === undefined)).toBe(true);
    expect(new Set(everything.map((m) => m.id)).size).toBe(everything.length);

    const byType = await all<Summary>(`/mailings?subscriptionTypeId=${events}`, 1);
    expect(byType.map((m) => m.id)).toEqual([second]);
    const drafts = await all<Summary>(`/mailings?status=draft&subscriptionTypeId=${news}`, 1);
    expect(drafts.map((m) => m.id)).toEqual([first]);
    const planned = await all<Summary>('/mailings?status=planned', 5);
    expect(planned.map((m) => m.id)).toContain(third);
    expect(planned.every((m) => m.status === 'planned')).toBe(true);
  });

  it('refuses an unknown status and a cursor of another filter (422)', async () => {
    expect((await request('GET', '/mailings?status=shipped', { key: marketer })).status).toBe(422);
    expect((await request('GET', '/mailings?cursor=bm90LWEtY3Vyc29y', { key: marketer })).status).toBe(422);
  });
});

describe('GET /lists', () => {
  it('lists every list newest first, in cursor pages', async () => {
    const a = await newList('browse a');
    const b = await newList('browse b');
    const lists = await all<{ id: string; name: string }>('/lists', 1);
    const ours = lists.filter((l) => l.id === a || l.id === b).map((l) => l.id);
    expect(ours).toEqual([b, a]);
  });
});

describe('DELETE /lists/{id}', () => {
  it('is refused while a draft uses the list, naming it, and works once nothing does', async () => {
    const list = await newList('to delete');
    const draft = await newMailing('uses the list', list);
    const refused = await request<{ error: { code: string; details: Array<{ id: string }> } }>(
      'DELETE',
      `/lists/${list}`,
      { key: marketer },
    );
    expect(refused.status).toBe(409);
    expect(refused.body.error.details.map((d) => d.id)).toEqual([draft]);

    expect((await request('DELETE', `/mailings/${draft}`, { key: marketer })).status).toBe(200);
    const deleted = await request<{ id: string; deleted: boolean }>('DELETE', `/lists/${list}`, {
      key: marketer,
    });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ id: list, deleted: true });
    expect((await request('GET', `/lists/${list}`, { key: marketer })).status).toBe(404);
    expect((await request('DELETE', `/lists/${list}`, { key: marketer })).status).toBe(404);
  });

  it('is refused while a mailing being sent uses the list; a cancelled one does not hold it', async () => {
    const list = await newList('sending');
    const mailing = await newMailing('being sent', list);
    expect((await request('POST', `/mailings/${mailing}/send`, { key: marketer })).status).toBe(202);
    expect((await request('DELETE', `/lists/${list}`, { key: marketer })).status).toBe(409);
    expect((await request('POST', `/mailings/${mailing}/cancel`, { key: marketer })).status).toBe(200);
    expect((await request('DELETE', `/lists/${list}`, { key: marketer })).status).toBe(200);
  });

  it('never leaves a mailing on a deleted list when both happen at once', async () => {
    for (let round = 0; round < 5; round++) {
      const list = await newList(`race ${round}`);
      const [mailing, deletion] = await Promise.all([
        request<{ id: string }>('POST', '/mailings', {
          key: marketer,
          body: {
            name: `race ${round}`,
            subscriptionTypeId: news,
            listId: list,
            from: 'news@browse.example',
            subject: 'Race',
            text: 'Race',
          },
        }),
        request('DELETE', `/lists/${list}`, { key: marketer }),
      ]);
      // Exactly one of them wins.
      expect([mailing.status, deletion.status].sort(), `round ${round}`).toEqual(
        mailing.status === 201 ? [201, 409] : [200, 422],
      );
      if (mailing.status === 201) {
        expect((await request('GET', `/lists/${list}`, { key: marketer })).status).toBe(200);
      } else {
        expect(
          (await all<Summary>('/mailings?status=draft', 100)).some((m) => m.name === `race ${round}`),
        ).toBe(false);
      }
    }
  });

  it('takes a mailing moved to a deleted list back: 422, the draft keeps its list', async () => {
    const kept = await newList('kept');
    const gone = await newList('gone');
    const draft = await newMailing('mover', kept);
    expect((await request('DELETE', `/lists/${gone}`, { key: marketer })).status).toBe(200);
    const moved = await request('PATCH', `/mailings/${draft}`, { key: marketer, body: { listId: gone } });
    expect(moved.status).toBe(422);
    const after = await request<{ listId: string }>('GET', `/mailings/${draft}`, { key: marketer });
    expect(after.body.listId).toBe(kept);
  });
});

describe('DELETE /mailings/{id}', () => {
  it('deletes a draft; a mailing that was sent stays (409)', async () => {
    const list = await newList('drafts');
    const draft = await newMailing('a draft', list);
    const sent = await newMailing('sent', list);
    expect((await request('POST', `/mailings/${sent}/send`, { key: marketer })).status).toBe(202);

    const deleted = await request('DELETE', `/mailings/${draft}`, { key: marketer });
    expect(deleted.status).toBe(200);
    expect((await request('GET', `/mailings/${draft}`, { key: marketer })).status).toBe(404);
    expect((await request('POST', `/mailings/${draft}/send`, { key: marketer })).status).toBe(404);

    const refused = await request<{ error: { code: string } }>('DELETE', `/mailings/${sent}`, {
      key: marketer,
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('conflict');
    expect((await request('GET', `/mailings/${sent}`, { key: marketer })).status).toBe(200);
    expect((await request('DELETE', '/mailings/01h00000000000000000000000', { key: marketer })).status).toBe(
      404,
    );
  });
});

describe('GET /audit', () => {
  interface Entry {
    id: string;
    at: string;
    action: string;
    actor: { keyId: string; role: string };
    details: Record<string, unknown>;
  }

  it('shows who did what and when, newest first, by action and time window, without personal data', async () => {
    const before = new Date().toISOString();
    const address = 'audited.person@browse.example';
    await created('/suppressions', { email: address, reason: 'manual' }, stack().adminKey);
    const person = await created('/contacts', { email: `other.${address}` });
    expect((await request('DELETE', `/contacts/${person}`)).status).toBe(200);
    const list = await newList('audited');
    expect((await request('DELETE', `/lists/${list}`, { key: marketer })).status).toBe(200);
    const after = new Date(Date.now() + 1).toISOString();

    const entries = await all<Entry>(`/audit?from=${before}&to=${after}`, 2, stack().adminKey);
    expect(entries.map((e) => e.action)).toEqual(['list.deleted', 'contact.erased', 'suppression.created']);
    expect(entries.map((e) => e.at)).toEqual([...entries.map((e) => e.at)].sort().reverse());
    expect(entries[0]?.details).toEqual({ listId: list });
    expect(entries[0]?.actor.role).toBe('marketer');
    expect(JSON.stringify(entries)).not.toContain('browse.example');

    const erasures = await all<Entry>('/audit?action=contact.erased', 1, stack().adminKey);
    expect(erasures.length).toBeGreaterThan(0);
    expect(erasures.every((e) => e.action === 'contact.erased')).toBe(true);
    expect(erasures.map((e) => e.details.contactId)).toContain(person);
  });

  it('refuses an empty window and an unknown action (422), and a marketer (403)', async () => {
    const now = new Date().toISOString();
    expect((await request('GET', `/audit?from=${now}&to=${now}`)).status).toBe(422);
    expect((await request('GET', '/audit?action=everything')).status).toBe(422);
    expect((await request('GET', '/audit', { key: marketer })).status).toBe(403);
  });
});
