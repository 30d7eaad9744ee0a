/**
 * Sending one chunk: the ≤ 50 recipients of one SQS message, handed to SES.
 *
 * Exactly-once effect, without transactions. A chunk moves queued → sending → done by conditional
 * writes, and each row inside it queued → sending → sent | failed (or skipped):
 * - A redelivered message whose chunk is `done` (or `cancelled`) does nothing.
 * - Rows are marked `sending` (with this attempt's id) BEFORE their SES call and `sent`/`failed`
 *   right after it. A row found `queued` was never handed to SES: safe to send. A row found
 *   `sending` by a later attempt may have been accepted just before a crash: it is never sent
 *   again (a second mail is worse than a missing one) and is marked `failed` with
 *   `outcome_unknown`, which the message's first SES event (Delivery, Bounce, …) later corrects.
 * - An SES call that fails as a whole (throttled after retries, 5xx) puts its rows back to `queued`
 *   and fails the message, so SQS retries it; nothing was accepted, nothing is lost.
 *
 * Steps (independent calls run side by side; a chunk of one SES call waits for 7 round trips):
 * 1. Read the chunk and the mailing together; stop if the chunk is done; take it over (new attempt)
 *    if queued or left `sending` — with the attempt's first write of the chunk, conditional on the
 *    state just read, which also carries the first SES call's `sending` marks (step 3).
 * 2. The mailing as read in step 1: cancelled → its queued rows are skipped (`cancelled`), chunk
 *    done; paused → the chunk is given back.
 * 3. Per sub-batch of ≤ min(50, rate) rows: wait for a slot of the account's sending rate, mark the
 *    rows `sending` and, at the same time, run the last-moment check: read their contacts (one
 *    strongly consistent BatchGetItem) and judge again; whoever unsubscribed since planning, or while
 *    earlier sub-batches waited for the rate, is skipped with the new reason. Both finish before
 *    the SES call: a row is `sending` in the table before SES can accept it.
 * 4. Render and SendBulkEmail the rest at once (headers as ReplacementHeaders, tags for feedback),
 *    record the results. The call's rate slot is released by the next call's acquire, in the same
 *    write, or when the invocation ends; until then it keeps counting, which only errs on the slow
 *    side.
 * 5. Add the counts (one atomic ADD) and close the mailing if this was its last chunk.
 */
import * as z from 'zod/mini';
import { batchGetAll } from '#shared/adapters/dynamodb/batch.ts';
import { tableName } from '#shared/adapters/dynamodb/client.ts';
import { contactKeys } from '#shared/adapters/dynamodb/contact-keys.ts';
import { mailings } from '#shared/adapters/dynamodb/mailings.ts';
import { acquireSendSlot, type SendSlot } from '#shared/adapters/dynamodb/rate-limiter.ts';
import { type Chunk, recipients, type Row } from '#shared/adapters/dynamodb/recipients.ts';
import { settings } from '#shared/adapters/dynamodb/settings.ts';
import { subscriptionTypes } from '#shared/adapters/dynamodb/subscription-types.ts';
import { signingKeys } from '#shared/adapters/secrets/signing-keys.ts';
import { type BulkEntry, sendBulk, sesBulkLimit } from '#shared/adapters/ses/client.ts';
import { loadConfig, mailboxAddress } from '#shared/config/env.ts';
import { newId } from '#shared/domain/ids.ts';
import { chooseLanguage } from '#shared/domain/i18n.ts';
import type { Member } from '#shared/domain/list.ts';
import { usedLinks } from '#shared/domain/mailing.ts';
import { render } from '#shared/domain/render.ts';
import { signToken } from '#shared/domain/tokens.ts';
import { logger } from '#shared/observability/logger.ts';
import { verdictFor } from './judge.ts';
import { toMember } from './list-resolution.ts';
import { closeIfDone } from './planning.ts';

let loaded: ReturnType<typeof load> | undefined;
/** The sender's configuration, validated once; the worker calls it at cold start. */
export const sendingConfig = () => {
  loaded ??= load();
  return loaded;
};
const load = () =>
  loadConfig({
    PUBLIC_BASE_URL: z.url(),
    SES_RATE_PER_SECOND: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100_000)), 14),
    SES_CONFIGURATION_SET: z.optional(z.string().check(z.minLength(1))),
    UNSUBSCRIBE_ADDRESS: z.optional(mailboxAddress),
  });

