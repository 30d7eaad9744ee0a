/**
 * SES feedback: what happened to each message after SES accepted it, applied to recipient rows,
 * mailing counters, suppressions and contacts.
 *
 * Input: one SQS batch of SES events in SNS envelopes (parsed by the handler). Output: the records
 * to retry (partial batch failure). Steps:
 * 1. A record that did not parse can never succeed: log why (never an address), make it visible
 *    again at once and fail it, so it reaches the DLQ after the queue's few receives in seconds.
 * 2. Order the events: complaints first, then bounces, the rest after.
 * 3. Address effects, per event (they do not need the recipient row, and so also apply to mail
 *    this system cannot match): count the bad feedback against the bounce policy (a bounce record
 *    per address where a rule needs more than one event), and when a rule's threshold is reached,
 *    suppress the address (the entry, then the contact's `suppressed` mirror) and, for a complaint,
 *    withdraw the contact's e-marketing consent with source `complaint` through the contacts use
 *    case, so the history records it as any withdrawal. A delivery resets the address's bounce
 *    counts (one batched read of bounce records for the batch's deliveries). An address SES itself
 *    refused as suppressed (its account-level list holds it) is suppressed here with that reason,
 *    `ses_suppressed`, whatever the policy: SES will not mail it either way.
 * 4. Match each event to its row through the message tags (`mailingId`, `chunkId`, `contactId`).
 *    Events that match nothing (no tags, an unknown mailing, chunk or row) are kept 30 days for
 *    inspection (adapters/dynamodb/feedback-events.ts); transactional mail (a `kind` tag) has no
 *    row and is not kept.
 * 5. Per chunk: move its rows (domain/ses-events.ts `rowAfter`) in ONE conditional write.
 * 6. Per mailing: add what the batch's writes owe the counters in ONE atomic ADD, and pause the
 *    mailing if its bounce or complaint rate passed the reputation guard's limit.
 * 7. Events for a chunk the sender still holds wait: they are queued again with a delay.
 *
 * ## Exactly once, without transactions
 * Duplicates are the normal case (SES publishes at least once, SNS and SQS deliver at least once),
 * so no event may change anything twice, and a crash or error between any two writes must be safe
 * to retry.
 * - The row is the marker. A row only moves forward (sent → delivered → bounced → complained, or
 *   to failed for Reject / Rendering Failure): an event that finds its row already there changes
 *   nothing, writes nothing and counts nothing. No per-event marker item is written: that alone
 *   would cost one write per event.
 * - A chunk's rows change by an UpdateItem conditional on the chunk's feedback version `fv` (so
 *   concurrent consumers of one chunk re-read and re-apply, never overwrite each other) and on the
 *   chunk being `done` (the sender writes a chunk whole while it holds it, and never after).
 * - Counting exactly once: the same write stores what the change owes the counters,
 *   `pend[token] = {d: delta, o: owner, at}`. Then (B) one ADD per mailing adds the deltas and, in
 *   the same write, sets a marker `ct_<token>` per token that must be absent, so no token is ever
 *   added twice; (C) the owner removes `pend[token]` from the chunk; (D) the markers are removed.
 *   A crash or error after the row write leaves `pend[token]` behind; the retried batch (it comes
 *   after the visibility timeout) finds it older than any invocation can run, claims it with a
 *   write conditional on the old owner (so exactly one invocation takes it), and does B (a no-op if
 *   the marker shows it was done), C, D. Markers go only after their pending entry is gone, so a
 *   token can never be counted again once its marker is removed. A fresh pending entry belongs to
 *   a live invocation and is left alone.
 * - Address effects are idempotent by themselves and run before the rows, so a retry repeats
 *   them harmlessly: the suppression put keeps the stronger entry, the mirror is written only when
 *   it differs, consent is withdrawn only when it is not withdrawn already, a bounce record counts
 *   each event key once.
 *
 * ## Cost
 * Per chunk and batch: one read of the chunk and, only when a row changes, two writes of it (the
 * rows with what they owe; removing what they owed). Per mailing and batch: two writes of the small
 * counters item. Events that change no row (duplicates) cost no write. With a batch of up to 100 events
 * of one chunk's 50 recipients, a delivery costs a fraction of a write; the integration test
 * measures it.
 */
