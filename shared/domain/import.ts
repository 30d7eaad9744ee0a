/**
 * CSV imports, pure: what each column means (by header, overridable), what each row asks for, and
 * the consent-safe merge — the one rule that decides what a row does to the contact it names.
 *
 * The merge, whatever the mode (`decideRow`, table-tested in test/unit/import-merge.test.ts):
 * 1. A suppressed or erased address is `skipped`: an import never brings one back.
 * 2. An empty cell changes nothing: no import withdraws consent or unsubscribes because a column is
 *    empty or missing.
 * 3. A consent or subscription the person set themselves (one-click, preference page, mailto,
 *    link, confirmation, complaint) is never changed by an import: such a row is `skipped`.
 * 4. An import never re-subscribes an unsubscribed type nor re-grants withdrawn consent, whoever
 *    recorded the opt-out: such a row is `skipped`. It records opt-outs the file states explicitly.
 * 5. Granting consent needs its source (where it was collected); in `update` mode also evidence:
 *    when (`consent_at`), or the wording (`consent_text`) or its version. Otherwise the row fails.
 * 6. Double opt-in types go `pending`; their confirmation mails are the caller's to queue.
 * 7. Profile: `add` fills only what the contact lacks; `update` replaces what the row states. Both
 *    only add interests.
 * A skipped or failed row changes nothing at all (never half a row).
 */
import { looksLikeFormula } from './csv.ts';
import {
  type Change,
  type ChangeContext,
  type ContactPatch,
  type ContactState,
  type Evidence,
  type LegalBasis,
  legalBases,
  newContact,
  normalizeTags,
  patchContact,
  type Source,
  setConsent,
  setSubscription,
  type TypeLookup,
} from './contact.ts';
import { type EmailAddress, parseEmail } from './email.ts';
import { DomainError } from './errors.ts';
import type { LineError } from './bulk-jobs.ts';
import type { RequestedSubscription, SubscriptionType } from './subscription-type.ts';

export const importModes = ['add', 'update'] as const;
export type ImportMode = (typeof importModes)[number];

/** Channels through which only the person acts: an import never overrides what came this way. */
export const personalSources: ReadonlySet<Source> = new Set<Source>([
  'one_click',
  'preference_page',
  'mailto',
  'link',
  'confirmation',
  'complaint',
]);

/** Where consent an import grants may have been collected. */
export const grantSources = ['form', 'api', 'admin', 'preference_page', 'link', 'confirmation'] as const;
export type GrantSource = (typeof grantSources)[number];

/** What a column holds. */
export type ColumnTarget =
  | 'email'
  | 'firstName'
  | 'lastName'
  | 'locale'
  | 'consent'
  | 'legalBasis'
  | 'consentSource'
  | 'consentAt'
  | 'consentText'
  | 'consentTextVersion'
  | 'interests'
  | `fields.${string}`
  | `subscriptions.${string}`;

/** The targets a mapping override may name (besides `fields.<name>`, `subscriptions.<type id or name>` and `ignore`). */
export const plainTargets = [
  'email',
  'firstName',
  'lastName',
  'locale',
  'consent',
  'legalBasis',
  'consentSource',
  'consentAt',
  'consentText',
  'consentTextVersion',
  'interests',
] as const;

const aliases: Readonly<Record<string, ColumnTarget>> = {
  email: 'email',
  e_mail: 'email',
  email_address: 'email',
  e_mail_address: 'email',
  first_name: 'firstName',
  firstname: 'firstName',
  given_name: 'firstName',
  last_name: 'lastName',
  lastname: 'lastName',
  surname: 'lastName',
  family_name: 'lastName',
  locale: 'locale',
  language: 'locale',
  consent: 'consent',
  legal_basis: 'legalBasis',
  legalbasis: 'legalBasis',
  consent_source: 'consentSource',
  consentsource: 'consentSource',
  consent_at: 'consentAt',
  consentat: 'consentAt',
  consent_date: 'consentAt',
  consent_text: 'consentText',
  consenttext: 'consentText',
  consent_text_version: 'consentTextVersion',
  consent_version: 'consentTextVersion',
  consenttextversion: 'consentTextVersion',
  interests: 'interests',
  tags: 'interests',
};

