import * as audit from '#shared/adapters/dynamodb/audit.ts';
import { lists } from '#shared/adapters/dynamodb/lists.ts';
import * as mailings from '#shared/adapters/dynamodb/mailings.ts';
import type { StoredMailing } from '#shared/adapters/dynamodb/mailings.ts';
import { itemSize, maxItemBytes } from '#shared/adapters/dynamodb/item-size.ts';
import * as recipients from '#shared/adapters/dynamodb/recipients.ts';
import { settings } from '#shared/adapters/dynamodb/settings.ts';
import * as subscriptionTypes from '#shared/adapters/dynamodb/subscription-types.ts';
import { sendMessage } from '#shared/adapters/sqs/client.ts';
import type { Actor } from '#shared/domain/api-key.ts';
import { mailingOptOuts, ratesPerSent } from '#shared/domain/audience-counts.ts';
import { ConflictError, ForbiddenError, NotFoundError, RuleViolationError } from '#shared/domain/errors.ts';
import { newId } from '#shared/domain/ids.ts';
import {
  type Counts,
  type Mailing,
  type MailingStatus,
  mayOverrideConsent,
  type TrackedLink,
  undeclaredLinks,
  zeroCounts,
} from '#shared/domain/mailing.ts';
import { sesTemplateDataLimit, worstTemplateData } from '#shared/domain/message-size.ts';
import { judge } from './judge.ts';
import { listSources } from './list-resolution.ts';

export interface MailingInput {
  name: string;
  subscriptionTypeId: string;
  listId: string;
  from: string;
  subject: string;
  text: string;
  html?: string | null | undefined;
  links?: Record<string, TrackedLink> | undefined;
  overrideConsent?: boolean | undefined;
  overrideReason?: string | undefined;
}

/** A draft preview counts at most this many list members; the recipient report reads them all. */
export const previewLimit = 50_000;

const checkReferences = async (typeId: string | undefined, listId: string | undefined) => {
  if (typeId) {
    const type = await subscriptionTypes.get(typeId);
    if (!type)
      throw new RuleViolationError('Unknown subscription type', [
        { path: 'body.subscriptionTypeId', message: 'No subscription type with this id' },
      ]);
    if (type.archived)
      throw new RuleViolationError('The subscription type is archived', [
        { path: 'body.subscriptionTypeId', message: 'Archived types take no new mailings' },
      ]);
  }
  if (listId && !(await lists.get(listId))) throw unknownList();
};

const unknownList = () =>
  new RuleViolationError('Unknown list', [{ path: 'body.listId', message: 'No list with this id' }]);

/** Every `{{links.NAME}}` the content uses is declared in `links` (422 naming the others). */
const checkLinks = (
  content: { subject: string; text: string; html?: string | null | undefined },
  links: Readonly<Record<string, TrackedLink>> | undefined,
) => {
  const undeclared = undeclaredLinks(content, links);
  if (undeclared.length) {
    throw new RuleViolationError('Tracked links used but not declared', [
      { path: 'body.links', message: `Used but not declared in links: ${undeclared.join(', ')}` },
    ]);
  }
};

/**
 * Room kept in a mailing's item for what sending adds to it (timestamps, who sent, why paused):
 * DynamoDB refuses an item over 400 KB, so a draft may use the rest.
 */
const itemHeadroomBytes = 8 * 1024;

/** The mailing fits one DynamoDB item, with the headroom sending needs (422 otherwise). */
const checkItemSize = (mailing: StoredMailing) => {
  // The mailing's own item, and the idempotency record of its create, which keeps it as JSON.
  const bytes = Math.max(
    itemSize({ ...mailing, kind: 'MAILING', kindSk: mailing.id, pk: '', sk: '' }),
    Buffer.byteLength(JSON.stringify(mailing)) + 1024,
  );
  if (bytes > maxItemBytes - itemHeadroomBytes) {
    throw new RuleViolationError('The mailing is too large to store', [
      {
        path: mailing.html ? 'body.html' : 'body.text',
        message: `The mailing takes ${bytes} bytes; at most ${maxItemBytes - itemHeadroomBytes} fit. Shorten the text or HTML.`,
      },
    ]);
  }
};