import { randomBytes } from 'node:crypto';
import * as z from '#shared/schema/z.ts';
import { coercedNumber } from '#shared/schema/z.ts';
import * as audit from '#shared/adapters/dynamodb/audit.ts';
import * as bouncePolicies from '#shared/adapters/dynamodb/bounce-policy.ts';
import * as bounceRecords from '#shared/adapters/dynamodb/bounce-records.ts';
import { tableName } from '#shared/adapters/dynamodb/client.ts';
import * as contacts from '#shared/adapters/dynamodb/contacts.ts';
import * as feedbackEvents from '#shared/adapters/dynamodb/feedback-events.ts';
import type { KeptReason } from '#shared/adapters/dynamodb/feedback-events.ts';
import * as mailings from '#shared/adapters/dynamodb/mailings.ts';
import * as recipients from '#shared/adapters/dynamodb/recipients.ts';
import type { FeedbackChunk, PendingCount, Row } from '#shared/adapters/dynamodb/recipients.ts';
import { suppressions } from '#shared/adapters/dynamodb/suppressions.ts';
import { queueUrl } from '#shared/adapters/sqs/client.ts';
import * as feedbackQueue from '#shared/adapters/sqs/feedback-queue.ts';
import { loadConfig } from '#shared/config/env.ts';
import { systemActor } from '#shared/domain/api-key.ts';
import {
  type BounceEntry,
  type BounceKind,
  type BouncePolicy,
  afterDelivery,
  bounceKinds,
  countBounce,
  defaultReputationLimits,
  kindOf,
  needsRecords,
  type ReputationLimits,
  reputationBreach,
  sourceOf,
  suppressionReasonOf,
} from '#shared/domain/bounce-policy.ts';
import { parseEmail } from '#shared/domain/email.ts';
import { refusedAsSuppressed, sesSuppressedReason } from '#shared/domain/ses-suppression.ts';
import {
  addressesOf,
  addTransition,
  eventKey,
  eventTime,
  type ParsedNotification,
  priorityOf,
  rowAfter,
  type SesEvent,
  tagOf,
} from '#shared/domain/ses-events.ts';
import { logger } from '#shared/observability/logger.ts';
import { setContactConsent } from './contacts.ts';
import { suppressAddress } from './suppressions.ts';

/**
 * The feedback consumer's configuration. `REPUTATION_MIN_SENT`: messages a mailing must have sent
 * before the reputation guard judges its rates.
 */
export const feedbackConfig = () =>
  loadConfig({
    REPUTATION_MIN_SENT: z._default(
      coercedNumber().check(z.int(), z.minimum(1), z.maximum(100_000_000)),
      100,
    ),
  });

/** Fails at cold start when a table or the queue the consumer uses is not configured. */
export const checkFeedbackConfig = (): void => {
  feedbackConfig();
  for (const table of ['app', 'contacts', 'recipients'] as const) tableName(table);
  queueUrl('feedback');
};

/**
 * A pending count older than this belongs to an invocation that is over: longer than the consumer
 * may run (30 s, infra/queues.ts) with a wide margin, shorter than the queue's visibility timeout
 * (180 s), so the retry of a failed batch always finds its own leftovers stale.
 */
const staleMs = 120_000;
/** How long events for a chunk the sender still holds wait before they are looked at again. */
const deferSeconds = 60;
/** After this long a chunk that is still not done will not be: its events are kept instead. */
const giveUpMs = 2 * 3_600_000;
/** Chunks worked on at once. */
const chunkConcurrency = 8;

const feedbackActor = systemActor('feedback');

