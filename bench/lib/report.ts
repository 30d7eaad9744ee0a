/**
 * The results: the Markdown table (stdout, README) and the same figures as JSON
 * (bench/results/latest.json), built from what the phases measured.
 */
import type { BundlesResult } from '../phases/bundles.ts';
import type { CsvImportFigures } from '../phases/csv-import.ts';
import type { EventFigures } from '../phases/events.ts';
import type { ImportFigures } from '../phases/contacts.ts';
import type { PreferencePageFigures, UnsubscribeFigures } from '../phases/hosted-pages.ts';
import type { MailingRun } from '../phases/mailing.ts';
import type { MessageSizeFigures } from '../phases/message-size.ts';
import { type CostFigures, costPerMillion, type PerThousand, perThousand } from './figures.ts';
import * as f from './format.ts';
import { parseKey, total } from './sdk-counter.ts';

export interface Meta {
  startedAt: string;
  seconds: number;
  command: string;
  size: number;
  commit: string;
  uncommittedChanges: boolean;
  node: string;
  cpus: number;
  cpuModel: string;
  loadAverageAtStart: number[];
  loadAverageAtEnd: number[];
  sesRatePerSecond: number;
  lambdaMemoryMb: number;
}

/** One mailing at a real account's SES rate (bench/rates.ts). */
export interface RateRun {
  rate: number;
  recipients: number;
  sent: number;
  calls: number;
  /** Send request → mailing `sent`. */
  finishedSeconds: number;
  /** First SES call → one second after the last. */
  sendingSeconds: number;
  achievedPerSecond: number;
  busiestWindow: number;
  windowsAbove: number;
}

export interface Raw {
  meta: Meta;
  eligibility?: { evaluationsPerSecond: number; contacts: number; rounds: number };
  rates?: RateRun[];
  bundles?: BundlesResult;
  import?: ImportFigures;
  csvImport?: CsvImportFigures;
  seeding?: { contacts: number; seconds: number };
  mailing?: MailingRun;
  /** Bytes the handlers logged during the large mailing. */
  mailingLogBytes?: number;
  feedbackMailing?: MailingRun;
  /** The same mailing with the deployment setting deliveryEvents=false. */
  feedbackMailingNoDeliveries?: MailingRun;
  messageSize?: MessageSizeFigures;
  preferencePage?: PreferencePageFigures;
  oneClick?: UnsubscribeFigures;
  events?: EventFigures;
  unsubscribeLatency?: UnsubscribeLatencyFigures;
  errors: Record<string, string>;
}

/** What bench/unsubscribe-latency.ts measures, per channel. */
export interface UnsubscribeLatencyChannel {
  samples: number;
  /** Missing from the SES call that would have carried them. */
  leftOut: number;
  /** Of those, left out by the mailing's very next SES call after the request started. */
  byTheNextCall: number;
  failed: number;
  answeredBeforeCall: number;
  /** Of those answered before their call, left out of it (the goal: all of them). */
  leftOutOfAnswered?: number;
  toCallP50Ms: number;
  toCallP90Ms?: number;
  toCallMaxMs: number;
  toCallMinMs: number;
  over5s?: number;
  answerP50Ms: number;
  answerMaxMs: number;
}

export interface UnsubscribeLatencyFigures {
  rate: number;
  recipients: number;
  rounds: number;
  notStartedBeforeCall: number;
  sesCalls: number;
  callGapP50Ms: number;
  byChannel: Record<'oneClick' | 'mailto' | 'preferencePage', UnsubscribeLatencyChannel>;
  /** Those the call still carried, and when their unsubscribe was recorded, after the call (ms). */
  missed?: Array<{
    channel: string;
    answeredBeforeCall?: boolean;
    toCallMs: number;
    answerMs: number;
    recordedAfterCallMs: number | null;
  }>;
  mailingCounts: { picked: number; unsubscribed: number; unsubscribes: Record<string, number> };
}

export type Result = 'PASS' | 'MISS' | 'report' | 'not built yet' | 'not measured';

export interface Row {
  figure: string;
  measured: string;
  goal: string;
  floor: string;
  baseline: string;
  result: Result;
  note?: string;
}

export interface Report {
  rows: Row[];
  perThousand?: PerThousand;
  cost?: CostFigures;
  markdown: string;
}

const within = (value: number, floor: number, factor: number): Result =>
  floor > 0 && value <= floor * factor + 1e-9 ? 'PASS' : 'MISS';

const ratioNote = (value: number, floor: number) => (floor > 0 ? ` (${f.ratio(value / floor)} floor)` : '');

const missing = (figure: string, goal: string, why: string): Row => ({
  figure,
  measured: why,
  goal,
  floor: '—',
  baseline: '—',
  result: 'not measured',
});