const fieldName = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

const normalizeHeader = (header: string) =>
  header
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

export interface ColumnMapping {
  /** Per column of the file: what it holds, or null when it is ignored. */
  targets: Array<ColumnTarget | null>;
  /** Headers of the columns that are ignored (shown to the user: a typo in a header shows here). */
  ignored: string[];
}

export type TypeRef = Pick<SubscriptionType, 'id' | 'name' | 'archived'>;

/**
 * What each column of a file holds: by header (`email`, `first_name`/`firstName`, `last_name`,
 * `locale`, `consent`, `legal_basis`, `consent_source`, `consent_at`, `consent_text`,
 * `consent_text_version`, `interests`, `fields.<name>`, a subscription type's id or name, or
 * `subscriptions.<id or name>`), or as `overrides` says (`{"E-post": "email", "Nyhetsbrev":
 * "subscriptions.<id>", "Notes": "ignore"}`). Problems are job-level: the file cannot be imported
 * as mapped.
 */
export const mapColumns = (
  headers: readonly string[],
  types: readonly TypeRef[],
  overrides: Readonly<Record<string, string>> = {},
): { ok: true; mapping: ColumnMapping } | { ok: false; error: LineError } => {
  const byName = new Map<string, string>();
  const byId = new Map<string, string>();
  for (const t of types) {
    byName.set(t.name.trim().toLowerCase(), t.id);
    byId.set(t.id, t.id);
  }
  const typeRef = (ref: string) => byId.get(ref.trim()) ?? byName.get(ref.trim().toLowerCase());
  const fail = (column: string | null, code: string, message: string) =>
    ({ ok: false, error: { line: 1, column, code, message } }) as const;

  const overrideKeys = new Map(Object.keys(overrides).map((k) => [k.trim().toLowerCase(), k]));
  for (const [lower, key] of overrideKeys)
    if (!headers.some((h) => h.trim().toLowerCase() === lower))
      return fail(key, 'unknown_column', `The mapping names a column "${key}" that the file does not have`);

  const targets: Array<ColumnTarget | null> = [];
  const ignored: string[] = [];
  for (const header of headers) {
    const key = overrideKeys.get(header.trim().toLowerCase());
    const wanted = key === undefined ? undefined : (overrides[key] as string);
    let target: ColumnTarget | null = null;
    if (wanted !== undefined) {
      if (wanted === 'ignore') target = null;
      else if ((plainTargets as readonly string[]).includes(wanted)) target = wanted as ColumnTarget;
      else if (wanted.startsWith('fields.') && fieldName.test(wanted.slice(7)))
        target = wanted as ColumnTarget;
      else if (wanted.startsWith('subscriptions.')) {
        const id = typeRef(wanted.slice(14));
        if (!id) return fail(header, 'unknown_type', `No subscription type "${wanted.slice(14)}"`);
        target = `subscriptions.${id}`;
      } else return fail(header, 'bad_mapping', `"${wanted}" is not something a column can hold`);
    } else {
      const normalized = normalizeHeader(header);
      const trimmed = header.trim();
      if (aliases[normalized]) target = aliases[normalized];
      else if (/^fields\./i.test(trimmed)) {
        const name = trimmed.slice(7);
        if (!fieldName.test(name))
          return fail(header, 'bad_header', `"${name}" is not a field name: letters, digits and _`);
        target = `fields.${name}`;
      } else if (/^subscriptions\./i.test(trimmed)) {
        const id = typeRef(trimmed.slice(14));
        if (!id) return fail(header, 'unknown_type', `No subscription type "${trimmed.slice(14)}"`);
        target = `subscriptions.${id}`;
      } else {
        const id = typeRef(trimmed);
        if (id) target = `subscriptions.${id}`;
      }
    }
    if (target && targets.includes(target))
      return fail(header, 'duplicate_column', `Two columns hold ${target}: keep one`);
    targets.push(target);
    if (!target) ignored.push(header);
  }
  if (!targets.includes('email'))
    return fail(null, 'missing_email_column', 'No e-mail column: name one "email", or map a column to email');
  return { ok: true, mapping: { targets, ignored } };
};