export interface FeedbackRecord {
  /** The SQS message id: what a partial batch failure names. */
  id: string;
  receiptHandle: string;
  /** The body as received (queued again as it is when its chunk is not ready). */
  body: string;
  parsed: ParsedNotification;
}

export interface FeedbackResult {
  /** Message ids to retry. */
  failed: string[];
  /** Rows whose status changed. */
  rowsChanged: number;
  kept: number;
  deferred: number;
}

interface Item {
  record: FeedbackRecord;
  snsMessageId: string;
  event: SesEvent;
  key: string;
}

/** What a chunk's feedback write owes the counters, and whose retry it is. */
interface Owed {
  chunkId: string;
  token: string;
  d: Record<string, number>;
  items: Item[];
}

type ChunkOutcome =
  | { kind: 'missing' }
  | { kind: 'not_done' }
  | { kind: 'applied'; written?: Owed; settle: Owed[]; unknownRows: Item[]; changed: number };

const newToken = () => randomBytes(6).toString('hex');

const eachLimited = async <T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) => {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
};

const errorFields = (error: unknown) => ({
  error: (error as Error)?.name,
  detail: (error as Error)?.message,
});

/** The record's expiry: when its newest entry leaves the longest window. */
const expiryOf = (entries: readonly BounceEntry[], policy: BouncePolicy): number => {
  const newest = entries.reduce((max, e) => Math.max(max, Date.parse(e.t)), Date.now());
  const days = Math.max(...bounceKinds.map((k) => policy[k].windowDays));
  return Math.floor(newest / 1000) + days * 86_400;
};

/** Records the event against the address's bounce record; true when its rule's threshold is reached. */
const thresholdReached = async (
  fingerprint: string,
  kind: BounceKind,
  item: Item,
  policy: BouncePolicy,
): Promise<boolean> => {
  if (!needsRecords(policy, kind)) return true;
  for (let attempt = 0; attempt < 5; attempt++) {
    const record = await bounceRecords.get(fingerprint);
    const counted = countBounce(record.entries, kind, eventTime(item.event), item.key, policy);
    if (counted.duplicate) return counted.reached;
    if (await bounceRecords.save(record, counted.entries, expiryOf(counted.entries, policy)))
      return counted.reached;
  }
  throw new Error('the bounce record kept changing');
};

/** Step 3 for an address SES refused because its account-level suppression list holds it. */
const recordSesSuppressed = async (item: Item): Promise<void> => {
  const messageId = item.record.id;
  for (const raw of addressesOf(item.event)) {
    const parsed = parseEmail(raw);
    if (!parsed.ok) {
      logger.warn('feedback: an address in the event is not valid; skipped', { messageId, kind: 'ses' });
      continue;
    }
    const emailKey = parsed.address.key;
    const fingerprint = await suppressions.fingerprint(emailKey);
    const contact = await contacts.findByEmail(emailKey);
    const entry = await suppressAddress(
      emailKey,
      fingerprint,
      { reason: sesSuppressedReason, at: eventTime(item.event), source: 'bounce', sourceEvent: item.key },
      contact,
    );
    logger.info('feedback: SES refused a suppressed address; recorded', {
      messageId,
      suppressionId: fingerprint,
      reason: entry.reason,
      contactId: contact?.id,
    });
  }
};