/**
 * Every message fits what SES takes (the template data of one recipient, at its worst) and the
 * mailing fits one DynamoDB item: a 422 naming the part to shorten, never a mailing that cannot be
 * stored or whose every recipient would fail.
 */
const checkSize = (mailing: StoredMailing) => {
  const base = (process.env.PUBLIC_BASE_URL ?? '').length || 200;
  const worst = worstTemplateData(mailing, Object.keys(mailing.links ?? {}), base);
  if (worst > sesTemplateDataLimit) {
    throw new RuleViolationError('The message is too large for SES', [
      {
        path: mailing.html ? 'body.html' : 'body.text',
        message: `With its merge fields at their longest, one recipient's message takes up to ${worst} characters of SES template data; SES takes at most ${sesTemplateDataLimit}. Shorten the text or HTML, or use fewer merge fields.`,
      },
    ]);
  }
  checkItemSize(mailing);
};

/** An override needs its reason; turned off, the reason goes with it. */
const overrideOf = (
  current: Pick<Mailing, 'overrideConsent' | 'overrideReason'>,
  changes: Pick<Partial<MailingInput>, 'overrideConsent' | 'overrideReason'>,
) => {
  const override = changes.overrideConsent ?? current.overrideConsent;
  if (override && !(changes.overrideReason ?? current.overrideReason)) {
    throw new RuleViolationError('overrideReason is required with overrideConsent', [
      { path: 'body.overrideReason', message: 'Required' },
    ]);
  }
  return override ? {} : { overrideReason: undefined };
};

/**
 * Store a new mailing as a draft.
 * 1. Its subscription type exists and is not archived; its list exists; every tracked link its
 *    content uses is declared; every message fits SES and the mailing fits one item.
 * 2. Store it (merge fields were checked by the schema), then record it on its list, which a
 *    delete of the list reads; a list deleted in between takes the mailing back out (422).
 * Answers the draft as stored, without counts: for a caller that shows it elsewhere (the console's
 * wizard goes on to the recipients step, which resolves the list once).
 */
export const createDraft = async (input: MailingInput, actor: Actor): Promise<Mailing> => {
  checkLinks(input, input.links);
  await checkReferences(input.subscriptionTypeId, input.listId);
  const at = new Date().toISOString();
  const mailing: Mailing = {
    id: newId(),
    name: input.name,
    subscriptionTypeId: input.subscriptionTypeId,
    listId: input.listId,
    from: input.from,
    subject: input.subject,
    text: input.text,
    ...(input.html ? { html: input.html } : {}),
    ...(input.links && Object.keys(input.links).length ? { links: input.links } : {}),
    overrideConsent: input.overrideConsent ?? false,
    ...(input.overrideConsent && input.overrideReason ? { overrideReason: input.overrideReason } : {}),
    status: 'draft',
    counts: zeroCounts(),
    reasons: {},
    createdAt: at,
    updatedAt: at,
    createdBy: actor.keyId,
  };
  const { counts: _counts, reasons: _reasons, ...stored } = mailing;
  checkSize(stored);
  await mailings.create(mailing);
  // After the mailing exists, so a list deleted meanwhile either sees it or refuses it (lists.ts).
  if (!(await lists.addMailing(mailing.listId, mailing.id))) {
    await mailings.deleteDraft(mailing.id);
    throw unknownList();
  }
  return mailing;
};

/** Create a mailing as a draft (`createDraft`) and answer it as GET does: with the preview of its counts. */
export const createMailing = async (input: MailingInput, actor: Actor) => {
  const mailing = await createDraft(input, actor);
  return mailingView(mailing, await previewCounts(mailing));
};

/**
 * Change a draft (drafts can be edited until sent): the same checks as `createDraft` on what
 * changes, and an override needs its reason. Answers nothing: `updateMailing` reads it back.
 */
