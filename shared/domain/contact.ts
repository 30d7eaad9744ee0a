/**
 * Contacts, their e-marketing consent, subscriptions and interests, and the history that proves each
 * change (GDPR Art. 7(1): who, when, how, what they were told). Pure: every change is computed here
 * as the next state plus the history entries that record it; adapters only store what comes out.
 */
import type { Source } from '#shared/http/schemas/common.ts';
import type { EmailAddress } from './email.ts';
import { RuleViolationError } from './errors.ts';
import { newId } from './ids.ts';
import {
  type RequestedSubscription,
  type StoredSubscription,
  type SubscriptionType,
  subscriptionOutcome,
} from './subscription-type.ts';

export type { Source };

export const consentStatuses = ['granted', 'withdrawn', 'none'] as const;
export type ConsentStatus = (typeof consentStatuses)[number];

/** ePrivacy "soft opt-in" needs the basis stored per record: consent or legitimate interest. */
export const legalBases = ['consent', 'legitimate_interest'] as const;
export type LegalBasis = (typeof legalBases)[number];

/** A contact has at most this many interest tags. */
export const maxInterests = 100;

/** What the person was shown and how they acted, as captured by the form or app (all optional). */
export interface Evidence {
  ip?: string;
  userAgent?: string;
  /** The wording the person agreed to, or … */
  text?: string;
  /** … the version of that wording. */
  textVersion?: string;
  formId?: string;
  /** When the person gave it, as the importing app recorded it (an import's `consent_at`). */
  collectedAt?: string;
  /** The message that carried the act (a mailto unsubscribe), as SES received it. */
  mail?: MailEvidence;
}

/**
 * An inbound message as proof: SES's id of it (the raw message is kept under it for a while) and
 * SES's SPF, DKIM and DMARC verdicts (`PASS`, `FAIL`, `GRAY`, `PROCESSING_FAILED`). Never the
 * sender's address.
 */
export interface MailEvidence {
  messageId: string;
  spf?: string;
  dkim?: string;
  dmarc?: string;
}

export interface Consent {
  status: ConsentStatus;
  legalBasis: LegalBasis | null;
  source: Source | null;
  at: string | null;
}

export interface Subscription {
  status: StoredSubscription;
  source: Source;
  at: string;
}

export type FieldValue = string | number | boolean | null;

/** Everything we hold about a contact (the contact item, minus storage bookkeeping). */
export interface ContactState {
  id: string;
  /** As stored and sent to: trimmed, domain lowercased. */
  email: string;
  /** The address lowercased: uniqueness, comparison, fingerprints. */
  emailKey: string;
  firstName?: string;
  lastName?: string;
  locale?: string;
  fields: Record<string, FieldValue>;
  interests: string[];
  consent: Consent;
  /** By type id; a type never asked about is absent. */
  subscriptions: Record<string, Subscription>;
  /** Reason of the address's suppression entry, mirrored for list building (`erased`, `hard_bounce`, …). */
  suppressed?: string;
  createdAt: string;
  updatedAt: string;
}

export const changeKinds = [
  'created',
  'consent',
  'subscription',
  'suppression',
  'profile',
  'email',
  'interests',
] as const;
export type ChangeKind = (typeof changeKinds)[number];

/**
 * One history record. `from`/`to` are statuses (consent, subscription), suppression reasons
 * (suppression: null when there is none), and null where a change has none. Profile and e-mail changes name what changed (`fields`) but never hold the values, so the
 * history is proof of consent without being a second copy of the profile.
 */
export interface HistoryEntry {
  /** Time-sortable: sorting ids sorts entries by when they happened. */
  id: string;
  at: string;
  change: ChangeKind;
  typeId?: string;
  from: string | null;
  to: string | null;
  legalBasis?: LegalBasis;
  source: Source;
  /** The API key id that made the change (`system` for the system itself). */
  actor: string;
  evidence?: Evidence;
  /** Profile changes: the names of the attributes that changed. */
  fields?: string[];
  /** Interest changes. */
  added?: string[];
  removed?: string[];
  requestId?: string;
  /** Hosted pages: the optional "why are you leaving?" answer. */
  reason?: string;
  /** Hosted pages: the mailing whose token the change came through. */
  mailingId?: string;
}

/** A history entry before the repository gives it its id (ids must follow the contact's last one). */
export type HistoryDraft = Omit<HistoryEntry, 'id'>;