/** Step 3 for one bounce or complaint: count it, and act when its rule's threshold is reached. */
const applyAddressEffects = async (item: Item, policy: BouncePolicy): Promise<void> => {
  if (refusedAsSuppressed(item.event)) return recordSesSuppressed(item);
  const kind = kindOf(item.event);
  if (!kind || policy[kind].action === 'none') return;
  const rule = policy[kind];
  const messageId = item.record.id;
  for (const raw of addressesOf(item.event)) {
    const parsed = parseEmail(raw);
    if (!parsed.ok) {
      logger.warn('feedback: an address in the event is not valid; skipped', { messageId, kind });
      continue;
    }
    const emailKey = parsed.address.key;
    const fingerprint = await suppressions.fingerprint(emailKey);
    if (!(await thresholdReached(fingerprint, kind, item, policy))) {
      logger.info('feedback: counted, below the threshold', { messageId, kind, suppressionId: fingerprint });
      continue;
    }
    const contact = await contacts.findByEmail(emailKey);
    const entry = await suppressAddress(
      emailKey,
      fingerprint,
      {
        reason: suppressionReasonOf[kind],
        at: eventTime(item.event),
        source: sourceOf[kind],
        sourceEvent: item.key,
      },
      contact,
    );
    if (rule.action === 'suppress_and_withdraw' && contact && contact.consent.status !== 'withdrawn') {
      await setContactConsent(contact.id, { status: 'withdrawn', source: sourceOf[kind] }, feedbackActor);
    }
    logger.info('feedback: address suppressed', {
      messageId,
      kind,
      suppressionId: fingerprint,
      reason: entry.reason,
      contactId: contact?.id,
      consentWithdrawn: rule.action === 'suppress_and_withdraw' && Boolean(contact),
    });
  }
};

/** Step 3 for deliveries: the mailbox works, so its earlier bounces stop counting. */
const resetOnDelivery = async (deliveries: Item[], policy: BouncePolicy, fail: FailFn): Promise<void> => {
  if (!deliveries.length || !(needsRecords(policy, 'soft') || needsRecords(policy, 'hard'))) return;
  const targets: Array<{ item: Item; fingerprint: string }> = [];
  for (const item of deliveries) {
    for (const raw of addressesOf(item.event)) {
      const parsed = parseEmail(raw);
      if (parsed.ok) targets.push({ item, fingerprint: await suppressions.fingerprint(parsed.address.key) });
    }
  }
  let found: Map<string, Awaited<ReturnType<typeof bounceRecords.get>>>;
  try {
    found = await bounceRecords.getMany(targets.map((t) => t.fingerprint));
  } catch (error) {
    for (const item of deliveries) fail(item, 'delivery', error);
    return;
  }
  for (const { item, fingerprint } of targets) {
    let record = found.get(fingerprint);
    try {
      for (let attempt = 0; record && attempt < 5; attempt++) {
        const entries = afterDelivery(record.entries, eventTime(item.event));
        if (entries.length === record.entries.length) break;
        const done = entries.length
          ? await bounceRecords.save(record, entries, expiryOf(entries, policy))
          : await bounceRecords.remove(fingerprint, record.v);
        if (done) {
          logger.info('feedback: bounce counts reset by a delivery', { suppressionId: fingerprint });
          break;
        }
        record = await bounceRecords.get(fingerprint);
        if (record.v === 0) break;
      }
    } catch (error) {
      fail(item, 'delivery', error);
    }
  }
};

