/**
 * The bounce policy, as data: for each kind of bad feedback (hard bounce, soft bounce, complaint),
 * how many within how many days trigger which action. And the reputation guard that pauses a
 * mailing whose own rates go bad. Pure.
 *
 * Defaults: a hard bounce suppresses the address at once; three soft bounces within 30 days
 * suppress it (a successful delivery in between starts the count again); a complaint suppresses the
 * address and withdraws e-marketing consent at once.
 */
import * as z from '#shared/schema/z.ts';
import type { ReputationPause } from './mailing.ts';
import type { SesEvent } from './ses-events.ts';

/** A complaint whose feedback type says the person marked the mail as NOT spam is no complaint. */
export const isComplaint = (event: SesEvent): boolean =>
  event.eventType === 'Complaint' && event.complaint.complaintFeedbackType !== 'not-spam';

export const bounceKinds = ['hard', 'soft', 'complaint'] as const;
export type BounceKind = (typeof bounceKinds)[number];

/**
 * `suppress`: a suppression entry, so no mailing reaches the address again, override or not.
 * `suppress_and_withdraw`: that, and the contact's e-marketing consent withdrawn (with the
 * feedback as its source in the history). `none`: counted on the row and the mailing only.
 */
export const bounceActions = ['none', 'suppress', 'suppress_and_withdraw'] as const;
export type BounceAction = (typeof bounceActions)[number];

/**
 * The policy's schemas, built on first use rather than at module load: what only counts bounces or
 * tells a complaint (sending, feedback) neither builds them at cold start nor carries them.
 */
const buildSchemas = () => {
  const rule = z.strictObject({
    count: z
      .number()
      .check(
        z.int(),
        z.minimum(1),
        z.maximum(100),
        z.describe('How many within the window trigger the action'),
      ),
    windowDays: z
      .number()
      .check(
        z.int(),
        z.minimum(1),
        z.maximum(3650),
        z.describe('The window, in days, counted back from the latest'),
      ),
    action: z.enum(bounceActions),
  });

  const policy = z.strictObject({ hard: rule, soft: rule, complaint: rule }).check(
    // A complaint is the person saying "stop": mailbox providers expect it honoured (docs/compliance.md).
    z.refine((p) => p.complaint.action !== 'none', {
      message: 'A complaint must at least suppress the address',
      path: ['complaint', 'action'],
    }),
  );
  return { rule, policy };
};
type Schemas = ReturnType<typeof buildSchemas>;
let built: Schemas | undefined;
const schemas = (): Schemas => {
  built ??= buildSchemas();
  return built;
};

/** One kind's rule: how many within how many days trigger which action. */
export const bounceRuleSchema = (): Schemas['rule'] => schemas().rule;
export type BounceRule = z.output<Schemas['rule']>;

/** The whole policy; a complaint must at least suppress. */
export const bouncePolicySchema = (): Schemas['policy'] => schemas().policy;
export type BouncePolicy = z.output<Schemas['policy']>;

export const defaultBouncePolicy: BouncePolicy = {
  hard: { count: 1, windowDays: 30, action: 'suppress' },
  soft: { count: 3, windowDays: 30, action: 'suppress' },
  complaint: { count: 1, windowDays: 30, action: 'suppress_and_withdraw' },
};

/**
 * What kind of bad feedback an event is, if any. A permanent bounce is hard; a transient one, or
 * one SES could not classify, is soft (the mailbox may work tomorrow). A complaint the person
 * marked "not spam" is none.
 */
export const kindOf = (event: SesEvent): BounceKind | undefined => {
  if (event.eventType === 'Bounce') return event.bounce.bounceType === 'Permanent' ? 'hard' : 'soft';
  if (isComplaint(event)) return 'complaint';
  return undefined;
};

/** The suppression reason a kind leads to (shared/adapters/dynamodb/suppressions.ts reasons). */
export const suppressionReasonOf = {
  hard: 'hard_bounce',
  soft: 'soft_bounce',
  complaint: 'complaint',
} as const;

/** The history source a kind records (the sources of docs/api.md). */
export const sourceOf = { hard: 'bounce', soft: 'bounce', complaint: 'complaint' } as const;

/**
 * Which suppression reason wins when an address gets a second one. A complaint says most (and
 * must never be turned into something consent could lift); `erased` says least (consent lifts it,
 * so any bounce or complaint replaces it). Equal strength keeps what is there.
 */
