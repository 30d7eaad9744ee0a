/**
 * The preference page: what it shows, and saving it.
 *
 * Consent on this page (a judgement call, written down): a box is ticked only when the person
 * actually receives that type — e-marketing consent granted and the type subscribed (or waiting for
 * its double opt-in confirmation). Ticking a type and saving is a specific, informed, affirmative act
 * by someone who holds a link mailed to the address, so when consent is not granted it is granted
 * in the same write (source `preference_page`, basis `consent`, with the page's text version and the
 * request's evidence). Shown types left unticked are unsubscribed, so after re-granting the person
 * gets exactly what they ticked, never an older subscription they no longer saw ticked.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import * as contacts from '#shared/adapters/dynamodb/contacts.ts';
import * as subscriptionTypes from '#shared/adapters/dynamodb/subscription-types.ts';
import { signingKeys } from '#shared/adapters/secrets/signing-keys.ts';
import { type Change, type ContactState, setConsent, setSubscription } from '#shared/domain/contact.ts';
import { NotFoundError, ValidationError } from '#shared/domain/errors.ts';
import { chooseLanguage } from '#shared/domain/i18n.ts';
import type { SubscriptionType } from '#shared/domain/subscription-type.ts';
import type { KeySet } from '#shared/domain/tokens.ts';
import { logger } from '#shared/observability/logger.ts';
import type { SavedNotice, ShownType } from '#shared/pages/preferences-page.ts';
import { sendConfirmation } from './double-opt-in.ts';
import { combine, type RecipientAct, recipientChange, recipientContext } from './recipient-changes.ts';

/** Every subscription type, oldest first (the byKind index; types are few). */
export const allTypes = async (): Promise<SubscriptionType[]> => {
  const types: SubscriptionType[] = [];
  let cursor: string | undefined;
  do {
    const page = await subscriptionTypes.list(100, cursor);
    types.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return types;
};

const isActive = (status: string | undefined) => status === 'subscribed' || status === 'pending';

const statusOf = (contact: ContactState, typeId: string) =>
  Object.hasOwn(contact.subscriptions, typeId) ? contact.subscriptions[typeId]?.status : undefined;

/** docs/api.md: every public, non-archived type, plus any type the contact is subscribed to (or pending). */
export const typesShown = (types: readonly SubscriptionType[], contact: ContactState): SubscriptionType[] =>
  types.filter((type) => (type.public && !type.archived) || isActive(statusOf(contact, type.id)));

// The prefix keeps these MACs apart from token MACs (a token's signed part has no ':') and from
// address fingerprints (`fp:v1:`), all made with the same keys.
const shownMac = (secret: string, contactId: string, shown: string) =>
  createHmac('sha256', secret).update(`shown:v1:${contactId}:${shown}`).digest('base64url');

/** The ids the page shows, and their signature: the save changes exactly these. */
export const signShown = (keys: KeySet, contactId: string, ids: readonly string[]) => {
  const shown = ids.join(',');
  return { shown, sig: `${keys.current}.${shownMac(keys.keys[keys.current] as string, contactId, shown)}` };
};

/** The ids of a signed `shown` field, or undefined when it was not signed for this contact. */
export const verifyShown = (
  keys: KeySet,
  contactId: string,
  shown: string,
  sig: string,
): string[] | undefined => {
  const dot = sig.indexOf('.');
  const kid = sig.slice(0, dot);
  const secret = dot > 0 && Object.hasOwn(keys.keys, kid) ? keys.keys[kid] : undefined;
  if (secret === undefined) return undefined;
  const expected = Buffer.from(shownMac(secret, contactId, shown));
  const given = Buffer.from(sig.slice(dot + 1));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return shown ? shown.split(',') : [];
};

export interface PreferencesView {
  contact: ContactState;
  types: ShownType[];
  shown: string;
  shownSig: string;
  /** Consent is not granted: the person receives nothing, so nothing is ticked. */
  consentInactive: boolean;
}

const viewOf = (contact: ContactState, types: readonly SubscriptionType[], keys: KeySet): PreferencesView => {
  const consentActive = contact.consent.status === 'granted';
  const shown = typesShown(types, contact);
  const signed = signShown(
    keys,
    contact.id,
    shown.map((t) => t.id),
  );
  return {
    contact,
    types: shown.map((type) => {
      const status = statusOf(contact, type.id);
      const checked = consentActive && isActive(status);
      return { type, checked, pending: checked && status === 'pending' };
    }),
    shown: signed.shown,
    shownSig: signed.sig,
    consentInactive: !consentActive,
  };
};

/**
 * What the preference page shows.
 * Input: a contact id (from a verified token). Output: the contact, the shown types with their
 * state, the signed list of shown ids. NotFoundError when the contact is gone (erased).
 */
export const loadPreferences = async (contactId: string): Promise<PreferencesView> => {
  const [contact, types, keys] = await Promise.all([contacts.get(contactId), allTypes(), signingKeys()]);
  if (!contact) throw new NotFoundError('Contact not found');
  return viewOf(contact, types, keys);
};

export interface SaveInput {
  action: 'save' | 'unsubscribe_all';
  /** Ids of the ticked boxes. */
  checked: readonly string[];
  shown: string;
  sig: string;
  /** The browser's Accept-Language: the language of a confirmation mail when the contact has no locale. */
  acceptLanguage?: string | undefined;
}

/** Version of the preference page's wording, recorded with a consent given on it. */
export const preferencePageTextVersion = 'preference-page/v1';

/**
 * Save the preference page.
 * Input: the button pressed, the ticked ids, the signed shown ids, the act. Output: the page as it
 * now is, and what to tell the person.
 * 1. Check the signature of the shown ids (400 when it does not match: the form was tampered with).
 * 2. In one conditional write of the contact, with history:
 *    - "unsubscribe from everything": withdraw e-marketing consent (GDPR Art. 21), reason attached;
 *    - "save": for each shown type only, subscribe what is ticked and not active (double opt-in
 *      types become `pending`), unsubscribe what is active and not ticked (reason attached); grant
 *      consent if something is ticked and consent is not granted (see the module comment).
 * 3. Send a confirmation mail for each type that became `pending`.
 */
export const savePreferences = async (
  contactId: string,
  input: SaveInput,
  act: RecipientAct,
): Promise<{ view: PreferencesView; notice: SavedNotice }> => {
  const [types, keys] = await Promise.all([allTypes(), signingKeys()]);
  const shownIds = verifyShown(keys, contactId, input.shown, input.sig);
  if (!shownIds) throw new ValidationError('The list of shown types is not signed for this contact');
  const byId = new Map(types.map((t) => [t.id, t]));
  const shown = shownIds.flatMap((id) => byId.get(id) ?? []);
  const ticked = new Set(input.checked);
  const ctx = recipientContext('preference_page', act);
  const evidence = act.evidence;

  let newlyPending: SubscriptionType[] = [];
  const { contact } = await recipientChange(contactId, act, (current) => {
    newlyPending = [];
    if (input.action === 'unsubscribe_all') {
      if (current.consent.status === 'withdrawn') return undefined;
      return setConsent(current, { status: 'withdrawn', source: 'preference_page', evidence }, ctx);
    }
    const steps: Array<(state: ContactState) => Change | undefined> = [];
    const wantsSomething = shown.some((type) => ticked.has(type.id));
    if (wantsSomething && current.consent.status !== 'granted') {
      steps.push((state) =>
        setConsent(
          state,
          {
            status: 'granted',
            legalBasis: 'consent',
            source: 'preference_page',
            evidence: {
              ...evidence,
              textVersion: `${preferencePageTextVersion}/${chooseLanguage(state.locale, input.acceptLanguage)}`,
            },
          },
          ctx,
        ),
      );
    }
    for (const type of shown) {
      const active = isActive(statusOf(current, type.id));
      if (ticked.has(type.id) && !active && !type.archived) {
        steps.push((state) => {
          const change = setSubscription(
            state,
            type,
            { status: 'subscribed', source: 'preference_page', evidence },
            ctx,
          );
          if (change.next.subscriptions[type.id]?.status === 'pending') newlyPending.push(type);
          return change;
        });
      } else if (!ticked.has(type.id) && active) {
        steps.push((state) =>
          setSubscription(state, type, { status: 'unsubscribed', source: 'preference_page', evidence }, ctx),
        );
      }
    }
    return combine(current, steps);
  });

  for (const type of newlyPending) await sendConfirmation(contact, type, input.acceptLanguage);
  logger.info('preferences saved', { contactId, action: input.action, confirmations: newlyPending.length });
  return {
    view: viewOf(contact, types, keys),
    notice:
      input.action === 'unsubscribe_all'
        ? { kind: 'unsubscribed_all' }
        : { kind: 'saved', confirmationsSent: newlyPending },
  };
};