export const updateDraft = async (id: string, changes: Partial<MailingInput>): Promise<void> => {
  const current = await mailings.getStored(id, true);
  if (!current) throw new NotFoundError('Mailing not found');
  if (current.status !== 'draft') throw new ConflictError('Only a draft can be edited');
  await checkReferences(changes.subscriptionTypeId, changes.listId);
  checkLinks(
    {
      subject: changes.subject ?? current.subject,
      text: changes.text ?? current.text,
      html: changes.html === undefined ? current.html : changes.html,
    },
    changes.links ?? current.links,
  );
  const override = overrideOf(current, changes);
  const { html: newHtml, ...rest } = changes;
  const { html: _oldHtml, ...kept } = current;
  const html = newHtml === undefined ? current.html : (newHtml ?? undefined);
  checkSize({ ...kept, ...rest, ...(html ? { html } : {}) } as StoredMailing);
  await mailings.updateDraft(id, { ...changes, ...override }, new Date().toISOString());
  if (changes.listId && changes.listId !== current.listId && !(await lists.addMailing(changes.listId, id))) {
    // The new list was deleted meanwhile: back to the list it had.
    await mailings.updateDraft(id, { listId: current.listId }, new Date().toISOString());
    throw unknownList();
  }
};

/**
 * Turn a draft's consent override on (with its reason) or off: what `updateDraft` does with these
 * two fields alone. The content is not touched, so only the item's size is checked again (a reason
 * adds to it); who may send with the override is the send's rule (`sendMailing`).
 */
export const setOverride = async (
  id: string,
  change: { overrideConsent: boolean; overrideReason?: string | undefined },
): Promise<void> => {
  const current = await mailings.getStored(id, true);
  if (!current) throw new NotFoundError('Mailing not found');
  if (current.status !== 'draft') throw new ConflictError('Only a draft can be edited');
  const cleared = overrideOf(current, change);
  checkItemSize({ ...current, ...change, ...cleared });
  await mailings.updateDraft(id, { ...change, ...cleared }, new Date().toISOString());
};

/** Change a draft (`updateDraft`) and answer it as GET does. */
export const updateMailing = async (id: string, changes: Partial<MailingInput>) => {
  await updateDraft(id, changes);
  return getMailing(id);
};

/** Mailings newest first, filtered by status and type: what a list shows (no bodies, no counts). */
export const listMailings = async (query: {
  limit: number;
  cursor?: string | undefined;
  status?: MailingStatus | undefined;
  subscriptionTypeId?: string | undefined;
}) => {
  const page = await mailings.list(query);
  return {
    items: page.items.map((m) => ({
      id: m.id,
      name: m.name,
      subscriptionTypeId: m.subscriptionTypeId,
      listId: m.listId,
      from: m.from,
      subject: m.subject,
      overrideConsent: m.overrideConsent,
      status: m.status,
      createdAt: m.createdAt,
      updatedAt: m.updatedAt,
      ...pick(m, [
        'sendRequestedAt',
        'sendRequestedBy',
        'plannedAt',
        'completedAt',
        'cancelledAt',
        'cancelledBy',
        'pausedAt',
        'resumedAt',
        'resumedBy',
      ]),
    })),
    nextCursor: page.nextCursor,
  };
};

const pick = <T extends object, K extends keyof T>(value: T, names: readonly K[]): Partial<Pick<T, K>> =>
  Object.fromEntries(
    names.filter((name) => value[name] !== undefined).map((name) => [name, value[name]]),
  ) as Partial<Pick<T, K>>;

/**
 * Delete a mailing.
 * 1. Only a draft: one that was ever sent keeps its record (cancel it instead): 409.
 * 2. The draft and its counters go, in a write conditional on it still being a draft (a send at
 *    the same moment wins or loses whole). Recorded in the audit log.
 */
export const deleteMailing = async (id: string, actor: Actor) => {
  if (!(await mailings.deleteDraft(id))) {
    const mailing = await mailings.getStored(id, true);
    if (!mailing) throw new NotFoundError('Mailing not found');
    throw new ConflictError(
      `The mailing is ${mailing.status}; only a draft can be deleted (cancel it instead)`,
    );
  }
  const at = new Date().toISOString();
  await audit.record(actor, { action: 'mailing.deleted', details: { mailingId: id } }, at);
  return { id, deleted: true as const, at };
};

/**
 * What the consent override would change for a draft: how many people the rule includes with the
 * override off and on (the same rule, the list resolved now), so a person deciding sees how many
 * more it would reach. Suppressed and invalid addresses stay out either way.
 */