/** Values an import may set when the file leaves them empty. */
export interface ImportDefaults {
  consent?: { status: 'granted'; legalBasis?: LegalBasis; evidence?: Pick<Evidence, 'text' | 'textVersion'> };
  /** By type id. */
  subscriptions?: Readonly<Record<string, RequestedSubscription>>;
  /** Where granted consent was collected, for rows with no `consent_source`. */
  source?: GrantSource;
}

/** What one row asks for, once its cells are read and the defaults filled in. */
export interface RowInput {
  address: EmailAddress;
  firstName?: string;
  lastName?: string;
  locale?: string;
  fields?: Record<string, string>;
  interests?: string[];
  consent?: {
    status: 'granted' | 'withdrawn';
    legalBasis?: LegalBasis;
    source?: GrantSource;
    evidence?: Evidence;
  };
  subscriptions: Record<string, RequestedSubscription>;
}

const yes = new Set(['yes', 'y', 'true', '1', 'x', 'ja', 'subscribed', 'granted', 'opt_in', 'opted_in']);
const no = new Set(['no', 'n', 'false', '0', 'nej', 'unsubscribed', 'withdrawn', 'opt_out', 'opted_out']);

const flag = (cell: string): boolean | undefined => {
  const v = normalizeHeader(cell);
  if (yes.has(v)) return true;
  if (no.has(v)) return false;
  return undefined;
};

const maxLength: Partial<Record<string, number>> = {
  firstName: 100,
  lastName: 100,
  locale: 35,
  consentText: 5000,
  consentTextVersion: 100,
  interests: 6500,
};
const maxFieldLength = 1000;
const localePattern = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
const tagPattern = /\p{Cc}/u;

/** A time given as a date (`2024-05-17`) or a date and time in ISO 8601; undefined when it is neither. */
const parseTime = (cell: string): string | undefined => {
  const value = cell.trim();
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value))
    return undefined;
  const ms = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value.replace(' ', 'T'));
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
};

/**
 * Reads one row: each mapped cell checked (length, formula, format), the defaults filled in where
 * the cell is empty. `headers` name the columns in errors; `now` bounds `consent_at`.
 */