const strength: Record<string, number> = {
  erased: 0,
  soft_bounce: 1,
  hard_bounce: 2,
  manual: 2,
  ses_suppressed: 2,
  complaint: 3,
};
export const isStronger = (reason: string, than: string): boolean =>
  (strength[reason] ?? 0) > (strength[than] ?? 0);

// ── Counting bad feedback per address ────────────────────────────────────────────────────────

/** One bad-feedback event of an address, as its bounce record keeps it. */
export interface BounceEntry {
  k: BounceKind;
  /** When it happened (ISO). */
  t: string;
  /** The event's key (ses-events.ts `eventKey`): the same event is counted once. */
  e: string;
}

const dayMs = 86_400_000;

/** The entries of `kind` inside its window, counted back from `at`. */
export const inWindow = (entries: readonly BounceEntry[], kind: BounceKind, rule: BounceRule, at: string) => {
  const from = Date.parse(at) - rule.windowDays * dayMs;
  return entries.filter((e) => e.k === kind && Date.parse(e.t) > from && e.t <= at);
};

export interface Counted {
  entries: BounceEntry[];
  /** This very event was recorded before: nothing changed. */
  duplicate: boolean;
  /** How many of its kind are inside the window now, this one included. */
  count: number;
  /** The count reached the rule's threshold: take the action. */
  reached: boolean;
}

/**
 * Records one bad-feedback event in an address's entries and says whether its rule's threshold is
 * reached. Keeps the record small: per kind only the latest `count` entries inside the window
 * (older ones can never again take part in reaching the threshold).
 */
export const countBounce = (
  entries: readonly BounceEntry[],
  kind: BounceKind,
  at: string,
  key: string,
  policy: BouncePolicy,
): Counted => {
  const rule = policy[kind];
  const duplicate = entries.some((e) => e.e === key);
  const all = duplicate ? [...entries] : [...entries, { k: kind, t: at, e: key }];
  // ISO times of one format sort as strings.
  const latest = [at, ...all.map((e) => e.t)].sort().at(-1) ?? at;
  const kept = bounceKinds.flatMap((k) =>
    inWindow(all, k, policy[k], latest)
      .sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0))
      .slice(-policy[k].count),
  );
  const count = inWindow(kept, kind, rule, at).length;
  return { entries: kept, duplicate, count, reached: count >= rule.count };
};

/**
 * A successful delivery at `deliveredAt` wipes the bounces that happened before it: the mailbox
 * works again, so its soft (and hard, where the policy counts more than one) bounces start over.
 * Complaints never decay. Bounces after the delivery (of a later message processed first) stay.
 */
export const afterDelivery = (entries: readonly BounceEntry[], deliveredAt: string): BounceEntry[] =>
  entries.filter((e) => e.k === 'complaint' || e.t > deliveredAt);

/** Does the policy ever need a record (a threshold above one)? Otherwise every event acts alone. */
export const needsRecords = (policy: BouncePolicy, kind?: BounceKind): boolean =>
  kind ? policy[kind].count > 1 : bounceKinds.some((k) => policy[k].count > 1);

// ── The reputation guard ─────────────────────────────────────────────────────────────────────

export interface ReputationLimits {
  /** No verdict before this many messages were sent: two bounces in ten mails say little. */
  minSent: number;
  /** Hard bounces per message sent; SES puts an account under review at 5 %. */
  bounceRate: number;
  /** Complaints per message sent; Gmail and Yahoo want under 0.1 % (never 0.3 %). */
  complaintRate: number;
}

export const defaultReputationLimits: ReputationLimits = {
  minSent: 100,
  bounceRate: 0.05,
  complaintRate: 0.001,
};

/**
 * Should a mailing with these counters pause itself? Complaints are looked at first: they hurt
 * the sender's reputation most. Rates are of messages sent so far (`sent` counts every message
 * SES accepted).
 */
export const reputationBreach = (
  counts: Readonly<Record<string, number | undefined>>,
  limits: ReputationLimits = defaultReputationLimits,
): ReputationPause | undefined => {
  const sent = counts.sent ?? 0;
  if (sent < limits.minSent || sent <= 0) return undefined;
  const complained = counts.complained ?? 0;
  if (complained / sent > limits.complaintRate) {
    return {
      code: 'complaint_rate',
      rate: complained / sent,
      limit: limits.complaintRate,
      sent,
      count: complained,
    };
  }
  const bounced = counts.hardBounced ?? 0;
  if (bounced / sent > limits.bounceRate) {
    return { code: 'bounce_rate', rate: bounced / sent, limit: limits.bounceRate, sent, count: bounced };
  }
  return undefined;
};