/** Thrown to fail the SQS message so it is retried later (nothing was handed to SES). */
export class RetryLater extends Error {}

const isRetryable = (error: unknown) => {
  const e = error as { $retryable?: unknown; $metadata?: { httpStatusCode?: number }; name?: string };
  return (
    Boolean(e?.$retryable) ||
    (e?.$metadata?.httpStatusCode ?? 0) >= 500 ||
    e?.name === 'TooManyRequestsException'
  );
};

const domainOf = (from: string) => /@([^>\s]+)>?\s*$/.exec(from)?.[1]?.toLowerCase() ?? 'localhost';

/**
 * A subscription type as the sender needs it (its name, for List-Id), kept for a minute per
 * container: every chunk of a mailing names the same type.
 */
const typeCache = new Map<string, { at: number; type: ReturnType<typeof subscriptionTypes.get> }>();
const typeFor = (typeId: string) => {
  const cached = typeCache.get(typeId);
  if (cached && cached.at > Date.now() - 60_000) return cached.type;
  const type = subscriptionTypes.get(typeId);
  typeCache.set(typeId, { at: Date.now(), type });
  type.catch(() => typeCache.delete(typeId));
  return type;
};

/**
 * What the chunks of one invocation share: the rate slot of the last SES call, whose release is
 * written by the next call's acquire (one conditional write for both) or by {@link closeSendSession}
 * when the invocation's chunks are done.
 */
export interface SendSession {
  held?: SendSlot;
}

/** Writes the release of the session's last slot; a failure only keeps the slot counting. */
export const closeSendSession = async (session: SendSession): Promise<void> => {
  const slot = session.held;
  session.held = undefined;
  await slot?.release().catch((error: unknown) => {
    logger.warn('rate slot not released; it stops counting after 5 minutes', { error: String(error) });
  });
};

