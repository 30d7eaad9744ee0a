/**
 * The local stack killed in the middle of a mailing and started again: `npm start` as a child
 * process on a DATA_DIR, SIGKILLed while it sends at 14/s, then started once more on the same
 * DATA_DIR. Local SQS lives in memory, so the queued work is gone; the database remembers the
 * mailing, and the restart resumes it (infra/local/recovery.ts). Nobody is mailed twice, everyone
 * is mailed or failed with a reason, the mailing ends `sent`, and the counts are the rows. What the
 * local SES accepted, across both processes, is read from DATA_DIR/ses-sent.jsonl, written before
 * each SES answer leaves.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '#infra/local/lambda.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'sc-restart-'));
const adminKey = `sck_${'r'.repeat(43)}`;
const size = 300;
const children: ChildProcess[] = [];

/** `npm start`'s entry, as its own process; answers its API URL once it says it runs. */
const start = (): Promise<{ child: ChildProcess; apiUrl: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(projectRoot, 'infra/local/start.ts')], {
      cwd: projectRoot,
      env: {
        ...process.env,
        DATA_DIR: dataDir,
        PORT: '0',
        SES_PORT: '0',
        SMTP_PORT: '0',
        SEED_DEMO: 'false',
        LOCAL_ADMIN_API_KEY: adminKey,
        SES_RATE_PER_SECOND: '14',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the stack did not start: ${out}`)), 60_000);
    child.stdout?.on('data', (data: Buffer) => {
      out += data.toString();
      const api = /API\s+(http:\/\/\S+)/.exec(out)?.[1];
      if (api && out.includes('Press Ctrl-C')) {
        clearTimeout(timer);
        resolve({ child, apiUrl: api });
      }
    });
    child.stderr?.on('data', (data: Buffer) => {
      out += data.toString();
    });
    child.on('exit', (code) => reject(new Error(`the stack exited (${code}): ${out}`)));
  });

const api =
  (base: string) =>
  async <T = Record<string, unknown>>(method: string, path: string, body?: unknown) => {
    const res = await fetch(base + path, {
      method,
      headers: {
        authorization: `Bearer ${adminKey}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
  };

/** Every message the local SES accepted so far, across restarts. */
const sentLog = (): Array<{ to: string; messageId: string }> => {
  const file = join(dataDir, 'ses-sent.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { to: string; messageId: string });
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  await sleep(500);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the local stack killed mid-mailing', () => {
  it('starts again on its data and finishes the mailing: nobody twice, nobody lost', async () => {
    const first = await start();
    const call = api(first.apiUrl);
    const typeId = (await call<{ id: string }>('POST', '/subscription-types', { name: 'Restart news' })).body
      .id;
    const contacts = Array.from({ length: size }, (_, i) => ({
      email: `restart${i}@example.com`,
      consent: { status: 'granted', source: 'import' },
      subscriptions: { [typeId]: 'subscribed' },
    }));
    expect((await call('POST', '/contacts/batch', { contacts })).status).toBe(200);
    const listId = (
      await call<{ id: string }>('POST', '/lists', { name: 'all', criteria: { subscribedTo: typeId } })
    ).body.id;
    const mailingId = (
      await call<{ id: string }>('POST', '/mailings', {
        name: 'Killed halfway',
        subscriptionTypeId: typeId,
        listId,
        from: 'news@sc.example',
        subject: 'Once',
        text: 'Once, and only once.',
      })
    ).body.id;
    expect((await call('POST', `/mailings/${mailingId}/send`)).status).toBe(202);

    // Mid-mailing: a fifth out at 14/s, then the process is killed outright.
    for (let i = 0; i < 300 && sentLog().length < size / 5; i++) await sleep(100);
    const before = sentLog().length;
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(size);
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));

    const second = await start();
    const again = api(second.apiUrl);
    let mailing: { status: string; counts: Record<string, number> } | undefined;
    for (let i = 0; i < 180; i++) {
      mailing = (
        await again<{ status: string; counts: Record<string, number> }>('GET', `/mailings/${mailingId}`)
      ).body;
      if (mailing.status === 'sent') break;
      await sleep(1000);
    }
    expect(mailing?.status).toBe('sent');

    const log = sentLog();
    const perAddress = new Map<string, number>();
    for (const { to } of log) perAddress.set(to, (perAddress.get(to) ?? 0) + 1);
    expect([...perAddress.entries()].filter(([, n]) => n > 1)).toEqual([]);

    const rows: Array<{ email: string; status: string; detail?: string }> = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: typeof rows; nextCursor: string | null } } = await again(
        'GET',
        `/mailings/${mailingId}/recipients?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
      );
      rows.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(rows).toHaveLength(size);
    // SES events (the local simulator's) move a row on from `sent`, and prove an unknown one sent.
    const mailed = new Set(['sent', 'delivered']);
    for (const row of rows) {
      const mails = perAddress.get(row.email) ?? 0;
      if (mailed.has(row.status)) expect(mails, row.email).toBe(1);
      else {
        // A call in flight when the process died: SES may have taken it; never sent again.
        expect(row.status).toBe('failed');
        expect(row.detail).toBe('outcome_unknown');
        expect(mails).toBeLessThanOrEqual(1);
      }
    }
    const sent = rows.filter((r) => mailed.has(r.status)).length;
    const failed = rows.filter((r) => r.status === 'failed').length;
    expect(mailing?.counts).toMatchObject({ sent, failed, queued: 0 });
    expect(log.length).toBe(
      sent + rows.filter((r) => r.status === 'failed' && perAddress.has(r.email)).length,
    );
  }, 300_000);
});
