/**
 * From what was measured to the figures of the table: per-1000 requests and units beside their
 * floors, the cost per 1 M mails by service, and the baseline of the obvious design.
 *
 * Floors (the least the batch limits and the data allow, for the same work):
 * - DynamoDB reads: the members index read once, in Query pages of up to 1 MB, eventually
 *   consistent: per shard, ceil(bytes / 4 KB) × 0.5 read units (bytes are the projected member
 *   items actually returned); Query requests: per shard ceil(bytes / 1 MB).
 * - DynamoDB writes: each recipient's verdict written once inside its chunk item (the planner's
 *   chunk writes, by item size) and its outcome written once more (the same chunk, rewritten after
 *   SES answered): twice the planner's chunk write units. BatchWriteItem requests: chunks / 25.
 * - SQS: recipients / 50 per message / 10 per SendMessageBatch; receiving them back as Lambda's
 *   event source mapping does: messages / 10 per ReceiveMessage and / 10 per DeleteMessageBatch.
 * - SES: recipients / 50 per SendBulkEmail.
 *
 * Baseline, the obvious design, from the same arithmetic: one SQS message per recipient (sent,
 * received and deleted 10 per request), one SendEmail per recipient, one strongly consistent GetItem
 * (≤ 4 KB: 1 read unit) per recipient before sending, and one recipient item per recipient written
 * when queued and again when sent (1 write unit each); feedback writes one unit per event.
 */
import type { InvocationStats } from './local-stack.ts';
import { costBudgetPerMillion, prices } from './prices.ts';
import { type Counts, total } from './sdk-counter.ts';

export interface MailingCounts {
  recipients: number;
  counts: Counts;
  invocations: Record<string, InvocationStats>;
}

const planSend = (origin: string) => origin === 'plan' || origin === 'send' || origin === 'api';

export interface PerThousand {
  recipients: number;
  readUnits: number;
  writeUnits: number;
  indexWriteUnits: number;
  readUnitsFloor: number;
  writeUnitsFloor: number;
  sqsRequests: number;
  sqsSendChunkRequests: number;
  sqsRequestsFloor: number;
  esmReceives: number;
  esmDeletes: number;
  esmFloor: number;
  esmEmptyReceivesTotal: number;
  sesRequests: number;
  sesRequestsFloor: number;
  memberBytes: number;
  memberShards: number;
  planningRequests: number;
  planningRequestsFloor: number;
  planningQueryPages: number;
  planningQueryPagesFloor: number;
  planningBatchWrites: number;
  planningBatchWritesFloor: number;
}

export const perThousand = (run: MailingCounts): PerThousand => {
  const n = run.recipients;
  const k = (x: number) => (x / n) * 1000;
  const ddb = total(run.counts, (p) => planSend(p.origin) && p.service === 'dynamodb');
  const queries = total(run.counts, (p) => p.origin === 'plan' && p.operation === 'Query');
  const memberParts = Object.entries(queries.partitions).filter(([p]) => p.startsWith('members:'));
  const memberBytes = memberParts.reduce((s, [, b]) => s + b, 0);
  const readFloor = memberParts.reduce((s, [, b]) => s + Math.ceil(b / 4096) * 0.5, 0);
  const pagesFloor = memberParts.reduce((s, [, b]) => s + Math.max(1, Math.ceil(b / 1048576)), 0);
  const chunkWrites = total(
    run.counts,
    (p) => p.origin === 'plan' && p.operation === 'BatchWriteItem' && p.target === 'recipients',
  );
  const planDdb = total(run.counts, (p) => p.origin === 'plan' && p.service === 'dynamodb');
  const sqs = total(run.counts, (p) => planSend(p.origin) && p.service === 'sqs');
  const sendChunks = total(
    run.counts,
    (p) => p.origin === 'plan' && p.operation === 'SendMessageBatch' && p.target === 'send',
  );
  const esmReceive = total(
    run.counts,
    (p) =>
      p.origin === 'esm' && p.operation === 'ReceiveMessage' && (p.target === 'plan' || p.target === 'send'),
  );
  const esmDelete = total(
    run.counts,
    (p) =>
      p.origin === 'esm' &&
      p.operation === 'DeleteMessageBatch' &&
      (p.target === 'plan' || p.target === 'send'),
  );
  const ses = total(run.counts, (p) => p.service === 'ses' && planSend(p.origin));
  const messages = Math.ceil(n / 50);
  return {
    recipients: n,
    readUnits: k(ddb.rcu),
    writeUnits: k(ddb.wcu + ddb.indexWcu),
    indexWriteUnits: k(ddb.indexWcu),
    readUnitsFloor: k(readFloor),
    writeUnitsFloor: k(2 * chunkWrites.wcu),
    sqsRequests: k(sqs.calls),
    sqsSendChunkRequests: k(sendChunks.calls),
    sqsRequestsFloor: k(Math.ceil(messages / 10)),
    esmReceives: k(esmReceive.calls - esmReceive.emptyReceives),
    esmDeletes: k(esmDelete.calls),
    esmFloor: k(2 * Math.ceil(messages / 10)),
    esmEmptyReceivesTotal: esmReceive.emptyReceives,
    sesRequests: k(ses.calls),
    sesRequestsFloor: k(messages),
    memberBytes,
    memberShards: memberParts.length,
    planningRequests: planDdb.calls,
    planningRequestsFloor: pagesFloor + Math.ceil(chunkWrites.itemsWritten / 25),
    planningQueryPages: queries.calls,
    planningQueryPagesFloor: pagesFloor,
    planningBatchWrites: chunkWrites.calls,
    planningBatchWritesFloor: Math.ceil(chunkWrites.itemsWritten / 25),
  };
};

