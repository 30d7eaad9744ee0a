/**
 * The CSV import, as a marketer runs it: a file of new contacts (name, locale, two custom fields,
 * consent granted with its source and date, one subscription type given on the command line)
 * through the command line (`subscription-center import file.csv --type … --consent granted
 * --source form`) against the local stack: the presigned upload, the S3 event, the worker's steps.
 *
 * Figures: rows per second from the command's start to its summary; DynamoDB write units per new
 * contact (table and index writes, as AWS bills them), beside the floor the item layout allows;
 * every request counted by the SDK middleware (bench/lib/sdk-counter.ts), never computed.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchStack, Consumers } from '../lib/local-stack.ts';
import type { Progress } from '../lib/progress.ts';
import { prices } from '../lib/prices.ts';
import { diffCounts, total } from '../lib/sdk-counter.ts';

/** S3 standard, us-east-1: per PUT/POST/LIST and per GET request. */
const s3Put = 0.005 / 1000;
const s3Get = 0.0004 / 1000;

export interface CsvImportFigures {
  rows: number;
  fileBytes: number;
  seconds: number;
  rowsPerSecond: number;
  created: number;
  failed: number;
  writeUnitsPerContact: number;
  /** Of those, the contacts table's (claims, contacts, memberships and their index entries). */
  contactWriteUnitsPerContact: number;
  /** claim 1 + contact item 1 + membership 1 + its index entry 1 */
  floorWriteUnitsPerContact: number;
  readUnitsPerContact: number;
  dynamoRequestsPerContact: number;
  byOperation: Record<string, number>;
  lambdaGbSeconds: number;
  steps: number;
  costPerMillion: { dynamo: number; lambda: number; sqs: number; s3: number; total: number };
  exitCode: number;
  summary: string;
}

const firstNames = ['Ada', 'Björn', 'Clara', 'David', 'Elsa', 'Fritz', 'Greta', 'Hans', 'Ines', 'Jonas'];
const lastNames = ['Lovelace', 'Lindqvist', 'Schumann', 'Okafor', 'Berg', 'Haber', 'Nilsson', 'Moreau'];
const locales = ['en', 'en', 'sv', 'de', 'fr'];

/** Writes the file: a header and `rows` realistic rows, as a spreadsheet exports them. */
const writeFile = async (file: string, rows: number): Promise<void> => {
  const out = createWriteStream(file);
  const write = (text: string) =>
    new Promise<void>((resolve) => (out.write(text) ? resolve() : out.once('drain', () => resolve())));
  await write('email,first_name,last_name,locale,fields.company,fields.city,consent,consent_at\r\n');
  let batch = '';
  for (let i = 0; i < rows; i++) {
    batch += `csv.reader.${i}@example${i % 97}.com,${firstNames[i % 10]},${lastNames[i % 8]},${locales[i % 5]},Company ${i % 1000},Stockholm,granted,2024-0${1 + (i % 9)}-1${i % 10}\r\n`;
    if (batch.length > 65536) {
      await write(batch);
      batch = '';
    }
  }
  await write(batch);
  await new Promise<void>((resolve) => out.end(resolve));
};