/** A computed change: the state to store and the history that records it. */
export interface Change {
  next: ContactState;
  entries: HistoryDraft[];
}

/** Who, when, how: shared by every entry of one change. */
export interface ChangeContext {
  at: string;
  actor: string;
  source: Source;
  requestId?: string;
}

export interface ConsentInput {
  status: 'granted' | 'withdrawn';
  legalBasis?: LegalBasis;
  source: Source;
  evidence?: Evidence;
}

export interface SubscriptionInput {
  status: RequestedSubscription;
  source: Source;
  evidence?: Evidence;
}

/** Types by id, as far as they exist; a missing id is an unknown type. */
export type TypeLookup = ReadonlyMap<string, SubscriptionType>;

const noConsent: Consent = { status: 'none', legalBasis: null, source: null, at: null };

const entry = (
  ctx: ChangeContext,
  fields: Omit<HistoryDraft, 'at' | 'actor' | 'source' | 'requestId'> & { source?: Source },
): HistoryDraft => ({
  at: ctx.at,
  actor: ctx.actor,
  ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
  ...fields,
  source: fields.source ?? ctx.source,
});

const withEvidence = (evidence: Evidence | undefined) =>
  evidence && Object.keys(evidence).length ? { evidence } : {};

/**
 * The entry recording that the contact's `suppressed` mirror changed (null: not suppressed), so the
 * history — and every outgoing event derived from it — knows why a person stopped (or started
 * again) being mailable. Undefined when it did not change.
 */
const suppressionEntry = (
  ctx: ChangeContext,
  from: string | undefined,
  to: string | undefined,
  source?: Source,
): HistoryDraft | undefined =>
  from === to
    ? undefined
    : entry(ctx, {
        change: 'suppression',
        from: from ?? null,
        to: to ?? null,
        ...(source ? { source } : {}),
      });

/** Trimmed, without repeats, in the order given. */
export const normalizeTags = (tags: readonly string[]): string[] => [...new Set(tags.map((t) => t.trim()))];

const checkInterestCount = (interests: string[]) => {
  if (interests.length > maxInterests) {
    throw new RuleViolationError(`A contact has at most ${maxInterests} interests`, [
      {
        path: 'interests',
        code: 'too_many_interests',
        count: interests.length,
        message: `At most ${maxInterests}`,
      },
    ]);
  }
};

const consentAfter = (current: Consent, input: ConsentInput, at: string): Consent => ({
  status: input.status,
  // Granting without a basis means consent; a withdrawal keeps the basis it withdraws from.
  legalBasis:
    input.status === 'granted' ? (input.legalBasis ?? 'consent') : (input.legalBasis ?? current.legalBasis),
  source: input.source,
  at,
});

const consentEntry = (
  ctx: ChangeContext,
  from: ConsentStatus,
  input: ConsentInput,
  next: Consent,
): HistoryDraft =>
  entry(ctx, {
    change: 'consent',
    from,
    to: input.status,
    ...(next.legalBasis ? { legalBasis: next.legalBasis } : {}),
    source: input.source,
    ...withEvidence(input.evidence),
  });

/**
 * Subscriptions asked for on creation or import, applied type by type.
 * Every type must be in `types` (the caller reports unknown ids with the field that named them).
 */
const applySubscriptions = (
  current: Record<string, Subscription>,
  requested: Readonly<Record<string, RequestedSubscription>>,
  types: TypeLookup,
  ctx: ChangeContext,
  evidence?: Evidence,
): { subscriptions: Record<string, Subscription>; entries: HistoryDraft[] } => {
  const subscriptions = { ...current };
  const entries: HistoryDraft[] = [];
  for (const [typeId, wanted] of Object.entries(requested)) {
    const type = types.get(typeId);
    if (!type)
      throw new RuleViolationError('Unknown subscription type', [
        { typeId, code: 'unknown_type', message: 'No subscription type with this id' },
      ]);
    const before = Object.hasOwn(current, typeId) ? current[typeId]?.status : undefined;
    const status = subscriptionOutcome(type, before, wanted);
    if (status === before) continue;
    subscriptions[typeId] = { status, source: ctx.source, at: ctx.at };
    entries.push(
      entry(ctx, {
        change: 'subscription',
        typeId,
        from: before ?? null,
        to: status,
        ...withEvidence(evidence),
      }),
    );
  }
  return { subscriptions, entries };
};