export const buildReport = (raw: Raw): Report => {
  const rows: Row[] = [];
  const err = (phase: string) => (raw.errors[phase] ? `failed: ${raw.errors[phase]}` : 'skipped');

  // Eligibility.
  if (raw.eligibility) {
    const rate = raw.eligibility.evaluationsPerSecond;
    rows.push({
      figure: 'Eligibility rule, evaluations per second on one core',
      measured: `${f.count(rate)}/s`,
      goal: '≥ 5 M/s',
      floor: '—',
      baseline: '—',
      result: rate >= 5e6 ? 'PASS' : 'MISS',
    });
  } else
    rows.push(missing('Eligibility rule, evaluations per second on one core', '≥ 5 M/s', err('eligibility')));

  // Mailings at a real account's rate.
  if (raw.rates) {
    for (const run of raw.rates) {
      const share = run.achievedPerSecond / run.rate;
      rows.push({
        figure: `Pacing at ${run.rate}/s: ${f.count(run.recipients)} recipients, two senders, the share of the SES rate achieved and one-second windows above it`,
        measured: `${f.count(run.achievedPerSecond)}/s = ${(share * 100).toFixed(1)} % of ${run.rate}/s; ${run.windowsAbove} windows above it (busiest: ${run.busiestWindow}); ${f.count(run.calls)} SendBulkEmail calls`,
        goal: '≥ 95 %, 0 windows above',
        floor: '—',
        baseline: '—',
        result: share >= 0.95 && run.windowsAbove === 0 ? 'PASS' : 'MISS',
      });
    }
    const thousand = raw.rates.find((run) => run.rate === 14);
    if (thousand) {
      const allowed = thousand.recipients / thousand.rate;
      rows.push({
        figure: `A ${f.count(thousand.recipients)}-recipient mailing at 14/s: send request → mailing sent`,
        measured: `${f.seconds(thousand.finishedSeconds)} (${f.ratio(thousand.finishedSeconds / allowed)} the ${f.seconds(allowed)} the rate allows)`,
        goal: `report (npm test: ≤ 1.2 × + 20 s)`,
        floor: f.seconds(allowed),
        baseline: '—',
        result: thousand.finishedSeconds <= 1.2 * allowed + 20 ? 'report' : 'MISS',
      });
    }
  } else rows.push(missing('Pacing at 14/s and 200/s', '≥ 95 %, 0 windows above', err('rates')));

  // Import.
  const imp = raw.import;
  if (imp) {
    rows.push({
      figure: `Contacts imported per second: POST /contacts/batch, ${f.count(imp.contacts)} in batches of ${imp.batchSize}, one request at a time over HTTP`,
      measured: `${f.count(imp.perSecond)}/s (${f.seconds(imp.seconds)}; ${f.ms(imp.requestP50Ms)} per batch, median)`,
      goal: 'report',
      floor: '—',
      baseline: '—',
      result: 'report',
    });
    rows.push({
      figure: 'DynamoDB requests per imported contact',
      measured: `${f.count(imp.requestsPerContact)}${ratioNote(imp.requestsPerContact, imp.floorRequestsPerContact)}; ${f.count(imp.itemsWritten / imp.contacts)} items and ${f.count(imp.writeUnitsPerContact)} write units per contact`,
      goal: 'report, beside the floor',
      floor: `${f.count(imp.floorRequestsPerContact)} (items written / 25)`,
      baseline: '—',
      result: 'report',
      note: `per contact: ${Object.entries(imp.byOperation)
        .sort((a, b) => b[1] - a[1])
        .map(([op, n]) => `${op} ${f.count(n / imp.contacts)}`)
        .join(', ')}`,
    });
  } else rows.push(missing('Contacts imported per second (POST /contacts/batch)', 'report', err('import')));

  // The CSV import through the command line.
  const csv = raw.csvImport;
  if (csv) {
    rows.push({
      figure: `CSV import through the command line: ${f.count(csv.rows)} new contacts (${f.bytes(csv.fileBytes)}), upload to summary, ${csv.steps} worker steps`,
      measured: `${f.count(csv.rowsPerSecond)} rows/s (${f.seconds(csv.seconds)})`,
      goal: '≥ 2,000 rows/s on 2 cores',
      floor: '—',
      baseline: `${f.count(imp?.perSecond ?? 0)}/s: POST /contacts/batch`,
      result: csv.rowsPerSecond >= 2000 ? 'PASS' : 'MISS',
    });
    rows.push({
      figure:
        'DynamoDB write units per new contact with consent and one subscription (CSV import; index writes included)',
      measured: `${csv.writeUnitsPerContact.toFixed(4)}: ${(csv.contactWriteUnitsPerContact ?? 0).toFixed(4)} in the contacts table, ${(csv.writeUnitsPerContact - (csv.contactWriteUnitsPerContact ?? 0)).toFixed(4)} the job's checkpoints; ${f.count(csv.readUnitsPerContact)} read units, ${f.count(csv.dynamoRequestsPerContact)} requests per contact`,
      goal: '≤ 4',
      floor: `${csv.floorWriteUnitsPerContact}: the claim, the contact item (its first history entries inside, ≤ 1 KB), the membership item and its index entry`,
      baseline: `${f.count(imp?.writeUnitsPerContact ?? 0)}: POST /contacts/batch`,
      // The goal is per contact; the job's own checkpoints (one write per 1,000 rows) are shown apart.
      result: (csv.contactWriteUnitsPerContact ?? Number.POSITIVE_INFINITY) <= 4 ? 'PASS' : 'MISS',
      note: `requests per 1,000 contacts: ${Object.entries(csv.byOperation)
        .sort((a, b) => b[1] - a[1])
        .map(([op, n]) => `${op} ${f.count((n / Math.max(csv.created, 1)) * 1000)}`)
        .join(', ')}`,
    });
    rows.push({
      figure: 'Infrastructure cost per 1 M contacts imported by CSV',
      measured: `$${csv.costPerMillion.total.toFixed(3)}: DynamoDB $${csv.costPerMillion.dynamo.toFixed(3)}, Lambda $${csv.costPerMillion.lambda.toFixed(3)} (${f.count(csv.lambdaGbSeconds)} GB-s at 1024 MB here), SQS $${csv.costPerMillion.sqs.toFixed(4)}, S3 $${csv.costPerMillion.s3.toFixed(4)}`,
      goal: 'report',
      floor: `$${(4 * 0.625).toFixed(3)} (the write floor alone)`,
      baseline: `$${((imp?.writeUnitsPerContact ?? 0) * 0.625).toFixed(3)} in writes: POST /contacts/batch`,
      result: 'report',
    });
  } else
    rows.push(
      missing(
        'CSV import through the command line',
        '≥ 2,000 rows/s; ≤ 4 write units per contact',
        err('csv-import'),
      ),
    );

  // The large mailing.
  const big = raw.mailing;
  let p: PerThousand | undefined;
  let cost: CostFigures | undefined;
  if (big) {
    p = perThousand(big);
    const n = f.count(big.recipients);
    rows.push({
      figure: `Planning ${n} contacts: send request → all recipients enqueued`,
      measured: f.seconds(big.planningSeconds),
      goal: 'report',
      floor: '—',
      baseline: '—',
      result: 'report',
    });
    rows.push({
      figure: `DynamoDB requests for planning ${n} contacts`,
      measured: `${f.count(p.planningRequests)}${ratioNote(p.planningRequests, p.planningRequestsFloor)}: ${p.planningQueryPages} Query pages, ${p.planningBatchWrites} BatchWriteItem, ${p.planningRequests - p.planningQueryPages - p.planningBatchWrites} other`,
      goal: '≤ 1.1 × floor',
      floor: `${f.count(p.planningRequestsFloor)}: ${p.planningQueryPagesFloor} pages of ≤ 1 MB over ${f.bytes(p.memberBytes)} in ${p.memberShards} shards + ${p.planningBatchWritesFloor} × 25 chunk items`,
      ...(p.planningQueryPages < p.planningQueryPagesFloor
        ? {
            note: `dynalite fills a Query page by a smaller size measure than AWS's 1 MB, so it needed ${p.planningQueryPages} pages where AWS needs at least ${p.planningQueryPagesFloor}`,
          }
        : {}),
      baseline: `${f.count(p.planningQueryPagesFloor + Math.ceil(big.recipients / 25))} (a recipient item each, 25 per BatchWriteItem)`,
      result: p.planningRequests <= 1.1 * p.planningRequestsFloor ? 'PASS' : 'MISS',
    });
    rows.push({
      figure: `Send request → last mail at the local SES, ${n} recipients (SES_RATE_PER_SECOND=${raw.meta.sesRatePerSecond}; feedback consumer deferred to after the last mail)`,
      measured: `${f.seconds(big.e2eSeconds)} (${f.count(big.accepted / big.e2eSeconds)} mails/s)`,
      goal: '≤ 60 s on 2 cores',
      floor: '—',
      baseline: '—',
      result: big.e2eSeconds <= 60 && big.accepted === big.recipients ? 'PASS' : 'MISS',
      note: [
        big.accepted !== big.recipients ? `${big.accepted} of ${big.recipients} accepted` : '',
        sendNote(big),
      ]
        .filter(Boolean)
        .join('; '),
    });
    const fb = raw.feedbackMailing;
    if (fb) {
      rows.push({
        figure: `The same, ${f.count(fb.recipients)} recipients, everything on (the feedback consumer processing SES events meanwhile)`,
        measured: `${f.seconds(fb.e2eSeconds)} (${f.count(fb.accepted / fb.e2eSeconds)} mails/s); every SES event processed ${f.seconds(fb.settleSeconds)} after the last mail`,
        goal: 'report',
        floor: '—',
        baseline: '—',
        result: 'report',
      });
    }
    rows.push({
      figure: 'DynamoDB read units per 1,000 recipients (plan + send)',
      measured: `${f.count(p.readUnits)}${ratioNote(p.readUnits, p.readUnitsFloor)}`,
      goal: '≤ 1.1 × floor',
      floor: `${f.count(p.readUnitsFloor)} (members index, 1 MB Query pages)`,
      baseline: f.count(1000 + p.readUnitsFloor),
      result: within(p.readUnits, p.readUnitsFloor, 1.1),
    });
    rows.push({
      figure: 'DynamoDB write units per 1,000 recipients (plan + send, index writes included)',
      measured: `${f.count(p.writeUnits)}${ratioNote(p.writeUnits, p.writeUnitsFloor)}`,
      goal: '≤ 1.1 × floor',
      floor: `${f.count(p.writeUnitsFloor)} (each chunk item written twice: verdicts, outcomes)`,
      baseline: f.count(2000),
      result: within(p.writeUnits, p.writeUnitsFloor, 1.1),
    });
    rows.push({
      figure:
        'SQS requests per 1,000 recipients by the functions (SendMessageBatch of the chunks, plan messages)',
      measured: `${f.count(p.sqsRequests)}${ratioNote(p.sqsRequests, p.sqsRequestsFloor)}: ${f.count(p.sqsSendChunkRequests)} SendMessageBatch of chunks, ${f.count(p.sqsRequests - p.sqsSendChunkRequests)} plan messages`,
      goal: '≤ 1.1 × floor',
      floor: `${f.count(p.sqsRequestsFloor)} (10 × 50 recipients per SendMessageBatch)`,
      baseline: f.count(100),
      result: within(p.sqsRequests, p.sqsRequestsFloor, 1.1),
    });
    rows.push({
      figure: "SQS receives + deletes per 1,000 recipients (Lambda's event source mapping, billed too)",
      measured: `${f.count(p.esmReceives + p.esmDeletes)} (${f.count(p.esmReceives)} + ${f.count(p.esmDeletes)})${ratioNote(p.esmReceives + p.esmDeletes, p.esmFloor)}`,
      goal: '≤ 1.1 × floor',
      floor: `${f.count(p.esmFloor)} (10 messages per receive, 10 per delete)`,
      baseline: f.count(200),
      result: within(p.esmReceives + p.esmDeletes, p.esmFloor, 1.1),
      note: `${p.esmEmptyReceivesTotal} empty long-poll receives while idle are left out: they cost per hour, not per mail`,
    });
    rows.push({
      figure: 'SES requests per 1,000 recipients',
      measured: `${f.count(p.sesRequests)}${ratioNote(p.sesRequests, p.sesRequestsFloor)}`,
      goal: '≤ 1.1 × floor',
      floor: `${f.count(p.sesRequestsFloor)} (50 per SendBulkEmail)`,
      baseline: f.count(1000),
      result: within(p.sesRequests, p.sesRequestsFloor, 1.1),
    });
    cost = costPerMillion(big, raw.feedbackMailing, raw.meta.lambdaMemoryMb, p);
    rows.push({
      figure: `Infrastructure cost per 1 M mails, everything on (recipient report, idempotency, feedback incl. deliveries${cost.feedbackEstimated ? ': ESTIMATED, no feedback consumer ran' : ''})`,
      measured: `${f.usd(cost.total)} (${((cost.total / cost.ses) * 100).toFixed(2)} % of SES's ${f.usd(cost.ses)})`,
      goal: `≤ ${f.usd(cost.budget)}`,
      floor: f.usd(cost.floorTotal),
      baseline: f.usd(cost.baselineTotal),
      result: cost.total <= cost.budget ? 'PASS' : 'MISS',
    });
    if (raw.feedbackMailingNoDeliveries) {
      const quiet = costPerMillion(big, raw.feedbackMailingNoDeliveries, raw.meta.lambdaMemoryMb, p);
      rows.push({
        figure:
          'The same with `deliveryEvents=false` (SES publishes no Delivery events; bounces, complaints and everything else on)',
        measured: `${f.usd(quiet.total)} (${quiet.eventsPerMail.toFixed(2)} SES events per mail): ${quiet.perMillion
          .filter((s) => s.measured >= 0.001)
          .map((s) => `${s.service} ${f.usd(s.measured)}`)
          .join(', ')}`,
        goal: 'report (the budget counts deliveries)',
        floor: f.usd(quiet.floorTotal),
        baseline: f.usd(quiet.baselineTotal),
        result: 'report',
      });
    }
  } else {
    rows.push(missing('Send request → last mail at the local SES', '≤ 60 s on 2 cores', err('mailing')));
  }

  // Message size.
  const m = raw.messageSize;
  if (m) {
    rows.push({
      figure: `SQS message, worst case: ${m.recipients} recipients with ${m.addressLength}-character addresses and every merge field at its maximum`,
      measured: `${f.bytes(m.maxMessageBytes)} (SendMessageBatch of 10: ${f.bytes(m.maxBatchRequestBytes)}); the message carries the mailing and chunk ids only`,
      goal: '≤ 64 KB',
      floor: '—',
      baseline: `${f.bytes(Math.round(m.withDataBytes / m.recipients))} (one recipient with its data)`,
      result: m.maxMessageBytes > 0 && m.maxBatchRequestBytes <= 65536 ? 'PASS' : 'MISS',
      note: `carrying addresses and merge data instead, a 50-recipient message would be ${f.bytes(m.withDataBytes)}`,
    });
  } else rows.push(missing('SQS message, worst case', '≤ 64 KB', err('message-size')));

  // Bundles.
  const b = raw.bundles;
  if (b?.functions.length) {
    const fns = b.functions;
    const sizeOk = fns.filter((x) => x.sizeRatio <= 1.15).length;
    const initOk = fns.filter((x) => x.initRatio !== null && x.initRatio <= 1.2).length;
    const worstSize = [...fns].sort((x, y) => y.sizeRatio - x.sizeRatio)[0];
    const worstInit = [...fns].sort((x, y) => (y.initRatio ?? 99) - (x.initRatio ?? 99))[0];
    const meanSize = fns.reduce((s, x) => s + x.sizeRatio, 0) / fns.length;
    const inits = fns.filter((x) => x.initRatio !== null);
    const meanInit = inits.reduce((s, x) => s + (x.initRatio ?? 0), 0) / (inits.length || 1);
    rows.push({
      figure: `Lambda bundle size (minified, SDK bundled) vs a bare bundle of the same SDK clients and commands, ${fns.length} functions`,
      measured: `${sizeOk} of ${fns.length} within; mean ${f.ratio(meanSize)}, worst ${f.ratio(worstSize?.sizeRatio ?? 0)} (${worstSize?.name}: ${f.bytes(worstSize?.bytes ?? 0)})`,
      goal: '≤ 1.15 × floor each',
      floor: `${f.bytes(Math.min(...b.floors.map((x) => x.bytes)))}–${f.bytes(Math.max(...b.floors.map((x) => x.bytes)))}`,
      baseline: '—',
      result: sizeOk === fns.length ? 'PASS' : 'MISS',
    });
    rows.push({
      figure: `Lambda cold module init (fresh node process importing the bundle, median of ${b.runs}) vs the floor bundle's`,
      measured: `${initOk} of ${fns.length} within; mean ${f.ratio(meanInit)}, worst ${f.ratio(worstInit?.initRatio ?? 0)} (${worstInit?.name}: ${f.ms(worstInit?.initMs ?? 0)})`,
      goal: '≤ 1.2 × floor each',
      floor: `${f.ms(Math.min(...b.floors.map((x) => x.initMs ?? 0)))}–${f.ms(Math.max(...b.floors.map((x) => x.initMs ?? 0)))}`,
      baseline: '—',
      result: initOk === fns.length ? 'PASS' : 'MISS',
    });
  } else rows.push(missing('Lambda bundles and cold init', '≤ 1.15 × / ≤ 1.2 × floor', err('bundles')));

  // Hosted pages.
  const page = raw.preferencePage;
  if (page?.built) {
    rows.push({
      figure: 'Preference page, HTML bytes',
      measured: `${f.bytes(page.htmlBytes ?? 0)} (HTTP ${page.status})`,
      goal: '≤ 20 KB',
      floor: '—',
      baseline: '—',
      result: page.status === 200 && (page.htmlBytes ?? 0) <= 20 * 1024 ? 'PASS' : 'MISS',
    });
    rows.push({
      figure: `Preference page, server time over ${page.renders} renders through the handler (token check, reads, render), p50 / p99`,
      measured: `${f.ms(page.handlerP50Ms ?? 0)} / ${f.ms(page.handlerP99Ms ?? 0)}${
        page.templateP99Ms !== undefined
          ? `; the template alone ${f.ms(page.templateP50Ms ?? 0)} / ${f.ms(page.templateP99Ms)}`
          : ''
      }`,
      goal: 'p99 ≤ 5 ms',
      floor: '—',
      baseline: '—',
      result: (page.handlerP99Ms ?? 99) <= 5 ? 'PASS' : 'MISS',
    });
  } else {
    const why = page ? (page.reason ?? 'not built yet') : err('preference-page');
    const result: Result = page && !page.built ? 'not built yet' : 'not measured';
    rows.push({
      figure: 'Preference page, HTML bytes',
      measured: why,
      goal: '≤ 20 KB',
      floor: '—',
      baseline: '—',
      result,
    });
    rows.push({
      figure: 'Preference page, server render time p50 / p99 (1,000 renders)',
      measured: why,
      goal: 'p99 ≤ 5 ms',
      floor: '—',
      baseline: '—',
      result,
    });
  }
  const oc = raw.oneClick;
  if (oc?.built) {
    const all = oc.persisted === oc.requests && oc.ok === oc.requests;
    rows.push({
      figure: `One-click unsubscribe: ${oc.requests} concurrent POST /u/{token} on the local stack`,
      measured: `${f.count(oc.perSecond ?? 0)} req/s (${f.seconds(oc.seconds ?? 0)}); ${oc.ok} answered 200, ${oc.persisted} persisted`,
      goal: 'all persisted; report req/s',
      floor: '—',
      baseline: '—',
      result: all ? 'PASS' : 'MISS',
      ...(all ? {} : { note: `answers: ${JSON.stringify(oc.statuses)}` }),
    });
  } else {
    rows.push({
      figure: 'One-click unsubscribe: 1,000 concurrent POST /u/{token}',
      measured: oc ? (oc.reason ?? 'not built yet') : err('one-click'),
      goal: 'all persisted; report req/s',
      floor: '—',
      baseline: '—',
      result: oc && !oc.built ? 'not built yet' : 'not measured',
    });
  }

  const ev = raw.events;
  if (ev) {
    const within = ev.p99Ms <= 5000 && ev.delivered === ev.changes && ev.verified === ev.delivered;
    rows.push({
      figure: `Outgoing events: one-click unsubscribe → signed contact.subscription.updated at a local receiver, ${ev.changes} changes one after the other`,
      measured: `p50 ${f.ms(ev.p50Ms)} / p99 ${f.ms(ev.p99Ms)} (mean ${f.ms(ev.meanMs)}, max ${f.ms(ev.maxMs)}); ${ev.delivered} delivered, ${ev.verified} verified with standardwebhooks`,
      goal: 'each within 5 s; report p50 / p99',
      floor: '—',
      baseline: '—',
      result: within ? 'PASS' : 'MISS',
    });
    const c = ev.costPerMillion;
    rows.push({
      figure:
        'Outgoing events: infrastructure cost per 1 M events to one endpoint (stream consumer + delivery worker + webhook queue), one event per invocation',
      measured: `$${c.total.toFixed(3)}: Lambda $${c.lambda.toFixed(3)} (${f.ms(c.lambdaMsPerEvent)} billed per event at 256 MB), DynamoDB $${c.dynamodb.toFixed(3)} (${c.readUnitsPerEvent.toFixed(2)} read, ${c.writeUnitsPerEvent.toFixed(2)} write units per event), SQS $${c.sqs.toFixed(3)} (${c.sqsRequestsPerEvent.toFixed(2)} requests per event); stream reads by Lambda are free`,
      goal: 'report',
      floor: '—',
      baseline: '—',
      result: 'report',
    });
  } else {
    rows.push({
      figure: 'Outgoing events: one-click unsubscribe → signed event at a local receiver, p50 / p99',
      measured: err('events'),
      goal: 'each within 5 s; report p50 / p99',
      floor: '—',
      baseline: '—',
      result: 'not measured',
    });
  }

  const ul = raw.unsubscribeLatency;
  const latencyFigures = {
    oneClick: 'one-click POST /u/{token}',
    mailto: 'mailto (SMTP to the unsubscribe address)',
    preferencePage: 'preference-page save (POST /p/{token})',
  } as const;
  for (const [channel, label] of Object.entries(latencyFigures) as Array<
    [keyof typeof latencyFigures, string]
  >) {
    const figure = `Unsubscribe → the next SES call of a mailing paced at 14/s leaves the person out: ${label}`;
    const c = ul?.byChannel[channel];
    if (!ul || !c) {
      rows.push({
        figure,
        measured: err('unsubscribe-latency'),
        goal: 'answered before the next call → left out of it, every time',
        floor: '—',
        baseline: '—',
        result: 'not measured',
      });
      continue;
    }
    const answered = c.answeredBeforeCall;
    const every =
      c.samples > 0 && c.failed === 0 && (c.leftOutOfAnswered ?? c.leftOut) === answered && answered > 0;
    const carried = (ul.missed ?? []).filter((m) => m.channel === channel);
    const inFlight = c.samples - answered;
    rows.push({
      figure,
      measured: `answered before their call: ${answered} of ${c.samples}, left out ${c.leftOutOfAnswered ?? '?'} of them; still in flight when their call left: ${inFlight}, left out ${c.leftOut - (c.leftOutOfAnswered ?? 0)} of them; request → that call p50 ${f.ms(c.toCallP50Ms)}${c.toCallP90Ms === undefined ? '' : ` / p90 ${f.ms(c.toCallP90Ms)}`} / max ${f.ms(c.toCallMaxMs)} (min ${f.ms(c.toCallMinMs)}${c.over5s ? `; ${c.over5s} waited over 5 s for their chunk's next call` : ''}), ${c.byTheNextCall} left out by the mailing's very next call; answered in p50 ${f.ms(c.answerP50Ms)} / max ${f.ms(c.answerMaxMs)}${channel === 'mailto' ? ' (the SMTP 250: the handler acts after it)' : ''}; SES calls ${f.ms(ul.callGapP50Ms)} apart (p50)`,
      goal: 'answered before the next call → left out of it, every time',
      floor: '—',
      baseline: '—',
      result: every ? 'PASS' : 'MISS',
      ...(carried.length
        ? {
            note: `carried anyway: ${carried
              .map(
                (m) =>
                  `${m.answeredBeforeCall ? 'answered before the call' : 'in flight'}, recorded ${
                    m.recordedAfterCallMs === null
                      ? '?'
                      : m.recordedAfterCallMs < 0
                        ? `${f.ms(-m.recordedAfterCallMs)} before the call (written after its check)`
                        : `${f.ms(m.recordedAfterCallMs)} after the call`
                  }`,
              )
              .join('; ')}`,
          }
        : {}),
    });
  }
  if (ul) {
    const counted = ul.mailingCounts.unsubscribed === ul.mailingCounts.picked;
    rows.push({
      figure:
        "Every unsubscribe made (measured, or taken by a call before its request started) in the mailing's counts (`counts.unsubscribed`, by channel)",
      measured: `${ul.mailingCounts.unsubscribed} of ${ul.mailingCounts.picked} (${ul.notStartedBeforeCall} not measured: a call took them before their request started): ${Object.entries(
        ul.mailingCounts.unsubscribes,
      )
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
      goal: 'each counted once',
      floor: '—',
      baseline: '—',
      result: counted ? 'PASS' : 'MISS',
    });
  }

  return {
    rows,
    ...(p ? { perThousand: p } : {}),
    ...(cost ? { cost } : {}),
    markdown: markdown(raw, rows, p, cost),
  };
};

/** How the sender spent its time: what explains the end-to-end figure. */
const sendNote = (run: MailingRun): string => {
  const send = run.invocations.send;
  if (!send?.records) return '';
  const calls = total(run.counts, (k) => k.origin === 'send').calls;
  const perChunk = send.billedMs / send.records;
  return `the sender took ${f.ms(perChunk)} per chunk of 50 (${f.count(calls / send.records)} AWS calls, one after the other, ${f.ms(total(run.counts, (k) => k.origin === 'send').latencyMs / calls)} each on average), chunks of an invocation one at a time, ${send.invocations} invocations of up to 10 chunks, at most 2 at once`;
};

/** Requests per 1,000 mails by operation, for one function. */
const byOperation = (run: MailingRun, origin: string): string => {
  const per = new Map<string, number>();
  for (const [key, s] of Object.entries(run.counts)) {
    const k = parseKey(key);
    if (k.origin !== origin) continue;
    const name = `${k.operation} ${k.target}`;
    per.set(name, (per.get(name) ?? 0) + (s.calls / run.recipients) * 1000);
  }
  return [...per]
    .sort((a, b) => b[1] - a[1])
    .map(([name, v]) => `${name} ${f.count(v)}`)
    .join(' · ');
};

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

const markdown = (
  raw: Raw,
  rows: Row[],
  p: PerThousand | undefined,
  cost: CostFigures | undefined,
): string => {
  const out: string[] = [];
  const m = raw.meta;
  out.push(
    `Run ${m.startedAt} · \`${m.command}\` · ${m.seconds.toFixed(0)} s · commit ${m.commit}${m.uncommittedChanges ? ' + uncommitted changes' : ''} · Node ${m.node} · ${m.cpus} × ${m.cpuModel} · load average ${m.loadAverageAtStart.map((x) => x.toFixed(1)).join('/')} at start, ${m.loadAverageAtEnd.map((x) => x.toFixed(1)).join('/')} at end`,
    '',
    '| figure | measured | goal | floor | baseline: obvious design | result |',
    '|---|---|---|---|---|---|',
  );
  for (const r of rows) {
    const result = r.result === 'MISS' ? '**MISS**' : r.result;
    out.push(
      `| ${cell(r.figure)} | ${cell(r.measured + (r.note ? `; ${r.note}` : ''))} | ${cell(r.goal)} | ${cell(r.floor)} | ${cell(r.baseline)} | ${result} |`,
    );
  }
  if (cost) {
    out.push(
      '',
      `Cost per 1 M mails by service (us-east-1 on-demand prices; SES itself would be ${f.usd(cost.ses)}):`,
      '',
      '| service | measured | floor | baseline | what was counted, per 1 M mails |',
      '|---|---|---|---|---|',
    );
    for (const r of cost.perMillion)
      out.push(
        `| ${r.service} | ${f.usd(r.measured)} | ${f.usd(r.floor)} | ${f.usd(r.baseline)} | ${cell(r.detail)} |`,
      );
    out.push(
      `| **total** | **${f.usd(cost.total)}** | ${f.usd(cost.floorTotal)} | ${f.usd(cost.baselineTotal)} | budget ${f.usd(cost.budget)}; without counting SNS → SQS deliveries as SQS requests: ${f.usd(cost.withoutSnsDeliveriesAsSqs)} |`,
    );
    const big = raw.mailing;
    if (big && raw.mailingLogBytes !== undefined) {
      // Outside the budget's list, for completeness: the handlers' log lines plus Lambda's own
      // START, END and REPORT lines (about 350 bytes an invocation), at $0.50 per GB ingested.
      const invocations = Object.values(big.invocations).reduce((n, i) => n + i.invocations, 0);
      const gb = (((raw.mailingLogBytes + invocations * 350) / big.recipients) * 1e6) / 1024 ** 3;
      out.push(
        '',
        `Not in the budget's list: CloudWatch Logs for plan + send, ${f.bytes(Math.round(((raw.mailingLogBytes + invocations * 350) / big.recipients) * 1000))} per 1,000 mails → ${f.usd(gb * 0.5)} per 1 M mails (log level ${process.env.LOG_LEVEL ?? 'info'}); X-Ray traces (tracing is active) are sampled, about one a second, so they do not grow with mails.`,
      );
    }
  }
  if (p && raw.mailing) {
    out.push(
      '',
      'AWS calls per 1,000 recipients by function, operation and table or queue:',
      '',
      `- planner: ${byOperation(raw.mailing, 'plan')}`,
      `- sender: ${byOperation(raw.mailing, 'send')}`,
      `- Lambda's event source mapping (idle long polls included): ${byOperation(raw.mailing, 'esm')}`,
    );
    const fb = raw.feedbackMailing;
    if (fb?.invocations.feedback?.records) {
      const d = total(fb.counts, (k) => k.origin === 'feedback' && k.service === 'dynamodb');
      out.push(
        `- feedback consumer (${f.count(fb.invocations.feedback.records / fb.recipients)} events per mail; ${f.count((d.rcu / fb.recipients) * 1000)} read and ${f.count(((d.wcu + d.indexWcu) / fb.recipients) * 1000)} write units per 1,000 mails): ${byOperation(fb, 'feedback')}`,
        `- SES event publishing (the local SNS → SQS stand-in, 10 events per call): ${byOperation(fb, 'stack')}`,
      );
    }
  }
  const b = raw.bundles;
  if (b?.functions.length) {
    out.push(
      '',
      `Lambda bundles (esbuild as infra/constructs/node-function.ts configures it) and cold module init, median of ${b.runs}:`,
      '',
      '| function | bundle | floor | × | init | floor init | × | largest parts |',
      '|---|---|---|---|---|---|---|---|',
    );
    for (const x of b.functions) {
      out.push(
        `| ${x.name} | ${f.bytes(x.bytes)} | ${f.bytes(x.floorBytes)} | ${x.sizeRatio.toFixed(2)} | ${x.initMs === null ? (x.error ?? '—') : f.ms(x.initMs)} | ${x.floorInitMs === null ? '—' : f.ms(x.floorInitMs)} | ${x.initRatio === null ? '—' : x.initRatio.toFixed(2)} | ${x.heaviest
          .slice(0, 3)
          .map((h) => `${h.name} ${f.bytes(h.bytes)}`)
          .join(', ')} |`,
      );
    }
  }
  const errors = Object.entries(raw.errors);
  if (errors.length) {
    out.push('', 'Phases that failed:', '');
    for (const [phase, message] of errors) out.push(`- ${phase}: ${message}`);
  }
  return `${out.join('\n')}\n`;
};