export const readRow = (
  cells: readonly string[],
  headers: readonly string[],
  mapping: ColumnMapping,
  defaults: ImportDefaults,
  line: number,
  now: number,
): { ok: true; row: RowInput } | { ok: false; errors: LineError[] } => {
  const errors: LineError[] = [];
  const err = (index: number | null, code: string, message: string) =>
    errors.push({ line, column: index === null ? null : (headers[index] ?? null), code, message });
  let email: string | undefined;
  const row: Omit<RowInput, 'address'> = { subscriptions: {} };
  let consent: 'granted' | 'withdrawn' | undefined;
  let legalBasis: LegalBasis | undefined;
  let source: GrantSource | undefined;
  const evidence: Evidence = {};

  mapping.targets.forEach((target, index) => {
    if (!target) return;
    const raw = cells[index] ?? '';
    const cell = raw.trim();
    if (!cell) return;
    if (looksLikeFormula(cell)) {
      err(index, 'formula', 'The cell starts like a spreadsheet formula; put the value itself');
      return;
    }
    const limit = target.startsWith('fields.') ? maxFieldLength : (maxLength[target] ?? 254);
    if (cell.length > limit) {
      err(index, 'too_long', `At most ${limit} characters (this has ${cell.length})`);
      return;
    }
    if (target.startsWith('fields.')) {
      row.fields = { ...row.fields, [target.slice(7)]: cell };
      return;
    }
    if (target.startsWith('subscriptions.')) {
      const value = flag(cell);
      if (value === undefined)
        err(index, 'bad_value', 'Use subscribed or unsubscribed (or yes/no), or leave it empty');
      else row.subscriptions[target.slice(14)] = value ? 'subscribed' : 'unsubscribed';
      return;
    }
    switch (target) {
      case 'email':
        email = cell;
        return;
      case 'firstName':
      case 'lastName':
        if (tagPattern.test(cell)) err(index, 'bad_value', 'No control characters');
        else row[target] = cell;
        return;
      case 'locale': {
        const locale = cell.replace('_', '-');
        const lower = locale.split('-')[0]?.toLowerCase() + locale.slice(locale.split('-')[0]?.length ?? 0);
        if (!localePattern.test(lower)) err(index, 'bad_value', 'A language tag such as en, sv or de-AT');
        else row.locale = lower;
        return;
      }
      case 'consent': {
        const value = flag(cell);
        if (value === undefined)
          err(index, 'bad_value', 'Use granted or withdrawn (or yes/no), or leave it empty');
        else consent = value ? 'granted' : 'withdrawn';
        return;
      }
      case 'legalBasis': {
        const value = normalizeHeader(cell);
        if (!(legalBases as readonly string[]).includes(value))
          err(index, 'bad_value', 'Use consent or legitimate_interest');
        else legalBasis = value as LegalBasis;
        return;
      }
      case 'consentSource': {
        const value = normalizeHeader(cell);
        if (!(grantSources as readonly string[]).includes(value))
          err(index, 'bad_value', `Where the consent was collected: ${grantSources.join(', ')}`);
        else source = value as GrantSource;
        return;
      }
      case 'consentAt': {
        const at = parseTime(cell);
        if (!at) err(index, 'bad_value', 'A date (2024-05-17) or a date and time in ISO 8601');
        else if (Date.parse(at) > now + 24 * 3600_000)
          err(index, 'bad_value', 'The consent cannot be from the future');
        else evidence.collectedAt = at;
        return;
      }
      case 'consentText':
        evidence.text = cell;
        return;
      case 'consentTextVersion':
        evidence.textVersion = cell;
        return;
      case 'interests': {
        const tags = normalizeTags(cell.split(/[|,;]/)).filter(Boolean);
        const bad = tags.find((t) => t.length > 64 || tagPattern.test(t));
        if (bad !== undefined)
          err(index, 'bad_value', 'Interests are 1–64 characters each, separated by | or ,');
        else row.interests = tags;
        return;
      }
    }
  });

  const emailIndex = mapping.targets.indexOf('email');
  let address: EmailAddress | undefined;
  if (!email) err(emailIndex, 'missing_email', 'No e-mail address in this row');
  else if (!errors.some((e) => e.column === headers[emailIndex])) {
    const parsed = parseEmail(email);
    if (parsed.ok) address = parsed.address;
    else err(emailIndex, 'invalid_email', parsed.reason);
  }

  // Defaults fill what the row leaves empty; cells always win.
  for (const [typeId, status] of Object.entries(defaults.subscriptions ?? {}))
    if (!(typeId in row.subscriptions)) row.subscriptions[typeId] = status;
  if (!consent && defaults.consent) {
    consent = defaults.consent.status;
    legalBasis ??= defaults.consent.legalBasis;
    if (defaults.consent.evidence?.text && !evidence.text) evidence.text = defaults.consent.evidence.text;
    if (defaults.consent.evidence?.textVersion && !evidence.textVersion)
      evidence.textVersion = defaults.consent.evidence.textVersion;
  }
  source ??= defaults.source;
  if (consent) {
    row.consent = {
      status: consent,
      ...(legalBasis ? { legalBasis } : {}),
      ...(source ? { source } : {}),
      ...(Object.keys(evidence).length ? { evidence } : {}),
    };
  }
  if (errors.length || !address) return { ok: false, errors };
  return { ok: true, row: { address, ...row } };
};