/** Step 5 for one chunk: move its rows in one conditional write; claim what a dead writer left. */
const applyToChunk = async (
  mailingId: string,
  chunkId: string,
  items: Item[],
  first: FeedbackChunk | undefined,
  owner: string,
): Promise<ChunkOutcome> => {
  const settle = new Map<string, Record<string, number>>();
  let chunk = first;
  for (let attempt = 0; attempt < 8; attempt++) {
    if (chunk?.kind !== 'send') return { kind: 'missing' };
    if (chunk.state !== 'done') return { kind: 'not_done' };
    const now = Date.now();
    for (const [token, pending] of Object.entries(chunk.pend)) {
      if (settle.has(token) || pending.o === owner || now - pending.at < staleMs) continue;
      if (await recipients.claimPending(mailingId, chunkId, token, pending.o, owner, now)) {
        settle.set(token, pending.d);
      }
    }
    const rows: Row[] = chunk.rows.map((row) => ({ ...row }));
    const index = new Map(rows.map((row, i) => [row.c, i]));
    const delta: Record<string, number> = {};
    const unknownRows: Item[] = [];
    let changed = 0;
    for (const item of items) {
      const i = index.get(tagOf(item.event, 'contactId') ?? '');
      const row = i === undefined ? undefined : rows[i];
      if (i === undefined || !row) {
        unknownRows.push(item);
        continue;
      }
      const after = rowAfter(row, item.event);
      if (!after) continue;
      addTransition(delta, row, after);
      rows[i] = { c: row.c, r: row.r, s: after.s, ...(after.d ? { d: after.d } : {}) };
      changed++;
    }
    const settled: Owed[] = [...settle].map(([token, d]) => ({ chunkId, token, d, items }));
    if (!changed) return { kind: 'applied', settle: settled, unknownRows, changed };
    const token = newToken();
    const pending: PendingCount = { d: delta, o: owner, at: now };
    if (await recipients.writeFeedbackRows(chunk, rows, token, pending)) {
      return {
        kind: 'applied',
        written: { chunkId, token, d: delta, items },
        settle: settled,
        unknownRows,
        changed,
      };
    }
    // Another consumer changed the chunk first: read it again and apply to what it wrote.
    chunk = await recipients.getFeedbackChunk(mailingId, chunkId);
  }
  throw new Error('the chunk kept changing under concurrent feedback');
};

/** Step 6's guard: pause a mailing whose own rates went bad, and say why. */
const guardReputation = async (
  mailingId: string,
  counts: Record<string, number>,
  limits: ReputationLimits,
): Promise<void> => {
  const breach = reputationBreach(counts, limits);
  if (!breach) return;
  const at = new Date().toISOString();
  if (
    !(await mailings.transition(mailingId, ['planned', 'sending'], 'paused', {
      pausedAt: at,
      pausedReason: breach,
    }))
  )
    return;
  logger.warn('mailing paused by the reputation guard', { mailingId, ...breach });
  await audit.record(feedbackActor, { action: 'mailing.paused', details: { mailingId, ...breach } }, at);
};

/** Step 6 for one mailing: B (add, with markers), the guard, C (clear pending), D (drop markers). */
const countForMailing = async (
  mailingId: string,
  written: Owed[],
  settle: Owed[],
  owner: string,
  limits: ReputationLimits,
): Promise<void> => {
  let counts: Record<string, number> | undefined;
  if (written.length) {
    const sum: Record<string, number> = {};
    for (const owed of written)
      for (const [name, n] of Object.entries(owed.d)) sum[name] = (sum[name] ?? 0) + n;
    ({ counts } = await mailings.addCountsOnce(
      mailingId,
      sum,
      written.map((o) => o.token),
    ));
  }
  for (const owed of settle) {
    const result = await mailings.addCountsOnce(mailingId, owed.d, [owed.token]);
    logger.warn('feedback: settled the counts of an interrupted write', {
      mailingId,
      chunkId: owed.chunkId,
      alreadyCounted: !result.applied,
    });
    counts = result.counts;
  }
  if (counts) await guardReputation(mailingId, counts, limits);
  const cleared: string[] = [];
  for (const owed of [...written, ...settle]) {
    if (await recipients.clearPending(mailingId, owed.chunkId, owed.token, owner)) cleared.push(owed.token);
  }
  try {
    await mailings.forgetCountedTokens(mailingId, cleared);
  } catch (error) {
    // Harmless: a marker left behind only takes a few bytes of the counters item.
    logger.warn('feedback: markers not removed', { mailingId, ...errorFields(error) });
  }
};

/** Tags as kept for inspection: first values, none that holds an address. */
const safeTags = (event: SesEvent) =>
  Object.fromEntries(
    Object.entries(event.mail.tags)
      .map(([name, values]) => [name, values[0] ?? ''] as const)
      .filter(([, value]) => !value.includes('@')),
  );