export const runCsvImport = async (options: {
  stack: BenchStack;
  typeName: string;
  rows: number;
  consumers: Consumers;
  projectRoot: string;
  log: (line: string) => void;
  progress: Progress;
}): Promise<CsvImportFigures> => {
  const { stack, rows, progress } = options;
  const dir = mkdtempSync(join(tmpdir(), 'sc-bench-csv-'));
  const file = join(dir, 'contacts.csv');
  try {
    progress.start('csv import: writing the file', 0);
    await writeFile(file, rows);
    const fileBytes = statSync(file).size;
    progress.end();

    const before = await stack.counts();
    const statsBefore = options.consumers.stats().imports;
    progress.start(`csv import: ${rows.toLocaleString('en-US')} rows through the command line`, rows, 'rows');
    const started = performance.now();
    const child = spawn(
      process.execPath,
      [
        join(options.projectRoot, 'shared/cli/main.ts'),
        'import',
        file,
        '--type',
        options.typeName,
        '--consent',
        'granted',
        '--source',
        'form',
        '--json',
      ],
      {
        env: {
          ...process.env,
          SUBSCRIPTION_CENTER_URL: stack.apiUrl,
          SUBSCRIPTION_CENTER_API_KEY: stack.info.adminKey,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      for (const line of d.toString().split(/[\r\n]+/)) {
        if (!line.trim()) continue;
        options.log(`[cli] ${line.replaceAll('\u001b[K', '')}`);
        const done = /(\d[\d,]*)\/[\d,]+ rows/.exec(line)?.[1];
        if (done) progress.update(Number(done.replaceAll(',', '')));
      }
    });
    const exitCode = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));
    const seconds = (performance.now() - started) / 1000;
    progress.end();
    const job = JSON.parse(stdout || '{}') as { created?: number; failed?: number; status?: string };
    if (exitCode !== 0 || job.status !== 'done')
      throw new Error(`the import command exited ${exitCode}: ${stdout.slice(0, 500)}`);

    const d = diffCounts(await stack.counts(), before);
    const worker = total(d, (k) => k.service === 'dynamodb' && k.origin === 'imports');
    const contactWrites = total(
      d,
      (k) => k.service === 'dynamodb' && k.origin === 'imports' && k.target === 'contacts',
    );
    const api = total(d, (k) => k.service === 'dynamodb' && k.origin === 'api');
    const sqs = total(d, (k) => k.service === 'sqs');
    const byOperation: Record<string, number> = {};
    for (const [key, s] of Object.entries(d)) {
      const [origin, service, operation, target] = key.split('|');
      if (origin === 'imports' && service === 'dynamodb') {
        const name = `${operation} ${target}`;
        byOperation[name] = (byOperation[name] ?? 0) + s.calls;
      }
    }
    const created = job.created ?? 0;
    const statsAfter = options.consumers.stats().imports;
    const billedMs = (statsAfter?.billedMs ?? 0) - (statsBefore?.billedMs ?? 0);
    const steps = (statsAfter?.invocations ?? 0) - (statsBefore?.invocations ?? 0);
    const gbSeconds = (billedMs / 1000) * (1024 / 1024);
    const per = 1e6 / Math.max(created, 1);
    const wcu = worker.wcu + worker.indexWcu + api.wcu + api.indexWcu;
    const rcu = worker.rcu + api.rcu;
    const dynamoCost = (wcu * prices.dynamoWrite + rcu * prices.dynamoRead) * per;
    const lambdaCost = (gbSeconds * prices.lambdaGbSecond + steps * prices.lambdaRequest) * per;
    // Each step: its message received and deleted, the next one sent; each upload: its event.
    const sqsCost = (sqs.billedRequests + steps * 3) * prices.sqsRequest * per;
    // The upload, the parse summary, results parts; reads: parse pass and each step's ranged GET.
    const s3Cost = ((2 + steps) * s3Put + (2 + 2 * steps) * s3Get) * per;
    return {
      rows,
      fileBytes,
      seconds,
      rowsPerSecond: rows / seconds,
      created,
      failed: job.failed ?? 0,
      writeUnitsPerContact: wcu / Math.max(created, 1),
      contactWriteUnitsPerContact: (contactWrites.wcu + contactWrites.indexWcu) / Math.max(created, 1),
      floorWriteUnitsPerContact: 4,
      readUnitsPerContact: rcu / Math.max(created, 1),
      dynamoRequestsPerContact: (worker.calls + api.calls) / Math.max(created, 1),
      byOperation,
      lambdaGbSeconds: gbSeconds,
      steps,
      costPerMillion: {
        dynamo: dynamoCost,
        lambda: lambdaCost,
        sqs: sqsCost,
        s3: s3Cost,
        total: dynamoCost + lambdaCost + sqsCost + s3Cost,
      },
      exitCode,
      summary: stdout.slice(0, 2000),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
