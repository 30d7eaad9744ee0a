/**
 * Contacts: the import figure (POST /contacts/batch over HTTP through the local gateway) and the
 * seeding of the large list (the batch import use case called directly; not measured).
 *
 * Every contact is a realistic one: name, locale, two custom fields, e-marketing consent granted,
 * subscribed to the given types, so everyone is eligible for a mailing of those types.
 */
import type { Api } from '../lib/api.ts';
import type { BenchStack } from '../lib/local-stack.ts';
import type { Progress } from '../lib/progress.ts';
import { type Counts, diffCounts, total } from '../lib/sdk-counter.ts';

const locales = ['en', 'en', 'sv', 'de', 'fr'];
const firstNames = ['Ada', 'Björn', 'Clara', 'David', 'Elsa', 'Fritz', 'Greta', 'Hans', 'Ines', 'Jonas'];
const lastNames = ['Lovelace', 'Lindqvist', 'Schumann', 'Okafor', 'Berg', 'Haber', 'Nilsson', 'Moreau'];

export const benchContact = (i: number, types: readonly string[]) => ({
  email: `reader.${i}@example${i % 97}.com`,
  firstName: firstNames[i % firstNames.length],
  lastName: lastNames[i % lastNames.length],
  locale: locales[i % locales.length],
  fields: { company: `Company ${i % 1000}`, city: 'Stockholm' },
  consent: { status: 'granted', legalBasis: 'consent' },
  subscriptions: Object.fromEntries(types.map((t) => [t, 'subscribed'])),
});

export interface ImportFigures {
  contacts: number;
  batchSize: number;
  seconds: number;
  perSecond: number;
  requestP50Ms: number;
  dynamoRequests: number;
  requestsPerContact: number;
  itemsWritten: number;
  floorRequestsPerContact: number;
  readUnitsPerContact: number;
  writeUnitsPerContact: number;
  byOperation: Record<string, number>;
  failed: number;
}

interface BatchResults {
  results: Array<{ status: string; id?: string }>;
}

/** 10,000 contacts in batches of 1000, one request after the other, as an importing app would. */
export const importOverHttp = async (
  stack: BenchStack,
  api: Api,
  typesFor: (i: number) => readonly string[],
  count: number,
  batchSize: number,
  progress: Progress,
): Promise<{ figures: ImportFigures; ids: string[] }> => {
  progress.start('import: POST /contacts/batch', count, 'contacts');
  const before: Counts = await stack.counts();
  const ids: string[] = [];
  const latencies: number[] = [];
  let failed = 0;
  const started = performance.now();
  for (let offset = 0; offset < count; offset += batchSize) {
    const contacts = Array.from({ length: Math.min(batchSize, count - offset) }, (_, k) =>
      benchContact(offset + k, typesFor(offset + k)),
    );
    const res = await api<BatchResults>('POST', '/contacts/batch', { contacts });
    if (res.status !== 200) throw new Error(`POST /contacts/batch: HTTP ${res.status}`);
    latencies.push(res.ms);
    for (const r of res.body.results) {
      if (r.id && (r.status === 'created' || r.status === 'updated')) ids.push(r.id);
      else failed++;
    }
    progress.update(offset + contacts.length);
  }
  const seconds = (performance.now() - started) / 1000;
  progress.end();
  const d = diffCounts(await stack.counts(), before);
  const dynamo = total(d, (k) => k.service === 'dynamodb' && k.origin === 'api');
  const byOperation: Record<string, number> = {};
  for (const [key, s] of Object.entries(d)) {
    const [origin, service, operation] = key.split('|');
    if (origin === 'api' && service === 'dynamodb')
      byOperation[operation ?? '?'] = (byOperation[operation ?? '?'] ?? 0) + s.calls;
  }
  latencies.sort((a, b) => a - b);
  return {
    ids,
    figures: {
      contacts: count,
      batchSize,
      seconds,
      perSecond: count / seconds,
      requestP50Ms: latencies[Math.floor(latencies.length / 2)] ?? 0,
      dynamoRequests: dynamo.calls,
      requestsPerContact: dynamo.calls / count,
      itemsWritten: dynamo.itemsWritten,
      floorRequestsPerContact: dynamo.itemsWritten / 25 / count,
      readUnitsPerContact: dynamo.rcu / count,
      writeUnitsPerContact: (dynamo.wcu + dynamo.indexWcu) / count,
      byOperation,
      failed,
    },
  };
};

/**
 * Seeds contacts through the batch import use case (shared/use-cases/contacts-import.ts) in this
 * process, a few batches at a time: the same items an import writes, without HTTP.
 */
export const seedContacts = async (
  from: number,
  to: number,
  typesFor: (i: number) => readonly string[],
  progress: Progress,
  sampleSize: number,
): Promise<{ seconds: number; sample: string[] }> => {
  const { importContacts } = await import('#shared/use-cases/contacts-import.ts');
  const { validateImportItem } = await import('#shared/http/schemas/contact-input.ts');
  const { systemActor } = await import('#shared/domain/api-key.ts');
  const actor = systemActor('bench');
  const batchSize = 1000;
  const starts: number[] = [];
  for (let i = from; i < to; i += batchSize) starts.push(i);
  const sample: string[] = [];
  let done = 0;
  progress.start('seed: batch import use case', to - from, 'contacts');
  const started = performance.now();
  const worker = async () => {
    for (let start = starts.shift(); start !== undefined; start = starts.shift()) {
      const items = Array.from({ length: Math.min(batchSize, to - start) }, (_, k) =>
        validateImportItem(benchContact(start + k, typesFor(start + k)), k),
      );
      const results = await importContacts(items, actor);
      for (const r of results) {
        if (r.status === 'failed') throw new Error(`seeding failed: ${r.error.message}`);
        if (sample.length < sampleSize) sample.push(r.id);
      }
      done += items.length;
      progress.update(done);
    }
  };
  // Two batches in flight: more do not go faster (both processes are busy by then).
  await Promise.all([worker(), worker()]);
  progress.end();
  return { seconds: (performance.now() - started) / 1000, sample };
};