export const overrideReach = async (id: string) => {
  const mailing = await mailings.getStored(id);
  if (!mailing) throw new NotFoundError('Mailing not found');
  const [off, on] = await previewTallies(mailing.listId, [
    { ...mailing, overrideConsent: false },
    { ...mailing, overrideConsent: true },
  ]);
  return {
    without: off.counts.eligible,
    with: on.counts.eligible,
    countsComplete: off.countsComplete,
  };
};

/** A mailing's counts, per reason too, and whether every member was counted. */
type Tally = { counts: Counts; reasons: Record<string, number>; countsComplete: boolean };

/**
 * A draft's counts are a preview: the list resolved now and judged by the rule as it stands, for
 * each of the variants given (of one draft, such as the override off and on), in one read of the
 * list. The answer has a tally per variant, in their order.
 */
const previewTallies = async <const V extends readonly StoredMailing[]>(listId: string, variants: V) => {
  const tallies = variants.map((mailing) => ({
    mailing,
    counts: zeroCounts(),
    reasons: {} as Record<string, number>,
  }));
  const answer = (countsComplete: boolean) =>
    tallies.map(({ counts, reasons }) => ({ counts, reasons, countsComplete })) as {
      [K in keyof V]: Tally;
    };
  const list = await lists.get(listId);
  if (!list) return answer(true);
  const privacyEnabled = (await settings.getPrivacy()).enabled;
  let seen = 0;
  for (const source of listSources(list)) {
    let next: Awaited<ReturnType<typeof source.read>>['next'];
    do {
      const page = await source.read(next);
      for (const member of page.members) {
        for (const { mailing, counts, reasons } of tallies) {
          const result = judge(mailing, privacyEnabled, member);
          counts[result.verdict === 'included' ? 'eligible' : 'excluded']++;
          reasons[result.reason] = (reasons[result.reason] ?? 0) + 1;
        }
      }
      seen += page.members.length;
      if (seen >= previewLimit) return answer(false);
      next = page.next;
    } while (next);
  }
  return answer(true);
};

/** A draft's preview of its counts, as it stands. */
const previewCounts = async (mailing: StoredMailing) => (await previewTallies(mailing.listId, [mailing]))[0];

/**
 * Counts as recorded: planning's tallies (eligible, excluded, per reason) corrected by what the
 * sender found at the last check (`late`: excluded after planning; `cancelled`).
 */
const recordedCounts = async (id: string) => {
  const [{ tally }, sending] = await Promise.all([recipients.getPlanTally(id), mailings.getCountsRaw(id)]);
  const num = (source: Record<string, number>, name: string) => Number(source[name] ?? 0);
  const late = num(sending, 'late');
  const counts: Counts = {
    eligible: num(tally, 'eligible') - late,
    excluded: num(tally, 'excluded') + late,
    queued: Math.max(
      0,
      num(tally, 'eligible') -
        late -
        num(sending, 'sent') -
        num(sending, 'failed') -
        num(sending, 'cancelled'),
    ),
    sent: num(sending, 'sent'),
    delivered: num(sending, 'delivered'),
    bounced: num(sending, 'bounced'),
    complained: num(sending, 'complained'),
    failed: num(sending, 'failed'),
    // Recipients who opted out through this mailing (the change stream's audience counters).
    unsubscribed: mailingOptOuts(sending).unsubscribed,
  };
  const reasons: Record<string, number> = {};
  for (const source of [tally, sending]) {
    for (const [name, value] of Object.entries(source)) {
      if (name.startsWith('reason_')) reasons[name.slice(7)] = (reasons[name.slice(7)] ?? 0) + Number(value);
    }
  }
  for (const [reason, value] of Object.entries(reasons)) if (!value) delete reasons[reason];
  return { counts, reasons, countsComplete: true, unsubscribes: mailingOptOuts(sending).unsubscribes };
};

/** The counts of a mailing past its draft, as `getMailing` shows them (a draft's are all 0). */
export const getRecordedCounts = async (id: string): Promise<Counts> => (await recordedCounts(id)).counts;

/** A mailing as the API shows it: without who created it (an internal key id). */
const mailingView = (
  mailing: StoredMailing,
  tally: Tally & { unsubscribes?: ReturnType<typeof mailingOptOuts>['unsubscribes'] },
) => {
  const { createdBy: _createdBy, counts: _counts, reasons: _reasons, ...visible } = mailing as Mailing;
  return {
    ...visible,
    ...tally,
    unsubscribes: tally.unsubscribes ?? mailingOptOuts({}).unsubscribes,
    rates: ratesPerSent(tally.counts),
  };
};

