#!/usr/bin/env node
/**
 * `subscription-center`: CSV imports and exports from a terminal, through the HTTP API with the
 * generated typed client (shared/client/). A progress bar (rows/s, ETA) goes to stderr, the summary
 * to stdout; the exit status is 0 when everything went in (or out), 1 when the job or any row
 * failed, 2 for a wrong command line or an API that refuses.
 *
 *   subscription-center import contacts.csv --type "Monthly newsletter" --dry-run
 *   subscription-center export contacts --type "Monthly newsletter" -o readers.csv
 *   subscription-center export recipients --mailing <id>
 *   subscription-center status <job id>
 *
 * The API's base URL and key come from `--url`/`--key` or SUBSCRIPTION_CENTER_URL and
 * SUBSCRIPTION_CENTER_API_KEY; the key is never printed.
 */
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { type Client, type Schemas, subscriptionCenter } from '../client/index.ts';

type ImportJob = Schemas['ImportJob'];
type ExportJob = Schemas['ExportJob'];

const usage = `Usage:
  subscription-center import <file.csv> [--type <name or id>]... [--mode add|update] [--dry-run]
        [--consent granted --source form [--legal-basis consent] [--consent-text TEXT | --consent-version V]]
        [--map "<header>=<target>"]... [--no-wait]
  subscription-center export contacts [--type <name or id>] [--consent granted|withdrawn|none] [-o file.csv]
  subscription-center export recipients --mailing <id> [-o file.csv]
  subscription-center status <job id>
Options: --url <base URL> (or SUBSCRIPTION_CENTER_URL), --key <API key> (or SUBSCRIPTION_CENTER_API_KEY), --json`;

/** Files up to this size go in the request body; larger ones through the upload URL. */
const inlineLimit = 1024 * 1024 - 64 * 1024;

class UsageError extends Error {}
class ApiError extends Error {}

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);
const n = (value: number | null | undefined) => (value ?? 0).toLocaleString('en-US');

/** A progress line on stderr: a bar that redraws in place on a terminal, a line every 2 s elsewhere. */
class ProgressBar {
  private readonly tty = Boolean(process.stderr.isTTY);
  private readonly started = Date.now();
  private last = 0;
  private drawn = false;

  update(label: string, done: number, total: number | null, unit: string): void {
    const now = Date.now();
    if (now - this.last < (this.tty ? 100 : 2000)) return;
    this.last = now;
    const seconds = Math.max((now - this.started) / 1000, 0.001);
    const rate = done / seconds;
    const width = 30;
    const share = total ? Math.min(done / total, 1) : 0;
    const bar = total
      ? `[${'#'.repeat(Math.round(share * width)).padEnd(width, '.')}] ${(share * 100).toFixed(0).padStart(3)}% `
      : '';
    const eta = total && rate > 0 && done < total ? ` · ETA ${Math.ceil((total - done) / rate)} s` : '';
    const line = `${label} ${bar}${n(done)}${total ? `/${n(total)}` : ''} ${unit} · ${n(Math.round(rate))} ${unit}/s${eta}`;
    if (this.tty) process.stderr.write(`\r\x1b[K${line}`);
    else process.stderr.write(`${line}\n`);
    this.drawn = true;
  }