const detailOf = (event: SesEvent): Record<string, string> | undefined => {
  switch (event.eventType) {
    case 'Bounce':
      return {
        bounceType: event.bounce.bounceType,
        bounceSubType: event.bounce.bounceSubType,
        feedbackId: event.bounce.feedbackId,
      };
    case 'Complaint':
      return {
        complaintFeedbackType: event.complaint.complaintFeedbackType ?? 'unspecified',
        feedbackId: event.complaint.feedbackId,
      };
    case 'Reject':
      return { reason: event.reject.reason.slice(0, 200) };
    case 'DeliveryDelay':
      return { delayType: event.deliveryDelay.delayType };
    case 'Rendering Failure':
      return { errorMessage: event.failure.errorMessage.replace(/\S+@\S+/g, '[address]').slice(0, 200) };
    default:
      return undefined;
  }
};

const keep = async (item: Item, reason: KeptReason): Promise<void> => {
  const recipients: string[] = [];
  for (const raw of addressesOf(item.event)) {
    const parsed = parseEmail(raw);
    if (parsed.ok) recipients.push(await suppressions.fingerprint(parsed.address.key));
  }
  const detail = detailOf(item.event);
  await feedbackEvents.keep({
    key: item.key,
    reason,
    eventType: item.event.eventType,
    messageId: item.event.mail.messageId,
    snsMessageId: item.snsMessageId,
    mailTimestamp: item.event.mail.timestamp,
    eventAt: eventTime(item.event),
    tags: safeTags(item.event),
    recipients,
    ...(detail ? { detail } : {}),
    keptAt: new Date().toISOString(),
  });
  logger.info('feedback: event kept for inspection', {
    messageId: item.record.id,
    eventType: item.event.eventType,
    reason,
  });
};

type FailFn = (item: Item, step: string, error: unknown) => void;