export interface ServiceCost {
  service: string;
  measured: number;
  floor: number;
  baseline: number;
  detail: string;
}

export interface CostFigures {
  perMillion: ServiceCost[];
  total: number;
  floorTotal: number;
  baselineTotal: number;
  budget: number;
  feedbackEstimated: boolean;
  /** SES's own price per 1 M, for scale. */
  ses: number;
  eventsPerMail: number;
  withoutSnsDeliveriesAsSqs: number;
}

const lambdaCost = (stats: InvocationStats | undefined, memoryMb: number) => {
  if (!stats) return { gbSeconds: 0, requests: 0, cost: 0 };
  const gbSeconds = (stats.billedMs / 1000) * (memoryMb / 1024);
  return {
    gbSeconds,
    requests: stats.invocations,
    cost: gbSeconds * prices.lambdaGbSecond + stats.invocations * prices.lambdaRequest,
  };
};

const fmtNum = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

/**
 * Cost per 1 M mails with everything on. Planning and sending come from the large mailing; the
 * feedback path (SNS publishes, its queue, its consumer) from the mailing run with the feedback
 * consumer on. Without a feedback consumer it is estimated from the events the local SES publishes
 * per mail, and says so.
 */
export const costPerMillion = (
  big: MailingCounts,
  feedback: MailingCounts | undefined,
  memoryMb: number,
  p: PerThousand,
): CostFigures => {
  const million = 1e6;
  const nb = big.recipients;
  const perMail = (x: number, n: number) => (x / n) * million;

  // Planning and sending.
  const ddb = total(big.counts, (k) => planSend(k.origin) && k.service === 'dynamodb');
  const sqsFns = total(big.counts, (k) => planSend(k.origin) && k.service === 'sqs');
  const esm = total(big.counts, (k) => k.origin === 'esm' && (k.target === 'plan' || k.target === 'send'));
  const sqsBilled = sqsFns.billedRequests + esm.billedRequests - esm.emptyReceives;
  const plan = lambdaCost(big.invocations.plan, memoryMb);
  const send = lambdaCost(big.invocations.send, memoryMb);

  // Feedback.
  const nf = feedback?.recipients ?? 1;
  const fbCounts = feedback?.counts ?? big.counts;
  const fbN = feedback ? nf : nb;
  const published = total(
    fbCounts,
    (k) => k.origin === 'stack' && k.service === 'sqs' && k.target === 'feedback',
  );
  const eventsPerMail = published.messages / fbN;
  const fbDdb = total(fbCounts, (k) => k.origin === 'feedback' && k.service === 'dynamodb');
  const fbSqsFn = total(fbCounts, (k) => k.origin === 'feedback' && k.service === 'sqs');
  const fbEsm = total(fbCounts, (k) => k.origin === 'esm' && k.target === 'feedback');
  const fbLambda = lambdaCost(feedback?.invocations.feedback, memoryMb);
  // Nothing to estimate when the run published no events (deliveryEvents=false, no bounces).
  const feedbackEstimated = !feedback?.invocations.feedback?.invocations && published.messages > 0;
  // Without a consumer: 10 events per receive and per delete, one invocation per 100 events of
  // 1 ms per event, one write unit per event: an estimate, labelled as one.
  const fbEvents = eventsPerMail * million;
  const fb = feedbackEstimated
    ? {
        rcu: 0,
        wcu: fbEvents,
        sqs: fbEvents + (fbEvents / 10) * 2,
        lambda:
          (fbEvents / 100) * prices.lambdaRequest +
          fbEvents * 0.001 * (memoryMb / 1024) * prices.lambdaGbSecond,
      }
    : {
        rcu: perMail(fbDdb.rcu, fbN),
        wcu: perMail(fbDdb.wcu + fbDdb.indexWcu, fbN),
        sqs: perMail(
          published.messages + fbSqsFn.billedRequests + fbEsm.billedRequests - fbEsm.emptyReceives,
          fbN,
        ),
        lambda: perMail(fbLambda.cost, fbN),
      };
  // SNS delivers each notification by itself (the local stack batches them 10 to a call).
  const snsDeliveries = perMail(published.messages, fbN);

  const lambdaMeasured = perMail(plan.cost + send.cost, nb) + fb.lambda;
  const dynamoMeasured =
    (perMail(ddb.rcu, nb) + fb.rcu) * prices.dynamoRead +
    (perMail(ddb.wcu + ddb.indexWcu, nb) + fb.wcu) * prices.dynamoWrite;
  const sqsMeasured = (perMail(sqsBilled, nb) + fb.sqs) * prices.sqsRequest;
  const snsMeasured = fbEvents * prices.snsPublish;
  const apiMeasured = perMail(1, nb) * prices.httpApiRequest;

  // Floors, per 1 M: the arithmetic above; feedback at one chunk write per chunk of events.
  const chunkWcu = p.writeUnitsFloor / 2 / 20; // per chunk of 50
  const floorDynamo =
    p.readUnitsFloor * 1000 * prices.dynamoRead +
    (p.writeUnitsFloor * 1000 + (million / 50) * chunkWcu) * prices.dynamoWrite;
  const floorSqs =
    ((p.sqsRequestsFloor + p.esmFloor) * 1000 + fbEvents + (fbEvents / 10) * 2) * prices.sqsRequest;
  // Baseline (obvious design), per 1 M.
  const baseSqs = (million / 10) * 3 + fbEvents + (fbEvents / 10) * 2;
  const baseDynamo =
    (million + p.readUnitsFloor * 1000) * prices.dynamoRead + (2 * million + fbEvents) * prices.dynamoWrite;
  const baseLambda = lambdaMeasured + (million / 10 - perMail(send.requests, nb)) * prices.lambdaRequest;

  const rows: ServiceCost[] = [
    {
      service: 'Lambda',
      measured: lambdaMeasured,
      floor: lambdaMeasured,
      baseline: baseLambda,
      detail: `plan ${fmtNum(perMail(plan.gbSeconds, nb))} + send ${fmtNum(perMail(send.gbSeconds, nb))} + feedback ${
        feedbackEstimated ? '(estimate)' : fmtNum(perMail(fbLambda.gbSeconds, fbN))
      } GB-s at ${memoryMb} MB; ${fmtNum(perMail(plan.requests + send.requests, nb) + (feedbackEstimated ? fbEvents / 100 : perMail(fbLambda.requests, fbN)))} invocations`,
    },
    {
      service: 'DynamoDB',
      measured: dynamoMeasured,
      floor: floorDynamo,
      baseline: baseDynamo,
      detail: `${fmtNum(perMail(ddb.rcu, nb) + fb.rcu)} read units, ${fmtNum(perMail(ddb.wcu + ddb.indexWcu, nb) + fb.wcu)} write units (feedback: ${fmtNum(fb.rcu)} R, ${fmtNum(fb.wcu)} W)`,
    },
    {
      service: 'SQS',
      measured: sqsMeasured,
      floor: floorSqs,
      baseline: baseSqs * prices.sqsRequest,
      detail: `${fmtNum(perMail(sqsBilled, nb) + fb.sqs)} billed requests, of which ${fmtNum(snsDeliveries)} are SNS → SQS deliveries (counted as requests: conservative)`,
    },
    {
      service: 'SNS',
      measured: snsMeasured,
      floor: snsMeasured,
      baseline: snsMeasured,
      detail: `${fmtNum(fbEvents)} publishes (${eventsPerMail.toFixed(2)} SES events per mail)`,
    },
    {
      service: 'API Gateway',
      measured: apiMeasured,
      floor: apiMeasured,
      baseline: apiMeasured,
      detail: `${fmtNum(perMail(1, nb))} requests (one send request per mailing of ${nb})`,
    },
  ];
  const sum = (f: (r: ServiceCost) => number) => rows.reduce((s, r) => s + f(r), 0);
  return {
    perMillion: rows,
    total: sum((r) => r.measured),
    floorTotal: sum((r) => r.floor),
    baselineTotal: sum((r) => r.baseline),
    budget: costBudgetPerMillion,
    feedbackEstimated,
    ses: million * prices.sesMessage,
    eventsPerMail,
    withoutSnsDeliveriesAsSqs: sum((r) => r.measured) - snsDeliveries * prices.sqsRequest,
  };
};