const storedMailing = async (id: string) => {
  const mailing = await mailings.getStored(id);
  if (!mailing) throw new NotFoundError('Mailing not found');
  return mailing;
};

/** A mailing past its draft, with the counts recorded while it is planned and sent. */
const progressView = async (mailing: StoredMailing) => {
  const [tally, deadLetters] = await Promise.all([recordedCounts(mailing.id), deadLetterReport(mailing.id)]);
  return { ...mailingView(mailing, tally), ...(deadLetters ? { deadLetters } : {}) };
};

/** A mailing as the API shows it: a draft with a preview of its counts, any other with its progress. */
export const getMailing = async (id: string) => {
  const mailing = await storedMailing(id);
  if (mailing.status === 'draft') return mailingView(mailing, await previewCounts(mailing));
  return progressView(mailing);
};

/**
 * A mailing as stored, without counts and without who created it: for a caller that edits a draft
 * (the console's first wizard steps), without resolving its list for a preview.
 */
export const getStoredMailing = async (id: string) => {
  const { createdBy: _createdBy, ...visible } = await storedMailing(id);
  return visible;
};

/**
 * A mailing with its counts and reasons alone: a draft's preview (its list resolved now) or, past
 * its draft, the counts recorded. For a caller that shows who gets it (the console's recipients
 * and send steps), without the rates and the dead-letter report of its progress.
 */
export const getMailingTally = async (id: string) => {
  const stored = await storedMailing(id);
  const { counts, reasons, countsComplete } =
    stored.status === 'draft' ? await previewCounts(stored) : await recordedCounts(id);
  const { createdBy: _createdBy, ...mailing } = stored;
  return { ...mailing, counts, reasons, countsComplete };
};

/**
 * A mailing past its draft as `getMailing` shows it, or `undefined` for a draft: for a caller that
 * shows a draft elsewhere (the console's progress page), without resolving its list for a preview.
 */
export const getMailingProgress = async (id: string) => {
  const mailing = await storedMailing(id);
  return mailing.status === 'draft' ? undefined : progressView(mailing);
};

/**
 * Chunks whose message went to the send queue's DLQ and that are still not done: they wait for
 * `POST /mailings/{id}/resume` (or `npm run redrive`), with how many recipients they hold unsent.
 */
const deadLetterReport = async (id: string) => {
  const { deadLetters } = await mailings.getProgress(id);
  if (!deadLetters.length) return undefined;
  const chunks = (await recipients.getChunks(id, deadLetters.slice(0, 100))).filter(
    (c) => c.state !== 'done',
  );
  if (!chunks.length) return undefined;
  return {
    chunks: chunks.length,
    recipients: chunks.reduce(
      (n, chunk) => n + chunk.rows.filter((row) => row.s === 'queued' || row.s === 'sending').length,
      0,
    ),
  };
};

/**
 * Send a mailing: 202, planning and sending run in the background.
 * 1. A consent override needs an admin key (403 otherwise).
 * 2. Only a draft can be sent (409 for a second send).
 * 3. Snapshot the privacy setting (the record of what applied), move draft → planned, on condition
 *    that the override is still what step 1 checked.
 * 4. Audit an override: who, when, why. 5. Mark it active (the reconciler watches it), queue the
 *    planning.
 */
