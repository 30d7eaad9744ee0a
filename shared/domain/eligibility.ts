/**
 * The eligibility rule: may this mailing go to this contact, and why (not)?
 *
 * One pure function, used by the recipient report shown before sending, by planning, and by the
 * last check just before a message is handed to SES. It runs once per recipient, two or three
 * times per mailing, so it is written to allocate nothing: every answer is a frozen constant.
 */

/** Every reason a verdict can carry, in the order the rule checks them. */
export const eligibilityReasons = [
  'invalid_email',
  'suppressed',
  'privacy_off',
  'override',
  'no_consent',
  'unsubscribed',
  'not_subscribed',
  'eligible',
] as const;
export type EligibilityReason = (typeof eligibilityReasons)[number];

/** Reasons that come with `verdict: 'included'`. */
export const reasonsIncluded = ['privacy_off', 'override', 'eligible'] as const;
export type IncludedReason = (typeof reasonsIncluded)[number];

/** Reasons that come with `verdict: 'excluded'`. */
export const reasonsExcluded = [
  'invalid_email',
  'suppressed',
  'no_consent',
  'unsubscribed',
  'not_subscribed',
] as const;
export type ExcludedReason = (typeof reasonsExcluded)[number];

export const verdicts = ['included', 'excluded'] as const;
export type Verdict = (typeof verdicts)[number];

/** A contact's e-marketing consent status (API: `consent.status`). */
export type ConsentStatus = 'granted' | 'withdrawn' | 'none';

/**
 * A contact's subscription status for one type (API: `subscriptions[typeId].status`);
 * `undefined` means never asked. `pending` is a double opt-in not yet confirmed.
 */
export type SubscriptionStatus = 'subscribed' | 'unsubscribed' | 'pending';

/** What the rule needs from the mailing. */
export interface EligibilityMailing {
  /** The mailing's subscription type; `EligibilityContact.subscriptionStatus` must be for this type. */
  readonly typeId: string;
  /** Admin-only consent override: sends regardless of consent and subscription (never of suppression). */
  readonly overrideConsent: boolean;
}

/** What the rule needs from the contact: three fields, all found on a list-membership index item. */
export interface EligibilityContact {
  readonly email: string | undefined | null;
  readonly consent: ConsentStatus;
  /** Status for the mailing's type; see {@link subscriptionStatusFor}. */
  readonly subscriptionStatus: SubscriptionStatus | undefined;
}

/** The suppression entry for the contact's address, if there is one. */
export interface EligibilitySuppression {
  /** e.g. `hard_bounce`, `soft_bounce`, `complaint`, `manual`, `erased`. */
  readonly reason: string;
}

/** The verdict and its reason. Results are frozen and shared: never mutate or extend them. */
export type EligibilityResult =
  | { readonly verdict: 'included'; readonly reason: IncludedReason }
  | { readonly verdict: 'excluded'; readonly reason: 'suppressed'; readonly suppressionReason: string }
  | { readonly verdict: 'excluded'; readonly reason: Exclude<ExcludedReason, 'suppressed'> };

const result = <R extends EligibilityResult>(r: R): R => Object.freeze(r);

const INVALID_EMAIL = result({ verdict: 'excluded', reason: 'invalid_email' });
const PRIVACY_OFF = result({ verdict: 'included', reason: 'privacy_off' });
const OVERRIDE = result({ verdict: 'included', reason: 'override' });
const NO_CONSENT = result({ verdict: 'excluded', reason: 'no_consent' });
const UNSUBSCRIBED = result({ verdict: 'excluded', reason: 'unsubscribed' });
const NOT_SUBSCRIBED = result({ verdict: 'excluded', reason: 'not_subscribed' });
const ELIGIBLE = result({ verdict: 'included', reason: 'eligible' });

