/**
 * `npm run bench`: speed, request efficiency and cost of Subscription Center, each beside its goal
 * and the floor the batch limits allow (docs/design.md, "Budgets").
 *
 *   npm run bench                        the default: mailing figures for 100,000 recipients (~5 min)
 *   npm run bench -- --size 1000000      the large run
 *   npm run bench -- --quick             10,000 recipients, 3 cold starts per bundle: a quick look
 *   npm run bench -- --skip bundles,eligibility   leave phases out (also: rates, import, mailing,
 *                                        feedback, message-size, preference-page, one-click, events,
 *                                        unsubscribe-latency)
 *   npm run bench -- --only bundles      run only the phases named (the same names); a partial run
 *                                        writes bench/results/partial.json, not latest.json
 *   npm run bench -- --init-runs 10      cold module init runs per bundle
 *   npm run bench -- --report-only       no measuring: the table again from the figures in
 *                                        bench/results/latest.json (after a change to the report)
 *
 * Writes the progress to stderr, the Markdown table to stdout, and the same figures as JSON to
 * bench/results/latest.json; the handlers' logs go to bench/results/run.log.
 *
 * Phases, in order: the eligibility micro-benchmark (bench/eligibility.ts, its own process); a
 * mailing at 14/s and one at 200/s (bench/rates.ts, each its own process and stack); the Lambda
 * bundles and their cold module init (quiet machine first); then the local stack over two
 * processes (bench/lib/local-stack.ts): the import over HTTP, seeding the rest of the list, the
 * mailings with the feedback consumer on (everything on, then deliveryEvents=false), the large
 * mailing, the worst-case message, the preference page and one-click unsubscribe, and outgoing
 * events (one-click → signed webhook at a local receiver, p50/p99, and their cost per 1 M); last,
 * in a process and local stack of its own, unsubscribe latency (bench/unsubscribe-latency.ts:
 * one-click, mailto and preference-page unsubscribes during a mailing paced at 14/s, each timed to
 * the SES call that leaves the person out).
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Progress } from './lib/progress.ts';
import type { Consumers } from './lib/local-stack.ts';
import type { RateRun, Raw, UnsubscribeLatencyFigures } from './lib/report.ts';

const projectRoot = join(import.meta.dirname, '..');
const resultsDir = join(import.meta.dirname, 'results');
const logFile = join(resultsDir, 'run.log');

const { values: args } = parseArgs({
  options: {
    size: { type: 'string' },
    quick: { type: 'boolean', default: false },
    skip: { type: 'string', default: '' },
    only: { type: 'string', default: '' },
    'init-runs': { type: 'string' },
    'csv-rows': { type: 'string' },
    'report-only': { type: 'boolean', default: false },
  },
});

/** Builds the report from the figures: the table to stdout, everything to latest.json. */
const writeReport = async (figures: Raw, file = 'latest.json') => {
  const { buildReport } = await import('./lib/report.ts');
  const report = buildReport(figures);
  writeFileSync(
    join(resultsDir, file),
    `${JSON.stringify({ meta: figures.meta, rows: report.rows, perThousand: report.perThousand, cost: report.cost, raw: figures }, null, 2)}\n`,
  );
  process.stdout.write(report.markdown);
};

if (args['report-only']) {
  const { raw: saved } = JSON.parse(readFileSync(join(resultsDir, 'latest.json'), 'utf8')) as { raw: Raw };
  await writeReport(saved);
  process.exit(0);
}
const size = Number(args.size ?? (args.quick ? 10_000 : 100_000));
if (!Number.isInteger(size) || size < 100) throw new Error('--size must be an integer ≥ 100');
const initRuns = Number(args['init-runs'] ?? (args.quick ? 3 : 10));
const phases = [
  'eligibility',
  'rates',
  'bundles',
  'import',
  'csv-import',
  'mailing',
  'feedback',
  'message-size',
  'preference-page',
  'one-click',
  'events',
  'unsubscribe-latency',
] as const;
const only = new Set(args.only.split(',').filter(Boolean));
for (const name of [...only, ...args.skip.split(',').filter(Boolean)])
  if (!(phases as readonly string[]).includes(name))
    throw new Error(`No bench phase "${name}"; phases: ${phases.join(', ')}`);