/** Sends one chunk; `session` is shared by the chunks of one invocation, which closes it. */
export const sendChunk = async (
  mailingId: string,
  chunkId: string,
  remainingMs: () => number,
  session: SendSession,
): Promise<void> => {
  const env = sendingConfig();
  const [chunk, mailing] = await Promise.all([
    recipients.getChunk(mailingId, chunkId),
    mailings.getStored(mailingId, true),
  ]);
  if (chunk?.kind !== 'send' || chunk.state === 'cancelled') return;
  if (chunk.state === 'done') {
    // Handled already; but the attempt that finished it may have died before closing the mailing.
    await closeIfDone(mailingId);
    return;
  }

  // 1. Take the chunk for this attempt; rows a crashed attempt left `sending` are never resent.
  // The take is this attempt's first write of the chunk (conditional on the state just read), so it
  // carries the first SES call's `sending` marks too: one write, not two.
  const attempt = newId();
  const previous = chunk.state === 'sending' ? chunk.attempt : undefined;
  const rows: Row[] = chunk.rows.map((row) =>
    row.s === 'sending' ? { ...row, s: 'failed', d: 'outcome_unknown' } : { ...row },
  );
  const unknown = rows.filter((r, i) => r.s === 'failed' && chunk.rows[i]?.s === 'sending').length;
  const take: Chunk = { ...chunk, state: 'sending', rows, attempt };
  if (unknown) logger.warn('rows of a crashed attempt not resent', { mailingId, chunkId, rows: unknown });

  const tally: Record<string, number> = { failed: unknown };
  let taken = false;
  // What this attempt has written into the chunk so far: counted even if the chunk is taken from it.
  let recorded: Record<string, number> = {};
  /**
   * Writes the rows as they are now: the first time on condition that the chunk is still as read
   * (the take), then on condition that this attempt still holds it. False when another attempt
   * took it first or has taken it over.
   */
  const save = async (state: Chunk['state']): Promise<boolean> => {
    // The rows and counts as they are at the call: the last-moment check may change both meanwhile.
    const counted = { ...tally };
    const item = { ...take, rows: take.rows.map((row) => ({ ...row })), state };
    const saved = taken
      ? await recipients.replaceChunk(item, 'sending', attempt)
      : await recipients.replaceChunk(item, chunk.state, previous);
    if (saved) {
      taken = true;
      recorded = counted;
    }
    return saved;
  };
  /**
   * The same message delivered twice runs two attempts at once, and the later one takes the chunk
   * over (it cannot tell a live attempt from a crashed one). This one must then stop at once: no
   * further SES call (the other attempt sends the rows still queued), no further counting (the other
   * attempt counts what it records, and closes the chunk).
   */
  const lost = async () => {
    if (!taken) return; // another attempt took it first: this one wrote nothing, counts nothing
    logger.warn('chunk taken over by another attempt; this one stops', { mailingId, chunkId });
    await mailings.addCounts(mailingId, recorded);
  };
  const finish = async () => {
    if (!(await save('done'))) return lost();
    const after = await mailings.addCounts(mailingId, { ...tally, chunksDone: 1 });
    if ((after.chunksDone ?? 0) >= (after.chunksPlanned ?? Number.POSITIVE_INFINITY))
      await closeIfDone(mailingId);
  };

  /** Ends this attempt early: what was done is kept and counted, the rest waits for a retry. */
  const giveBack = async () => {
    if (!taken && chunk.state === 'queued') return; // nothing to write: the chunk is as it was
    if (!(await save('queued'))) return lost();
    await mailings.addCounts(mailingId, tally);
  };

  // 2. A cancelled mailing sends nothing more; a paused one (reputation guard) keeps its rows
  // queued for a resume, and its chunk `queued` again. (Read in step 1, beside the chunk.)
  if (mailing?.status === 'paused') {
    await giveBack();
    return;
  }
  const pending = rows.filter((r) => r.s === 'queued');
  if (!mailing || mailing.status === 'cancelled') {
    for (const row of pending) Object.assign(row, { s: 'skipped', d: 'cancelled' });
    tally.cancelled = pending.length;
    await finish();
    return;
  }

  // 3. The last-moment check, per SES call (step 4): the call's contacts as they are now.
  const privacyEnabled = (mailing.privacyEnabled ?? true) || (await settings.getPrivacy()).enabled;
  const lastCheck = async (batch: Row[]): Promise<Array<{ row: Row; member: Member }>> => {
    const items = await batchGetAll(
      tableName('contacts'),
      batch.map((r) => contactKeys.contact(r.c)),
      true,
    );
    const contacts = new Map<string, Member>(items.map((item) => [String(item.id), toMember(item)]));
    const toSend: Array<{ row: Row; member: Member }> = [];
    for (const row of batch) {
      const member = contacts.get(row.c);
      const verdict = member ? verdictFor(mailing, privacyEnabled, member) : undefined;
      const result = verdict?.result;
      if (!member || result?.verdict !== 'included') {
        const reason = result?.reason ?? 'invalid_email';
        tally[`reason_${row.r}`] = (tally[`reason_${row.r}`] ?? 0) - 1;
        tally[`reason_${reason}`] = (tally[`reason_${reason}`] ?? 0) + 1;
        tally.late = (tally.late ?? 0) + 1;
        const detail = member ? verdict?.detail : 'erased';
        Object.assign(row, { s: 'skipped', r: reason, ...(detail ? { d: detail } : {}) });
        continue;
      }
      toSend.push({ row, member });
    }
    return toSend;
  };

  // 4. Hand them to SES at the account's rate. Each call's rows are marked `sending` first and
  // checked right before the call, after any wait for the rate: an unsubscribe answered while
  // earlier calls went out (seconds, at a low rate) still stops this one.
  const [type, keys] = await Promise.all([typeFor(mailing.subscriptionTypeId), signingKeys()]);
  const base = env.PUBLIC_BASE_URL.replace(/\/$/, '');
  const typeInfo = {
    id: mailing.subscriptionTypeId,
    name: type?.name ?? 'our mailings',
    listDomain: domainOf(mailing.from),
  };
  // The tracked links the body uses, signed per recipient below (`{{links.NAME}}`).
  const tracked = usedLinks(mailing.subject, mailing.text, mailing.html).flatMap((name) => {
    const link = mailing.links?.[name];
    return link ? [{ name, link }] : [];
  });
  const size = Math.min(sesBulkLimit, env.SES_RATE_PER_SECOND);
  for (let i = 0; i < pending.length; i += size) {
    const marked = pending.slice(i, i + size);
    const deadline = Date.now() + remainingMs() - 20_000;
    // The acquire releases the held slot in its own write (also when it finds no room), so once
    // it returns, nothing is held; the slot of this call is held from its return on.
    const slot = await acquireSendSlot(marked.length, env.SES_RATE_PER_SECOND, deadline, session.held);
    session.held = undefined;
    if (!slot) {
      await giveBack();
      throw new RetryLater('no sending slot before the invocation ends');
    }
    for (const row of marked) row.s = 'sending';
    // The rows' `sending` mark and the last-moment check, side by side; SES is called only after
    // both, so the mark is in the table before SES can accept anything.
    const [marking, checking] = await Promise.allSettled([save('sending'), lastCheck(marked)]);
    if (marking.status === 'rejected' || !marking.value) {
      await slot.release();
      if (marking.status === 'rejected') {
        // Not marked, so not sent: the rows wait for a retry.
        for (const row of marked) row.s = 'queued';
        throw marking.reason;
      }
      return lost();
    }
    if (checking.status === 'rejected') {
      // Nothing was handed to SES: the rows wait for a retry rather than end `outcome_unknown`.
      for (const row of marked) row.s = 'queued';
      await slot.release();
      await giveBack();
      throw checking.reason;
    }
    const batch = checking.value;
    if (!batch.length) {
      session.held = slot;
      continue;
    }
    const entries: BulkEntry[] = batch.map(({ row, member }) => {
      const unsubscribe = signToken(keys, {
        p: 'unsubscribe',
        c: row.c,
        m: mailingId,
        t: mailing.subscriptionTypeId,
      });
      const preferences = signToken(keys, {
        p: 'preferences',
        c: row.c,
        m: mailingId,
        t: mailing.subscriptionTypeId,
      });
      const rendered = render(
        mailing,
        {
          email: member.email as string,
          firstName: member.firstName,
          lastName: member.lastName,
          fields: member.fields,
          language: chooseLanguage(member.locale),
        },
        {
          unsubscribeUrl: `${base}/u/${unsubscribe}`,
          preferencesUrl: `${base}/p/${preferences}`,
          ...(env.UNSUBSCRIBE_ADDRESS
            ? { unsubscribeMailto: `mailto:${env.UNSUBSCRIBE_ADDRESS}?subject=unsubscribe-${unsubscribe}` }
            : {}),
          tracked: Object.fromEntries(
            tracked.map(({ name, link }) => [
              name,
              `${base}/l/${signToken(keys, { p: 'link', c: row.c, m: mailingId, u: link.url, ...(link.action ? { a: link.action } : {}) })}`,
            ]),
          ),
        },
        typeInfo,
      );
      return { to: member.email as string, ...rendered, tags: { mailingId, contactId: row.c, chunkId } };
    });
    let results: Awaited<ReturnType<typeof sendBulk>>;
    try {
      results = await sendBulk(mailing.from, env.SES_CONFIGURATION_SET, entries).finally(() => {
        session.held = slot;
      });
    } catch (error) {
      if (isRetryable(error)) {
        // Not accepted: back to queued, and let SQS retry the message later.
        for (const { row } of batch) row.s = 'queued';
        await giveBack();
        throw new RetryLater(`SES: ${(error as Error).name}`);
      }
      // Rejected for good (e.g. MessageRejected): every row of the call failed, with SES's reason.
      results = batch.map(() => ({ status: 'failed' as const, error: (error as Error).name }));
    }
    batch.forEach(({ row }, j) => {
      const result = results[j];
      if (result?.status === 'sent') row.s = 'sent';
      else Object.assign(row, { s: 'failed', d: result?.error ?? 'unknown' });
      tally[row.s === 'sent' ? 'sent' : 'failed'] = (tally[row.s === 'sent' ? 'sent' : 'failed'] ?? 0) + 1;
    });
    if (i + size < pending.length && !(await save('sending'))) return lost();
  }

  // 5. Record and count.
  await finish();
};