export type SkipReason = 'suppressed' | 'own_choice' | 'unsubscribed' | 'consent_withdrawn';

export type RowOutcome =
  | { kind: 'created'; change: Change }
  | { kind: 'updated'; change: Change }
  | { kind: 'unchanged' }
  | { kind: 'skipped'; reason: SkipReason; column: string | null; message: string }
  | { kind: 'failed'; code: string; column: string | null; message: string };

export interface DecideInput {
  mode: ImportMode;
  row: RowInput;
  /** The contact that holds the address now, if any. */
  current?: ContactState | undefined;
  /** The reason of the address's suppression entry, if it has one. */
  suppression?: string | undefined;
  types: TypeLookup;
  ctx: ChangeContext;
  /** The id a new contact gets (deterministic per job and row, so a resumed step finds it). */
  newId: string;
  /** Column names for messages: by target. */
  columnOf?: (target: string) => string | null;
}

const day = (iso: string | null | undefined) => (iso ? iso.slice(0, 10) : 'earlier');

/** The consent-safe merge: what one row does (see the module comment). */
export const decideRow = (input: DecideInput): RowOutcome => {
  const { mode, row, current, types, ctx } = input;
  const column = (target: string) => input.columnOf?.(target) ?? null;
  const skip = (reason: SkipReason, col: string | null, message: string): RowOutcome => ({
    kind: 'skipped',
    reason,
    column: col,
    message,
  });
  const suppressed = current?.suppressed ?? input.suppression;
  if (suppressed)
    return skip(
      'suppressed',
      column('email'),
      `The address is suppressed (${suppressed}): an import never brings it back`,
    );

  const grant = row.consent?.status === 'granted' ? row.consent : undefined;
  if (grant && !grant.source)
    return {
      kind: 'failed',
      code: 'consent_source_required',
      column: column('consentSource') ?? column('consent'),
      message: 'Granting consent needs where it was collected: a consent_source column or a default source',
    };
  const evidence = row.consent?.evidence;
  if (grant && mode === 'update' && !(evidence?.collectedAt || evidence?.text || evidence?.textVersion))
    return {
      kind: 'failed',
      code: 'consent_evidence_required',
      column: column('consentAt') ?? column('consent'),
      message:
        'In update mode, granting consent needs evidence: consent_at, consent_text or consent_text_version',
    };
  const consentInput = row.consent && {
    status: row.consent.status,
    ...(row.consent.legalBasis ? { legalBasis: row.consent.legalBasis } : {}),
    source: row.consent.source ?? ('import' as Source),
    ...(row.consent.evidence ? { evidence: row.consent.evidence } : {}),
  };

  try {
    if (!current) {
      const change = newContact(
        {
          id: input.newId,
          address: row.address,
          ...(row.firstName ? { firstName: row.firstName } : {}),
          ...(row.lastName ? { lastName: row.lastName } : {}),
          ...(row.locale ? { locale: row.locale } : {}),
          ...(row.fields ? { fields: row.fields } : {}),
          ...(row.interests ? { interests: row.interests } : {}),
          ...(consentInput ? { consent: consentInput } : {}),
          subscriptions: row.subscriptions,
        },
        types,
        ctx,
      );
      // Only the creation names the job: the entries of one change share its id, and the contact
      // item stays within one write unit (docs/design.md, the import's write cost).
      const entries = change.entries.map((e) => {
        if (e.change === 'created') return e;
        const { requestId: _requestId, ...rest } = e;
        return rest;
      });
      return { kind: 'created', change: { next: change.next, entries } };
    }

    // Consent.
    let next: ContactState = current;
    const entries: Change['entries'] = [];
    const apply = (change: Change | undefined) => {
      if (!change) return;
      next = change.next;
      entries.push(...change.entries);
    };
    if (consentInput && consentInput.status !== current.consent.status) {
      const by = current.consent.source;
      if (current.consent.status === 'withdrawn')
        return by && personalSources.has(by)
          ? skip(
              'own_choice',
              column('consent'),
              `The person withdrew consent themselves (${by}, ${day(current.consent.at)})`,
            )
          : skip(
              'consent_withdrawn',
              column('consent'),
              `Consent was withdrawn (${by ?? 'unknown'}, ${day(current.consent.at)}): an import never grants it again`,
            );
      if (current.consent.status === 'granted' && by && personalSources.has(by))
        return skip(
          'own_choice',
          column('consent'),
          `The person granted consent themselves (${by}, ${day(current.consent.at)})`,
        );
      apply(setConsent(next, consentInput, ctx));
    }

    // Subscriptions, type by type.
    for (const [typeId, wanted] of Object.entries(row.subscriptions)) {
      const type = types.get(typeId);
      if (!type)
        return {
          kind: 'failed',
          code: 'unknown_type',
          column: column(`subscriptions.${typeId}`),
          message: 'No such subscription type',
        };
      const before = Object.hasOwn(current.subscriptions, typeId) ? current.subscriptions[typeId] : undefined;
      const col = column(`subscriptions.${typeId}`);
      if (wanted === 'subscribed') {
        if (before?.status === 'subscribed' || before?.status === 'pending') continue;
        if (before?.status === 'unsubscribed')
          return personalSources.has(before.source)
            ? skip(
                'own_choice',
                col,
                `The person unsubscribed from "${type.name}" themselves (${before.source}, ${day(before.at)})`,
              )
            : skip(
                'unsubscribed',
                col,
                `Unsubscribed from "${type.name}" (${before.source}, ${day(before.at)}): an import never subscribes again`,
              );
      } else {
        if (before?.status === 'unsubscribed') continue;
        if (before && personalSources.has(before.source))
          return skip(
            'own_choice',
            col,
            `The person chose "${type.name}" themselves (${before.source}, ${day(before.at)})`,
          );
      }
      apply(setSubscription(next, type, { status: wanted, source: 'import' }, ctx));
    }

    // Profile and interests.
    const patch: ContactPatch = {};
    for (const name of ['firstName', 'lastName', 'locale'] as const) {
      const value = row[name];
      if (value === undefined || value === current[name]) continue;
      if (mode === 'update' || current[name] === undefined) patch[name] = value;
    }
    if (row.fields) {
      const fields = { ...current.fields };
      let changed = false;
      for (const [name, value] of Object.entries(row.fields)) {
        if (fields[name] === value) continue;
        if (mode === 'add' && fields[name] !== undefined && fields[name] !== null) continue;
        fields[name] = value;
        changed = true;
      }
      if (changed) patch.fields = fields;
    }
    if (row.interests?.length) patch.addInterests = row.interests;
    apply(patchContact(next, patch, ctx));

    if (!entries.length) return { kind: 'unchanged' };
    return { kind: 'updated', change: { next: { ...next, updatedAt: ctx.at }, entries } };
  } catch (error) {
    // A rule the row breaks (an archived type, too many interests) fails the row; anything else is a bug.
    if (!(error instanceof DomainError)) throw error;
    const details = (error as { details?: Array<{ code?: string; message?: string; typeId?: string }> })
      .details;
    const first = details?.[0];
    return {
      kind: 'failed',
      code: first?.code ?? 'rule_violation',
      column: first?.typeId ? column(`subscriptions.${first.typeId}`) : null,
      message: (error as Error).message,
    };
  }
};