const skip = new Set([
  ...args.skip.split(',').filter(Boolean),
  ...(only.size ? phases.filter((p) => !only.has(p)) : []),
]);
/** A run that leaves phases out keeps latest.json (the full run's figures) as it is. */
const reportFile = skip.size ? 'partial.json' : 'latest.json';
const sesRate = 100_000;

// Variables every handler reads when it loads: set before anything imports shared code.
process.env.SES_RATE_PER_SECOND = String(sesRate);
process.env.LOG_LEVEL ??= 'info';

mkdirSync(resultsDir, { recursive: true });
writeFileSync(logFile, '');
const progress = new Progress();
const started = performance.now();

const git = (...a: string[]) => spawnSync('git', a, { cwd: projectRoot, encoding: 'utf8' });
const lambdaMemoryMb = (() => {
  // The default of the one function construct; no function sets its own yet.
  const source = readFileSync(join(projectRoot, 'infra/constructs/node-function.ts'), 'utf8');
  return Number(/memorySize\s*\?\?\s*(\d+)/.exec(source)?.[1] ?? 256);
})();

const raw: Raw = {
  meta: {
    startedAt: new Date().toISOString(),
    seconds: 0,
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    size,
    commit: git('rev-parse', '--short', 'HEAD').stdout.trim() || 'unknown',
    uncommittedChanges: git('status', '--porcelain', '--untracked-files=no').stdout.trim().length > 0,
    node: process.versions.node,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    loadAverageAtStart: loadavg(),
    loadAverageAtEnd: [],
    sesRatePerSecond: sesRate,
    lambdaMemoryMb,
  },
  errors: {},
};

const phase = async <T>(name: string, run: () => Promise<T>): Promise<T | undefined> => {
  if (skip.has(name)) return undefined;
  try {
    return await run();
  } catch (error) {
    const message = (error as Error)?.message ?? String(error);
    raw.errors[name] = message.split('\n')[0] ?? message;
    progress.end();
    progress.log(`✗ ${name}: ${message}`);
    createWriteStream(logFile, { flags: 'a' }).end(
      `[bench] ${name} failed: ${(error as Error)?.stack ?? message}\n`,
    );
    return undefined;
  }
};

// 1. The eligibility rule, on one core, in its own process.
raw.eligibility = await phase('eligibility', async () => {
  const contacts = args.quick ? 300_000 : 1_000_000;
  const rounds = args.quick ? 5 : 7;
  progress.start('eligibility: bench/eligibility.ts', 0);
  const run = spawnSync(
    process.execPath,
    [join(import.meta.dirname, 'eligibility.ts'), String(contacts), String(rounds)],
    {
      encoding: 'utf8',
    },
  );
  progress.end();
  const line = run.stdout.trim().split('\n').pop() ?? '';
  const parsed = JSON.parse(line) as { evaluationsPerSecond: number };
  if (!parsed.evaluationsPerSecond) throw new Error(`bench/eligibility.ts said: ${line || run.stderr}`);
  return { evaluationsPerSecond: parsed.evaluationsPerSecond, contacts, rounds };
});