// Suppression reasons are a handful of strings, so one frozen result per reason is cached. The cap
// only guards against a caller passing free text: past it, results are still correct, just fresh.
const suppressedCache = new Map<string, EligibilityResult>();
const suppressedCacheLimit = 64;
const suppressed = (reason: string): EligibilityResult => {
  const cached = suppressedCache.get(reason);
  if (cached !== undefined) return cached;
  const fresh = result({ verdict: 'excluded', reason: 'suppressed', suppressionReason: reason });
  if (suppressedCache.size < suppressedCacheLimit) suppressedCache.set(reason, fresh);
  return fresh;
};

/**
 * A cheap syntactic check, not RFC 5322: at most 254 characters, exactly one `@`, a local part of
 * 1–64 characters, a domain containing a dot with no empty label, no whitespace or control
 * characters. A char scan rather than a regex: it runs for every recipient, several times.
 */
export const isValidEmail = (email: string | undefined | null): email is string => {
  if (typeof email !== 'string') return false;
  const length = email.length;
  if (length < 5 || length > 254) return false; // a@b.c is the shortest that passes
  let at = -1;
  let domainDot = false;
  let previous = 0;
  for (let i = 0; i < length; i++) {
    const c = email.charCodeAt(i);
    // space and C0 controls, DEL, C1 controls and NBSP
    if (c <= 0x20 || (c >= 0x7f && c <= 0xa0) || c === 0x2028 || c === 0x2029) return false;
    if (c === 0x40) {
      if (at !== -1 || i === 0 || i > 64) return false;
      at = i;
    } else if (c === 0x2e && at !== -1) {
      // no empty domain label: not right after '@', not after another dot
      if (previous === 0x40 || previous === 0x2e) return false;
      domainDot = true;
    }
    previous = c;
  }
  return domainDot && previous !== 0x2e;
};

/**
 * Evaluates the eligibility rule; first match wins:
 * 1. no valid e-mail address → excluded `invalid_email`
 * 2. address suppressed → excluded `suppressed` (with the suppression's reason)
 * 3. privacy setting off → included `privacy_off`; consent override on → included `override`
 * 4. consent not `granted` → excluded `no_consent`
 * 5. `unsubscribed` from the type → excluded `unsubscribed`; never asked or `pending` → excluded `not_subscribed`
 * 6. otherwise included `eligible`
 *
 * Pure and allocation-free: the returned objects are frozen constants shared between calls.
 */
export const evaluate = (
  mailing: EligibilityMailing,
  privacyEnabled: boolean,
  contact: EligibilityContact,
  suppression: EligibilitySuppression | undefined,
): EligibilityResult => {
  // An address we cannot deliver to is excluded whatever anyone decided: nothing can make it work.
  if (!isValidEmail(contact.email)) return INVALID_EMAIL;
  // Suppression beats every decision below, the override included: it protects the sender's
  // reputation (bounces, complaints) and honours legal erasure, which no marketer may overrule.
  if (suppression !== undefined) return suppressed(suppression.reason);
  // With the privacy filter off the admin has decided consent and subscriptions are not checked,
  // so the override has nothing left to override: report the broader reason.
  if (!privacyEnabled) return PRIVACY_OFF;
  // The override is an audited admin decision to send without consent or subscription.
  if (mailing.overrideConsent) return OVERRIDE;
  // Consent is the legal basis for any marketing (GDPR Art. 21: an objection stops all of it),
  // so it is checked before the per-type choice.
  if (contact.consent !== 'granted') return NO_CONSENT;
  const status = contact.subscriptionStatus;
  if (status === 'subscribed') return ELIGIBLE;
  if (status === 'unsubscribed') return UNSUBSCRIBED;
  // Never asked, or a double opt-in not yet confirmed: not a subscription yet.
  return NOT_SUBSCRIBED;
};

/**
 * The status of `typeId` in a contact's `subscriptions` map (API shape), `undefined` when never
 * asked. Reads own properties only, so a type id such as `constructor` cannot hit the prototype.
 */
export const subscriptionStatusFor = (
  subscriptions: Readonly<Record<string, { readonly status: SubscriptionStatus } | undefined>> | undefined,
  typeId: string,
): SubscriptionStatus | undefined =>
  subscriptions !== undefined && Object.hasOwn(subscriptions, typeId)
    ? subscriptions[typeId]?.status
    : undefined;