export interface NewContactInput {
  id: string;
  address: EmailAddress;
  firstName?: string;
  lastName?: string;
  locale?: string;
  fields?: Record<string, FieldValue>;
  interests?: readonly string[];
  consent?: Omit<ConsentInput, 'source'> & { source?: Source };
  subscriptions?: Readonly<Record<string, RequestedSubscription>>;
  /** The suppression reason found for the address, if any. */
  suppressed?: string;
}

/**
 * A new contact: `created`, then its consent and each subscription as their own entries, then its
 * suppression when the address has an entry already (in that order, so newest first reads
 * suppression, subscriptions, consent, creation).
 */
export const newContact = (input: NewContactInput, types: TypeLookup, ctx: ChangeContext): Change => {
  const interests = normalizeTags(input.interests ?? []);
  checkInterestCount(interests);
  const entries: HistoryDraft[] = [entry(ctx, { change: 'created', from: null, to: null })];
  let consent = noConsent;
  if (input.consent) {
    const consentInput: ConsentInput = { ...input.consent, source: input.consent.source ?? ctx.source };
    consent = consentAfter(noConsent, consentInput, ctx.at);
    entries.push(consentEntry(ctx, 'none', consentInput, consent));
  }
  const subs = applySubscriptions({}, input.subscriptions ?? {}, types, ctx);
  entries.push(...subs.entries);
  const suppressed = suppressionEntry(ctx, undefined, input.suppressed);
  if (suppressed) entries.push(suppressed);
  return {
    next: {
      id: input.id,
      email: input.address.email,
      emailKey: input.address.key,
      ...(input.firstName ? { firstName: input.firstName } : {}),
      ...(input.lastName ? { lastName: input.lastName } : {}),
      ...(input.locale ? { locale: input.locale } : {}),
      fields: { ...input.fields },
      interests,
      consent,
      subscriptions: subs.subscriptions,
      ...(input.suppressed ? { suppressed: input.suppressed } : {}),
      createdAt: ctx.at,
      updatedAt: ctx.at,
    },
    entries,
  };
};

/**
 * Grants or withdraws e-marketing consent. Always recorded, even when the status stays the same: a
 * renewed grant with new evidence is proof worth keeping. Granting lifts an `erased` mirror (the
 * caller removes the suppression entry itself).
 */
export const setConsent = (current: ContactState, input: ConsentInput, ctx: ChangeContext): Change => {
  const consent = consentAfter(current.consent, input, ctx.at);
  const next: ContactState = { ...current, consent, updatedAt: ctx.at };
  if (input.status === 'granted' && current.suppressed === 'erased') delete next.suppressed;
  const lifted = suppressionEntry(ctx, current.suppressed, next.suppressed, input.source);
  return {
    next,
    entries: [consentEntry(ctx, current.consent.status, input, consent), ...(lifted ? [lifted] : [])],
  };
};

/**
 * Sets (reason) or clears (undefined) the contact's `suppressed` mirror of its address's
 * suppression entry, with a `suppression` history entry. Undefined when nothing would change.
 */
export const setSuppressed = (
  current: ContactState,
  reason: string | undefined,
  ctx: ChangeContext,
): Change | undefined => {
  const recorded = suppressionEntry(ctx, current.suppressed, reason);
  if (!recorded) return undefined;
  const next: ContactState = { ...current };
  if (reason === undefined) delete next.suppressed;
  else next.suppressed = reason;
  return { next, entries: [recorded] };
};

/**
 * Subscribes or unsubscribes one type; the others are left exactly as they are. Always recorded
 * (an unsubscribe click repeated is still the person's act).
 */
export const setSubscription = (
  current: ContactState,
  type: SubscriptionType,
  input: SubscriptionInput,
  ctx: ChangeContext,
): Change => {
  const before = Object.hasOwn(current.subscriptions, type.id)
    ? current.subscriptions[type.id]?.status
    : undefined;
  const status = subscriptionOutcome(type, before, input.status);
  return {
    next: {
      ...current,
      subscriptions: { ...current.subscriptions, [type.id]: { status, source: input.source, at: ctx.at } },
      updatedAt: ctx.at,
    },
    entries: [
      entry(ctx, {
        change: 'subscription',
        typeId: type.id,
        from: before ?? null,
        to: status,
        source: input.source,
        ...withEvidence(input.evidence),
      }),
    ],
  };
};