// 1b. Mailings at a real account's SES rate, each on its own stack in its own process.
raw.rates = await phase('rates', async () => {
  const runs = [
    [14, 1000],
    [200, args.quick ? 3000 : 6000],
  ] as const;
  const results: RateRun[] = [];
  for (const [rate, recipients] of runs) {
    progress.start(
      `rates: ${recipients.toLocaleString('en-US')} recipients at ${rate}/s (bench/rates.ts)`,
      0,
    );
    const run = spawnSync(
      process.execPath,
      [join(import.meta.dirname, 'rates.ts'), String(rate), String(recipients)],
      {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    progress.end();
    const line = run.stdout.trim().split('\n').pop() ?? '';
    if (!line.startsWith('{')) throw new Error(`bench/rates.ts said: ${line || run.stderr.slice(-500)}`);
    results.push(JSON.parse(line) as RateRun);
  }
  return results;
});

// 2. Bundles and cold module init, while nothing else runs.
raw.bundles = await phase('bundles', async () => {
  const { runBundles } = await import('./phases/bundles.ts');
  return runBundles(projectRoot, join(resultsDir, 'bundles'), initRuns, progress);
});

// 3. The local stack.
const stackPhases = phases.filter(
  (p) => p !== 'eligibility' && p !== 'rates' && p !== 'bundles' && p !== 'unsubscribe-latency',
);
if (stackPhases.some((p) => !skip.has(p))) {
  progress.start('local stack: starting');
  const { startBenchStack } = await import('./lib/local-stack.ts');
  const stack = await startBenchStack(logFile);
  progress.end();
  const log = createWriteStream(logFile, { flags: 'a' });
  const { setLogSink } = await import('#shared/observability/logger.ts');
  // Their size too: CloudWatch Logs bills ingestion by the GB.
  let logBytes = 0;
  setLogSink((line) => {
    logBytes += Buffer.byteLength(line) + 1;
    log.write(`[handlers] ${line}\n`);
  });
  const { apiClient, expectStatus } = await import('./lib/api.ts');
  const api = apiClient(stack.apiUrl, stack.info.adminKey);
  const consumers: Consumers[] = [];
  try {
    const newType = async (name: string) =>
      expectStatus(
        await api<{ id: string }>('POST', '/subscription-types', { name }),
        201,
        'POST /subscription-types',
      ).id;
    const newList = async (name: string, typeId: string) =>
      expectStatus(
        await api<{ id: string }>('POST', '/lists', { name, criteria: { subscribedTo: typeId } }),
        201,
        'POST /lists',
      ).id;
    const news = await newType('Monthly newsletter');
    const events = await newType('Event invitations');
    const { importOverHttp, seedContacts } = await import('./phases/contacts.ts');
    const importCount = Math.min(10_000, size);
    // The first of them are also invited to events: the list of the mailing with everything on.
    const feedbackCount = Math.ceil(importCount / 4);
    const typesFor = (i: number) => (i < feedbackCount ? [news, events] : [news]);

    // 4. Import over HTTP.
    let sample: string[] = [];
    const imported = await phase('import', async () => {
      const result = await importOverHttp(stack, api, typesFor, importCount, 1000, progress);
      sample = result.ids.slice(0, 1001);
      return result.figures;
    });
    if (imported) raw.import = imported;
    else if (!skip.has('mailing') || !skip.has('feedback')) {
      // The mailings still need their contacts.
      sample = (await seedContacts(0, importCount, typesFor, progress, 1001)).sample;
    }

    // 4b. A CSV file of new contacts through the command line (a type of its own, so the mailings'
    //     lists stay as they are).
    raw.csvImport = await phase('csv-import', async () => {
      const { runCsvImport } = await import('./phases/csv-import.ts');
      await newType('CSV readers');
      const importer = await stack.startConsumers(['imports']);
      try {
        return await runCsvImport({
          stack,
          typeName: 'CSV readers',
          rows: Number(args['csv-rows'] ?? (args.quick ? 10_000 : 100_000)),
          consumers: importer,
          projectRoot,
          log: (line) => log.write(`${line}\n`),
          progress,
        });
      } finally {
        await importer.stop();
      }
    });

    // 5. The rest of the large list, through the import use case (not measured).
    if (size > importCount && !skip.has('mailing')) {
      const seeded = await seedContacts(importCount, size, typesFor, progress, 1001);
      raw.seeding = { contacts: size - importCount, seconds: seeded.seconds };
      sample = seeded.sample;
    }

    const { runMailing } = await import('./phases/mailing.ts');
    const planSend = await stack.startConsumers(['plan', 'send']);
    consumers.push(planSend);

    // 6. A mailing with everything on, the feedback consumer processing SES events as they come:
    //    the feedback path's counts.
    const eventList = await newList('Event invitees', events);
    const feedbackConsumer = await stack.startConsumers(['feedback']);
    const feedbackMailing = (setting: string) =>
      phase('feedback', () =>
        runMailing({
          stack,
          api,
          consumers: [planSend, feedbackConsumer],
          queues: ['plan', 'send', 'feedback'],
          typeId: events,
          listId: eventList,
          recipients: feedbackCount,
          label: `mailing ${feedbackCount.toLocaleString('en-US')}, ${setting}`,
          progress,
        }),
      );
    raw.feedbackMailing = await feedbackMailing('everything on');
    // 6b. The same with the deployment setting deliveryEvents=false: SES publishes no Delivery
    //     events (infra/ses-events.ts); what the feedback path then costs.
    if (!skip.has('feedback')) {
      await stack.setDeliveryEvents(false);
      raw.feedbackMailingNoDeliveries = await feedbackMailing('deliveryEvents=false');
      await stack.setDeliveryEvents(true);
    }
    await feedbackConsumer.stop();

    // 7. The large mailing. The feedback consumer waits: locally it would share the two cores with
    //    the sender (in AWS it runs on its own); its events are counted as published, then dropped.
    const bigList = await newList('Newsletter readers', news);
    const logBytesBefore = logBytes;
    raw.mailing = await phase('mailing', () =>
      runMailing({
        stack,
        api,
        consumers: [planSend],
        queues: ['plan', 'send'],
        typeId: news,
        listId: bigList,
        recipients: size,
        label: `mailing ${size.toLocaleString('en-US')}`,
        progress,
        discard: 'feedback',
      }),
    );
    raw.mailingLogBytes = logBytes - logBytesBefore;

    // 8. The worst-case SQS message.
    const { runMessageSize } = await import('./phases/message-size.ts');
    raw.messageSize = await phase('message-size', () =>
      runMessageSize(stack, api, [planSend], ['plan', 'send'], progress),
    );

    // 9. Hosted pages.
    const { runPreferencePage, runOneClick } = await import('./phases/hosted-pages.ts');
    const mailingId = raw.mailing?.mailingId ?? 'm0000000000000000000000000';
    const [pageContact = '', ...others] = sample;
    raw.preferencePage = await phase('preference-page', () =>
      runPreferencePage(projectRoot, pageContact, news, mailingId, 1000, progress),
    );
    raw.oneClick = await phase('one-click', () =>
      runOneClick(projectRoot, stack.apiUrl, api, others.slice(0, 1000), news, mailingId, progress),
    );

    // 10. Outgoing events: one-click unsubscribe → signed event at a local receiver.
    const { runEvents } = await import('./phases/events.ts');
    raw.events = await phase('events', () => runEvents(stack, api, 200, lambdaMemoryMb, progress));
  } finally {
    progress.start('local stack: stopping');
    await Promise.all(consumers.map((c) => c.stop()));
    await stack.stop();
    progress.end();
    log.end();
  }
}

// 11. Unsubscribe latency during a paced mailing, in its own process with its own local stack (the
//     bench stack is down by now: nothing else shares the cores).
raw.unsubscribeLatency = await phase('unsubscribe-latency', async () => {
  const samples = args.quick ? 30 : 100;
  progress.log(`unsubscribe latency: ${samples} per channel during a mailing paced at 14/s`);
  const run = spawnSync(
    process.execPath,
    [join(import.meta.dirname, 'unsubscribe-latency.ts'), String(samples), logFile],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 * 1024 * 1024 },
  );
  const line = run.stdout.trim().split('\n').pop() ?? '';
  if (run.status !== 0 || !line.startsWith('{'))
    throw new Error(`bench/unsubscribe-latency.ts exited ${run.status}: ${line.slice(0, 300)}`);
  return JSON.parse(line) as UnsubscribeLatencyFigures;
});

// 12. The report.
raw.meta.seconds = (performance.now() - started) / 1000;
raw.meta.loadAverageAtEnd = loadavg();
await writeReport(raw, reportFile);
process.stderr.write(
  `\nFigures as JSON: ${join('bench', 'results', reportFile)}; handler logs: bench/results/run.log\n`,
);