export const sendMailing = async (id: string, actor: Actor) => {
  const mailing = await mailings.getStored(id, true);
  if (!mailing) throw new NotFoundError('Mailing not found');
  if (mailing.overrideConsent && !mayOverrideConsent(actor.role)) {
    throw new ForbiddenError('Sending with overrideConsent needs an admin key');
  }
  if (mailing.status !== 'draft')
    throw new ConflictError(`The mailing is ${mailing.status}; it can be sent once`);
  await checkReferences(undefined, mailing.listId);
  const at = new Date().toISOString();
  const privacyEnabled = (await settings.getPrivacy()).enabled;
  // Conditional on the override just checked: a PATCH racing this send cannot slip one past step 1.
  const moved = await mailings.transition(
    id,
    ['draft'],
    'planned',
    { sendRequestedAt: at, sendRequestedBy: actor.keyId, privacyEnabled },
    { field: 'overrideConsent', value: mailing.overrideConsent },
  );
  if (!moved) {
    const now = await mailings.getStored(id, true);
    if (now?.status === 'draft')
      throw new ConflictError('The mailing changed while it was being sent; check it and send again');
    throw new ConflictError('The mailing is already being sent');
  }
  if (mailing.overrideConsent) {
    await audit.record(
      actor,
      { action: 'mailing.override_send', details: { mailingId: id, reason: mailing.overrideReason } },
      at,
    );
  }
  try {
    // Active from now until finished: the reconciler watches it.
    await mailings.markActive(id);
    await sendMessage('plan', JSON.stringify({ mailingId: id }));
  } catch (error) {
    // Nothing was queued: put the draft back so the client can retry.
    await mailings.transition(id, ['planned'], 'draft');
    throw error;
  }
  return { id, status: 'planned' as const, sendRequestedAt: at };
};

/** Stops everything not yet handed to SES. */
export const cancelMailing = async (id: string, actor: Actor) => {
  const mailing = await mailings.getStored(id, true);
  if (!mailing) throw new NotFoundError('Mailing not found');
  const at = new Date().toISOString();
  const moved = await mailings.transition(id, ['draft', 'planned', 'sending', 'paused'], 'cancelled', {
    cancelledAt: at,
    cancelledBy: actor.keyId,
  });
  if (!moved)
    throw new ConflictError(
      `The mailing is ${mailing.status}; only a draft or a mailing being sent can be cancelled`,
    );
  // A paused mailing's parked chunks go through the sender once more, which records them cancelled.
  if (mailing.status === 'paused') await sendMessage('plan', JSON.stringify({ mailingId: id, requeue: {} }));
  await mailings.clearActive(id);
  return progressView(await storedMailing(id));
};

/**
 * Resume a mailing (admin: the reputation guard and SES's limits protect the whole account):
 * a paused one, or one whose chunks went to the send queue's DLQ.
 * 1. paused → sending (or planned, if planning had not finished); a mailing being sent with chunks
 *    in the DLQ stays as it is; anything else is a 409. Recorded in the audit log.
 * 2. The plan worker queues every unfinished chunk again (the chunk states make copies harmless),
 *    then finishes planning if it must; the noted dead letters are forgotten.
 */
export const resumeMailing = async (id: string, actor: Actor) => {
  const mailing = await mailings.getStored(id, true);
  if (!mailing) throw new NotFoundError('Mailing not found');
  const at = new Date().toISOString();
  const { deadLetters } = await mailings.getProgress(id, true);
  const stuck = (await unfinished(id, deadLetters)).length;
  if (mailing.status === 'paused') {
    const moved = await mailings.transition(id, ['paused'], mailing.plannedAt ? 'sending' : 'planned', {
      resumedAt: at,
      resumedBy: actor.keyId,
    });
    if (!moved) throw new ConflictError('The mailing changed while it was being resumed; try again');
  } else if ((mailing.status === 'sending' || mailing.status === 'planned') && stuck) {
    await mailings.setFields(id, { resumedAt: at, resumedBy: actor.keyId });
  } else {
    throw new ConflictError(
      `The mailing is ${mailing.status}; only a paused mailing or one with chunks in the dead-letter queue can be resumed`,
    );
  }
  await audit.record(
    actor,
    {
      action: 'mailing.resumed',
      details: { mailingId: id, pausedReason: mailing.pausedReason, deadLetterChunks: stuck },
    },
    at,
  );
  await sendMessage('plan', JSON.stringify({ mailingId: id, requeue: {} }));
  await mailings.clearDeadLetters(id, deadLetters);
  return progressView(await storedMailing(id));
};

/** The noted dead-lettered chunks that are still not done. */
const unfinished = async (id: string, noted: string[]): Promise<string[]> => {
  if (!noted.length) return [];
  const chunks = await recipients.getChunks(id, noted.slice(0, 100));
  return chunks.filter((chunk) => chunk.state !== 'done').map((chunk) => chunk.chunkId);
};