export interface ContactPatch {
  /** Already validated and normalised; its suppression looked up by the caller. */
  address?: EmailAddress;
  /** Suppression reason of the new address (only read with `address`). */
  suppressedAfter?: string;
  /** null clears. */
  firstName?: string | null;
  lastName?: string | null;
  locale?: string | null;
  /** Replaces all custom fields. */
  fields?: Record<string, FieldValue>;
  /** Replaces all interests … */
  interests?: readonly string[];
  /** … or adds and removes some. */
  addInterests?: readonly string[];
  removeInterests?: readonly string[];
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

const setOptional = (
  state: ContactState,
  name: 'firstName' | 'lastName' | 'locale',
  value: string | null,
) => {
  if (value === null) delete state[name];
  else state[name] = value;
};

/** The interests after a patch, or undefined when the patch does not touch them. */
const interestsAfter = (current: readonly string[], patch: ContactPatch): string[] | undefined => {
  if (patch.interests) return normalizeTags(patch.interests);
  if (!patch.addInterests && !patch.removeInterests) return undefined;
  const remove = new Set(normalizeTags(patch.removeInterests ?? []));
  return normalizeTags([...current, ...(patch.addInterests ?? [])]).filter((t) => !remove.has(t));
};

/**
 * Profile, address and interest changes. Returns undefined when nothing would change (no write, no
 * history). Entries name what changed, never the old or new values.
 */
export const patchContact = (
  current: ContactState,
  patch: ContactPatch,
  ctx: ChangeContext,
): Change | undefined => {
  const next: ContactState = { ...current, fields: { ...current.fields }, interests: [...current.interests] };
  const entries: HistoryDraft[] = [];

  if (patch.address && patch.address.email !== current.email) {
    next.email = patch.address.email;
    next.emailKey = patch.address.key;
    if (patch.address.key !== current.emailKey) {
      if (patch.suppressedAfter) next.suppressed = patch.suppressedAfter;
      else delete next.suppressed;
    }
    entries.push(entry(ctx, { change: 'email', from: null, to: null }));
    const moved = suppressionEntry(ctx, current.suppressed, next.suppressed);
    if (moved) entries.push(moved);
  }

  const changedFields: string[] = [];
  for (const name of ['firstName', 'lastName', 'locale'] as const) {
    const value = patch[name];
    if (value === undefined || (value ?? undefined) === current[name]) continue;
    setOptional(next, name, value);
    changedFields.push(name);
  }
  if (patch.fields && !sameJson(patch.fields, current.fields)) {
    next.fields = { ...patch.fields };
    changedFields.push('fields');
  }
  if (changedFields.length)
    entries.push(entry(ctx, { change: 'profile', from: null, to: null, fields: changedFields }));

  const interests = interestsAfter(current.interests, patch);
  if (interests) {
    checkInterestCount(interests);
    const before = new Set(current.interests);
    const after = new Set(interests);
    const added = interests.filter((t) => !before.has(t));
    const removed = current.interests.filter((t) => !after.has(t));
    next.interests = interests;
    if (added.length || removed.length) {
      entries.push(
        entry(ctx, {
          change: 'interests',
          from: null,
          to: null,
          ...(added.length ? { added } : {}),
          ...(removed.length ? { removed } : {}),
        }),
      );
    }
  }

  if (!entries.length) return undefined;
  next.updatedAt = ctx.at;
  return { next, entries };
};

/** One item of a batch import, already validated; its address matches the existing contact's key. */
export interface ImportInput {
  firstName?: string;
  lastName?: string;
  locale?: string;
  fields?: Record<string, FieldValue>;
  interests?: readonly string[];
  consent?: Omit<ConsentInput, 'source'> & { source?: Source };
  subscriptions?: Readonly<Record<string, RequestedSubscription>>;
}

/**
 * Upserting an existing contact from an import: what the item states replaces what is stored;
 * what it leaves out stays. Consent and subscriptions are recorded only when they change, so
 * importing the same file twice leaves the second time `unchanged`.
 */
export const importIntoContact = (
  current: ContactState,
  input: ImportInput,
  types: TypeLookup,
  ctx: ChangeContext,
): Change | undefined => {
  const patched = patchContact(
    current,
    {
      ...(input.firstName !== undefined ? { firstName: input.firstName } : {}),
      ...(input.lastName !== undefined ? { lastName: input.lastName } : {}),
      ...(input.locale !== undefined ? { locale: input.locale } : {}),
      ...(input.fields !== undefined ? { fields: input.fields } : {}),
      ...(input.interests !== undefined ? { interests: input.interests } : {}),
    },
    ctx,
  );
  let next = patched?.next ?? current;
  const entries = [...(patched?.entries ?? [])];
  if (input.consent) {
    const consentInput: ConsentInput = { ...input.consent, source: input.consent.source ?? ctx.source };
    const after = consentAfter(next.consent, consentInput, ctx.at);
    if (after.status !== next.consent.status || after.legalBasis !== next.consent.legalBasis) {
      entries.push(consentEntry(ctx, next.consent.status, consentInput, after));
      next = { ...next, consent: after };
      if (after.status === 'granted' && next.suppressed === 'erased') {
        next = { ...next };
        delete next.suppressed;
        const lifted = suppressionEntry(ctx, 'erased', undefined, consentInput.source);
        if (lifted) entries.push(lifted);
      }
    }
  }
  const subs = applySubscriptions(next.subscriptions, input.subscriptions ?? {}, types, ctx);
  if (subs.entries.length) {
    next = { ...next, subscriptions: subs.subscriptions };
    entries.push(...subs.entries);
  }
  if (!entries.length) return undefined;
  return { next: { ...next, updatedAt: ctx.at }, entries };
};

// ids.ts's alphabet (Crockford base32, lower case): decoding the time part of an id.
const idAlphabet = '0123456789abcdefghjkmnpqrstvwxyz';

/** The millisecond time an id (or an entry id, which starts with its change id) was issued for. */
export const idTime = (id: string): number => {
  let ms = 0;
  for (const c of id.slice(0, 10)) ms = ms * 32 + idAlphabet.indexOf(c);
  return ms;
};

/**
 * Gives drafts their ids: `<changeId>-<nn>`, one change id for all entries of one change. The change
 * id is issued for a time after `afterId` (the contact's newest entry), even if this machine's clock
 * is behind the last writer's, so sorting ids keeps the order in which changes were committed.
 */
export const assignEntryIds = (drafts: readonly HistoryDraft[], afterId?: string): HistoryEntry[] => {
  const now = Date.parse(drafts[0]?.at ?? new Date().toISOString());
  const changeId = newId(afterId ? Math.max(now, idTime(afterId) + 1) : now);
  return drafts.map((draft, i) => ({ id: `${changeId}-${String(i).padStart(2, '0')}`, ...draft }));
};

/** The contact as the API shows it. */
export const toPublicContact = (c: ContactState) => ({
  id: c.id,
  email: c.email,
  firstName: c.firstName ?? null,
  lastName: c.lastName ?? null,
  locale: c.locale ?? null,
  fields: c.fields,
  interests: c.interests,
  consent: {
    status: c.consent.status,
    legalBasis: c.consent.legalBasis,
    source: c.consent.source,
    at: c.consent.at,
  },
  subscriptions: Object.fromEntries(
    Object.entries(c.subscriptions).map(([typeId, s]) => [
      typeId,
      { status: s.status, source: s.source, at: s.at },
    ]),
  ),
  createdAt: c.createdAt,
  updatedAt: c.updatedAt,
});
export type PublicContact = ReturnType<typeof toPublicContact>;

/** What list building reads from a membership item: the rule's inputs and the merge fields. */
export const memberProjection = (c: ContactState) => ({
  contactId: c.id,
  email: c.email,
  consent: c.consent.status,
  subscriptions: Object.fromEntries(Object.entries(c.subscriptions).map(([typeId, s]) => [typeId, s.status])),
  ...(c.suppressed ? { suppressed: c.suppressed } : {}),
  ...(c.locale ? { locale: c.locale } : {}),
  ...(c.firstName ? { firstName: c.firstName } : {}),
  ...(c.lastName ? { lastName: c.lastName } : {}),
  interests: c.interests,
  ...(Object.keys(c.fields).length ? { fields: c.fields } : {}),
});

export type Membership = { kind: 'type'; typeId: string } | { kind: 'interest'; tag: string };

/** The memberships a contact has: every type it is `subscribed` to (not pending) and every interest. */
export const membershipsOf = (c: ContactState): Membership[] => [
  ...Object.entries(c.subscriptions)
    .filter(([, s]) => s.status === 'subscribed')
    .map(([typeId]) => ({ kind: 'type' as const, typeId })),
  ...c.interests.map((tag) => ({ kind: 'interest' as const, tag })),
];