export const processFeedback = async (records: readonly FeedbackRecord[]): Promise<FeedbackResult> => {
  const failed = new Set<string>();
  const fail: FailFn = (item, step, error) => {
    failed.add(item.record.id);
    logger.error('feedback: a step failed; the message will be retried', {
      messageId: item.record.id,
      eventType: item.event.eventType,
      step,
      ...errorFields(error),
    });
  };
  const owner = randomBytes(8).toString('hex');
  const limits: ReputationLimits = {
    ...defaultReputationLimits,
    minSent: feedbackConfig().REPUTATION_MIN_SENT,
  };

  // 1. What does not parse fails now, and fast.
  const items: Item[] = [];
  for (const record of records) {
    if (record.parsed.ok) {
      const { event, snsMessageId } = record.parsed;
      items.push({ record, snsMessageId, event, key: eventKey(event) });
      continue;
    }
    failed.add(record.id);
    logger.error('feedback: malformed notification; it will end in the DLQ', {
      messageId: record.id,
      reason: record.parsed.reason,
    });
    await feedbackQueue.releaseNow(record.receiptHandle).catch((error: unknown) => {
      logger.warn('feedback: could not release a malformed message early', errorFields(error));
    });
  }

  // 2. Complaints first.
  items.sort(
    (a, b) =>
      priorityOf(a.event) - priorityOf(b.event) || eventTime(a.event).localeCompare(eventTime(b.event)),
  );

  // 3. Address effects.
  const { policy } = await bouncePolicies.get();
  for (const item of items) {
    try {
      await applyAddressEffects(item, policy);
    } catch (error) {
      fail(item, 'address', error);
    }
  }
  await resetOnDelivery(
    items.filter((i) => i.event.eventType === 'Delivery' && !failed.has(i.record.id)),
    policy,
    fail,
  );

  // 4. Match events to rows.
  const toKeep: Array<{ item: Item; reason: KeptReason }> = [];
  const groups = new Map<string, { mailingId: string; chunkId: string; items: Item[] }>();
  for (const item of items) {
    if (failed.has(item.record.id)) continue;
    const mailingId = tagOf(item.event, 'mailingId');
    const chunkId = tagOf(item.event, 'chunkId');
    if (!mailingId) {
      if (!tagOf(item.event, 'kind')) toKeep.push({ item, reason: 'no_tags' });
      continue;
    }
    if (!chunkId || !tagOf(item.event, 'contactId')) {
      toKeep.push({ item, reason: 'no_chunk_tag' });
      continue;
    }
    const groupKey = `${mailingId}/${chunkId}`;
    const group = groups.get(groupKey) ?? { mailingId, chunkId, items: [] };
    group.items.push(item);
    groups.set(groupKey, group);
  }

  // 5. Rows, one conditional write per chunk.
  const toDefer: Item[] = [];
  const written = new Map<string, Owed[]>();
  const settle = new Map<string, Owed[]>();
  const mailingKnown = new Map<string, Promise<boolean>>();
  let rowsChanged = 0;
  let chunks = new Map<string, FeedbackChunk>();
  try {
    if (groups.size) chunks = await recipients.getFeedbackChunks([...groups.values()]);
  } catch (error) {
    for (const group of groups.values()) for (const item of group.items) fail(item, 'rows', error);
    groups.clear();
  }
  await eachLimited([...groups.entries()], chunkConcurrency, async ([groupKey, group]) => {
    try {
      const outcome = await applyToChunk(
        group.mailingId,
        group.chunkId,
        group.items,
        chunks.get(groupKey),
        owner,
      );
      if (outcome.kind === 'not_done') {
        toDefer.push(...group.items);
        return;
      }
      if (outcome.kind === 'missing') {
        let known = mailingKnown.get(group.mailingId);
        if (!known) {
          known = mailings.getStored(group.mailingId).then(Boolean);
          mailingKnown.set(group.mailingId, known);
        }
        const reason: KeptReason = (await known) ? 'unknown_chunk' : 'unknown_mailing';
        for (const item of group.items) toKeep.push({ item, reason });
        return;
      }
      rowsChanged += outcome.changed;
      for (const item of outcome.unknownRows) toKeep.push({ item, reason: 'unknown_row' });
      if (outcome.written)
        written.set(group.mailingId, [...(written.get(group.mailingId) ?? []), outcome.written]);
      if (outcome.settle.length)
        settle.set(group.mailingId, [...(settle.get(group.mailingId) ?? []), ...outcome.settle]);
    } catch (error) {
      for (const item of group.items) fail(item, 'rows', error);
    }
  });

  // 6. Counters and the reputation guard, per mailing.
  for (const mailingId of new Set([...written.keys(), ...settle.keys()])) {
    const mine = written.get(mailingId) ?? [];
    const theirs = settle.get(mailingId) ?? [];
    try {
      await countForMailing(mailingId, mine, theirs, owner, limits);
    } catch (error) {
      // The rows are written and owe their counts: the retry settles them (see the module comment).
      for (const owed of [...mine, ...theirs]) for (const item of owed.items) fail(item, 'counts', error);
    }
  }

  // 7. Keep what matched nothing; let events for chunks still being sent wait.
  let kept = 0;
  for (const { item, reason } of toKeep) {
    try {
      await keep(item, reason);
      kept++;
    } catch (error) {
      fail(item, 'keep', error);
    }
  }
  let deferred = 0;
  for (const item of toDefer) {
    try {
      if (Date.now() - Date.parse(item.event.mail.timestamp) > giveUpMs) {
        await keep(item, 'chunk_not_done');
        kept++;
      } else {
        await feedbackQueue.later(item.record.body, deferSeconds);
        deferred++;
      }
    } catch (error) {
      fail(item, 'defer', error);
    }
  }

  const result: FeedbackResult = {
    failed: records.filter((r) => failed.has(r.id)).map((r) => r.id),
    rowsChanged,
    kept,
    deferred,
  };
  logger.info('feedback: batch done', {
    records: records.length,
    events: items.length,
    rowsChanged,
    kept,
    deferred,
    failed: result.failed.length,
  });
  return result;
};
