/**
 * The command line end to end against the local stack: a file over 1 MB through the upload URL
 * with a progress bar on stderr and the summary on stdout, a dry run that fails on a bad row (exit
 * status 1), `status`, and exports of contacts and of a mailing's recipients, each file read back
 * with an independent CSV parser. The API key never appears in what it prints.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useLocalStack } from '#test/helpers/local-stack.ts';

const { request, stack, createKey } = useLocalStack();
const dir = mkdtempSync(join(tmpdir(), 'sc-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let key = '';
let typeId = '';
let mailing = '';
beforeAll(async () => {
  key = await createKey('marketer', 'cli');
  typeId = (await request<{ id: string }>('POST', '/subscription-types', { key, body: { name: 'CLI news' } }))
    .body.id;
  const list = (
    await request<{ id: string }>('POST', '/lists', {
      key,
      body: { name: 'CLI list', criteria: { subscribedTo: typeId } },
    })
  ).body.id;
  mailing = (
    await request<{ id: string }>('POST', '/mailings', {
      key,
      body: {
        name: 'CLI mailing',
        subscriptionTypeId: typeId,
        listId: list,
        from: 'news@cli.example',
        subject: 'Hi',
        text: 'Hello',
      },
    })
  ).body.id;
});

const cli = (args: string[], env: Record<string, string> = {}) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['shared/cli/main.ts', ...args], {
      env: {
        ...process.env,
        SUBSCRIPTION_CENTER_URL: stack().apiUrl,
        SUBSCRIPTION_CENTER_API_KEY: key,
        ...env,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
    });
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });

describe('subscription-center', () => {
  const rows = 14_000;
  const big = join(dir, 'contacts.csv');

  it('imports a file over 1 MB through the upload URL, with a progress bar and a summary', async () => {
    const padding = 'x'.repeat(40);
    writeFileSync(
      big,
      `email,first_name,fields.note\n${Array.from({ length: rows }, (_, i) => `cli${i}@cli.example,Reader ${i},${padding}`).join('\n')}\n`,
    );
    const run = await cli(['import', big, '--type', 'CLI news', '--consent', 'granted', '--source', 'form']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/uploading \d/);
    expect(run.stderr).toMatch(/rows\/s/);
    expect(run.stdout).toContain(`created ${rows.toLocaleString('en-US')}`);
    expect(run.stdout + run.stderr).not.toContain(key);
    const found = await request<{ items: Array<{ subscriptions: Record<string, { status: string }> }> }>(
      'GET',
      '/contacts?email=cli7@cli.example',
      { key },
    );
    expect(found.body.items[0]?.subscriptions[typeId]?.status).toBe('subscribed');
  }, 120_000);

  it('exits 1 when rows fail, and a dry run writes nothing', async () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(file, 'email,first_name\nnew-dry@cli.example,Dee\nnot-an-address,Bad\n');
    const run = await cli(['import', file, '--dry-run', '--json']);
    expect(run.code).toBe(1);
    const job = JSON.parse(run.stdout) as { id: string; dryRun: boolean; created: number; failed: number };
    expect(job).toMatchObject({ dryRun: true, created: 1, failed: 1 });
    expect(
      (await request<{ items: unknown[] }>('GET', '/contacts?email=new-dry@cli.example', { key })).body.items,
    ).toEqual([]);
    const status = await cli(['status', job.id]);
    expect(status.code).toBe(1);
    expect(status.stdout).toContain('failed 1');
  });

  it('exports contacts as a spreadsheet opens them: formulas escaped, consent and sources', async () => {
    await request('POST', '/contacts', {
      key,
      body: {
        email: 'formula@cli.example',
        firstName: '=HYPERLINK("http://evil.example","x")',
        subscriptions: { [typeId]: 'subscribed' },
      },
    });
    const out = join(dir, 'export.csv');
    const run = await cli(['export', 'contacts', '--type', 'CLI news', '-o', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`${(rows + 1).toLocaleString('en-US')} rows`);
    const text = readFileSync(out, 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const table = parse(text, { bom: true, columns: true }) as Array<Record<string, string>>;
    expect(table).toHaveLength(rows + 1);
    const formula = table.find((r) => r.email === 'formula@cli.example');
    expect(formula?.first_name).toBe('\'=HYPERLINK("http://evil.example","x")');
    const reader = table.find((r) => r.email === 'cli3@cli.example');
    expect(reader).toMatchObject({
      consent: 'granted',
      consent_source: 'form',
      'CLI news': 'subscribed',
      'CLI news source': 'import',
    });
    for (const cell of table.flatMap((r) => Object.values(r))) expect(/^[=+\-@]/.test(cell)).toBe(false);
  }, 60_000);

  it("exports a mailing's recipient rows with verdict, reason and status", async () => {
    const out = join(dir, 'recipients.csv');
    const run = await cli(['export', 'recipients', '--mailing', mailing, '-o', out]);
    expect(run.code, run.stderr).toBe(0);
    const table = parse(readFileSync(out, 'utf8'), { bom: true, columns: true }) as Array<
      Record<string, string>
    >;
    expect(table).toHaveLength(rows + 1);
    expect(Object.keys(table[0] ?? {})).toEqual([
      'contact_id',
      'email',
      'verdict',
      'reason',
      'status',
      'detail',
    ]);
    expect(table.find((r) => r.email === 'formula@cli.example')).toMatchObject({
      verdict: 'excluded',
      reason: 'no_consent',
      status: 'skipped',
    });
  }, 60_000);

  it('says what is missing when there is no key, without calling anything', async () => {
    const run = await cli(['status', '01h00000000000000000000000'], { SUBSCRIPTION_CENTER_API_KEY: '' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('SUBSCRIPTION_CENTER_API_KEY');
  });
});