  end(): void {
    if (this.tty && this.drawn) process.stderr.write('\n');
    this.drawn = false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const check = <T>(result: { data?: T; error?: unknown; response: Response }, what: string): T => {
  if (result.data !== undefined && result.response.ok) return result.data;
  const body = result.error as {
    error?: { code?: string; message?: string; details?: Array<{ path?: string; message?: string }> };
  };
  const details = (body?.error?.details ?? []).map((d) => `\n  ${d.path ?? ''}: ${d.message ?? ''}`).join('');
  throw new ApiError(
    `${what}: HTTP ${result.response.status} ${body?.error?.code ?? ''} ${body?.error?.message ?? ''}${details}`,
  );
};

/** Subscription types by name (case-insensitive) or id. */
const typeIds = async (api: Client, refs: readonly string[]): Promise<string[]> => {
  if (!refs.length) return [];
  const types: Array<{ id: string; name: string }> = [];
  let cursor: string | undefined;
  do {
    const page = check(
      await api.GET('/subscription-types', {
        params: { query: { limit: 100, ...(cursor ? { cursor } : {}) } },
      }),
      'GET /subscription-types',
    );
    types.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return refs.map((ref) => {
    const found = types.find((t) => t.id === ref || t.name.trim().toLowerCase() === ref.trim().toLowerCase());
    if (!found) throw new UsageError(`No subscription type "${ref}"`);
    return found.id;
  });
};

const importSummary = (job: ImportJob, json: boolean) => {
  if (json) return out(JSON.stringify(job, null, 2));
  out(`import ${job.id}: ${job.status}${job.dryRun ? ' (dry run: nothing written)' : ''}`);
  if (job.error)
    out(
      `  the file cannot be imported: ${job.error.message}${job.error.line ? ` (row ${job.error.line})` : ''}`,
    );
  out(
    `  rows ${n(job.total)} · created ${n(job.created)} · updated ${n(job.updated)} · unchanged ${n(job.unchanged)} · skipped ${n(job.skipped)} · failed ${n(job.failed)}`,
  );
  if (job.confirmationsQueued) out(`  double opt-in confirmations queued: ${n(job.confirmationsQueued)}`);
  if (job.ignoredColumns.length) out(`  ignored columns: ${job.ignoredColumns.join(', ')}`);
  for (const e of job.errors.slice(0, 10))
    out(`  row ${e.line}${e.column ? ` [${e.column}]` : ''}: failed, ${e.code}: ${e.message}`);
  for (const s of job.skips.slice(0, 10))
    out(`  row ${s.line}${s.column ? ` [${s.column}]` : ''}: skipped, ${s.code}: ${s.message}`);
  if (job.failed + job.skipped > 20 || job.errors.length + job.skips.length > 20) out('  …');
  if (job.resultsUrl) out(`  every failed and skipped row: ${job.resultsUrl}`);
};

const importFailed = (job: ImportJob) => job.status === 'failed' || job.failed > 0;

const waitForImport = async (api: Client, id: string, json: boolean): Promise<number> => {
  const bar = new ProgressBar();
  for (;;) {
    const job = check(await api.GET('/imports/{id}', { params: { path: { id } } }), 'GET /imports/{id}');
    if (job.status === 'done' || job.status === 'failed') {
      bar.update(job.dryRun ? 'dry run' : 'importing', job.processed, job.total, 'rows');
      bar.end();
      importSummary(job, json);
      return importFailed(job) ? 1 : 0;
    }
    bar.update(
      job.status === 'running' ? (job.dryRun ? 'dry run' : 'importing') : job.status,
      job.processed,
      job.total,
      'rows',
    );
    await sleep(500);
  }
};

const runImport = async (api: Client, file: string, flags: Flags): Promise<number> => {
  const size = statSync(file).size;
  const types = await typeIds(api, flags.type ?? []);
  const columns = Object.fromEntries(
    (flags.map ?? []).map((pair) => {
      const at = pair.lastIndexOf('=');
      if (at < 1) throw new UsageError(`--map takes "<header>=<target>", not "${pair}"`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
  if (flags.consent && flags.consent !== 'granted')
    throw new UsageError('--consent takes granted (the file states withdrawals)');
  const evidence = {
    ...(flags['consent-text'] ? { text: flags['consent-text'] } : {}),
    ...(flags['consent-version'] ? { textVersion: flags['consent-version'] } : {}),
  };
  const body = {
    format: 'csv' as const,
    ...(flags.mode ? { mode: flags.mode as 'add' | 'update' } : {}),
    ...(flags['dry-run'] ? { dryRun: true } : {}),
    ...(Object.keys(columns).length ? { columns } : {}),
    defaults: {
      ...(types.length
        ? { subscriptions: Object.fromEntries(types.map((t) => [t, 'subscribed' as const])) }
        : {}),
      ...(flags.consent
        ? {
            consent: {
              status: 'granted' as const,
              ...(flags['legal-basis']
                ? { legalBasis: flags['legal-basis'] as 'consent' | 'legitimate_interest' }
                : {}),
              ...(Object.keys(evidence).length ? { evidence } : {}),
            },
          }
        : {}),
      ...(flags.source ? { source: flags.source as 'form' } : {}),
    },
  };
  let job: ImportJob;
  if (size <= inlineLimit) {
    job = check(
      await api.POST('/imports', { body: { ...body, csv: await readFile(file, 'utf8') } }),
      'POST /imports',
    );
  } else {
    job = check(await api.POST('/imports', { body }), 'POST /imports');
    const upload = job.upload;
    if (!upload) throw new ApiError('POST /imports answered no upload URL');
    err(`uploading ${(size / 1048576).toFixed(1)} MB`);
    const put = await fetch(upload.url, {
      method: 'PUT',
      headers: { 'content-length': String(size), 'content-type': 'text/csv' },
      body: Readable.toWeb(createReadStream(file)) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    if (!put.ok) throw new ApiError(`upload: HTTP ${put.status}`);
  }
  if (flags['no-wait']) {
    out(job.id);
    return 0;
  }
  return waitForImport(api, job.id, flags.json ?? false);
};

const runExport = async (api: Client, kind: string, flags: Flags): Promise<number> => {
  if (kind !== 'contacts' && kind !== 'recipients')
    throw new UsageError('export contacts | export recipients --mailing <id>');
  const [type] = await typeIds(api, flags.type ?? []);
  const filter = {
    ...(type ? { subscribedTo: type } : {}),
    ...(flags.consent ? { consent: flags.consent as 'granted' } : {}),
  };
  const created = check(
    await api.POST('/exports', {
      body: {
        kind,
        ...(flags.mailing ? { mailingId: flags.mailing } : {}),
        ...(Object.keys(filter).length ? { filter } : {}),
      },
    }),
    'POST /exports',
  );
  const bar = new ProgressBar();
  let job: ExportJob = created;
  while (job.status !== 'done' && job.status !== 'failed') {
    await sleep(500);
    job = check(
      await api.GET('/exports/{id}', { params: { path: { id: created.id } } }),
      'GET /exports/{id}',
    );
    bar.update('exporting', job.rows, null, 'rows');
  }
  bar.end();
  if (job.status === 'failed' || !job.url) {
    out(
      flags.json
        ? JSON.stringify(job, null, 2)
        : `export ${job.id}: failed${job.error ? `: ${job.error.message}` : ''}`,
    );
    return 1;
  }
  const file = flags.output ?? `${kind}-${job.createdAt.slice(0, 10)}.csv`;
  const download = await fetch(job.url);
  if (!download.ok || !download.body) throw new ApiError(`download: HTTP ${download.status}`);
  await pipeline(Readable.fromWeb(download.body as never), createWriteStream(file));
  if (flags.json) out(JSON.stringify({ ...job, file }, null, 2));
  else out(`export ${job.id}: done · ${n(job.rows)} rows · ${file}`);
  return 0;
};

const runStatus = async (api: Client, id: string, flags: Flags): Promise<number> => {
  const imported = await api.GET('/imports/{id}', { params: { path: { id } } });
  if (imported.response.status !== 404) {
    const job = check(imported, 'GET /imports/{id}');
    importSummary(job, flags.json ?? false);
    return importFailed(job) ? 1 : 0;
  }
  const job = check(await api.GET('/exports/{id}', { params: { path: { id } } }), 'GET /exports/{id}');
  if (flags.json) out(JSON.stringify(job, null, 2));
  else out(`export ${job.id}: ${job.status} · ${n(job.rows)} rows${job.url ? ` · ${job.url}` : ''}`);
  return job.status === 'failed' ? 1 : 0;
};

const options = {
  url: { type: 'string' },
  key: { type: 'string' },
  type: { type: 'string', multiple: true },
  mode: { type: 'string' },
  'dry-run': { type: 'boolean' },
  consent: { type: 'string' },
  source: { type: 'string' },
  'legal-basis': { type: 'string' },
  'consent-text': { type: 'string' },
  'consent-version': { type: 'string' },
  map: { type: 'string', multiple: true },
  'no-wait': { type: 'boolean' },
  mailing: { type: 'string' },
  output: { type: 'string', short: 'o' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;
type Flags = ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>['values'];

/** Runs the command line `argv` (without node and the script); answers the exit status. */
export const main = async (
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> => {
  try {
    const { values: flags, positionals } = parseArgs({ args: [...argv], options, allowPositionals: true });
    const [command, arg] = positionals;
    if (flags.help || !command) {
      out(usage);
      return flags.help ? 0 : 2;
    }
    const url = flags.url ?? env.SUBSCRIPTION_CENTER_URL;
    const key = flags.key ?? env.SUBSCRIPTION_CENTER_API_KEY;
    if (!url) throw new UsageError('The API base URL: --url or SUBSCRIPTION_CENTER_URL');
    if (!key) throw new UsageError('An API key: --key or SUBSCRIPTION_CENTER_API_KEY');
    const api = subscriptionCenter(url.replace(/\/$/, ''), key);
    if (command === 'import' && arg) return await runImport(api, arg, flags);
    if (command === 'export' && arg) return await runExport(api, arg, flags);
    if (command === 'status' && arg) return await runStatus(api, arg, flags);
    throw new UsageError(`Unknown command "${positionals.join(' ')}"`);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      err(`${(error as Error).message}\n\n${usage}`);
      return 2;
    }
    if (error instanceof ApiError) {
      err((error as Error).message);
      return 2;
    }
    if ((error as { code?: string }).code === 'ENOENT') {
      err((error as Error).message);
      return 2;
    }
    err(`failed: ${(error as Error).message}`);
    return 2;
  }
};

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
