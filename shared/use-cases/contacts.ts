import * as contacts from '#shared/adapters/dynamodb/contacts.ts';
import { history } from '#shared/adapters/dynamodb/history.ts';
import * as subscriptionTypes from '#shared/adapters/dynamodb/subscription-types.ts';
import { suppressions } from '#shared/adapters/dynamodb/suppressions.ts';
import type { Actor } from '#shared/domain/api-key.ts';
import {
  type ChangeContext,
  type ConsentInput,
  type ContactPatch,
  type ContactState,
  type FieldValue,
  type PublicContact,
  type Source,
  type SubscriptionInput,
  newContact,
  patchContact,
  setConsent,
  setSubscription,
  toPublicContact,
} from '#shared/domain/contact.ts';
import { type EmailAddress, parseEmail } from '#shared/domain/email.ts';
import { ConflictError, NotFoundError, ValidationError } from '#shared/domain/errors.ts';
import { newId } from '#shared/domain/ids.ts';
import type { RequestedSubscription, SubscriptionType } from '#shared/domain/subscription-type.ts';
import { logger } from '#shared/observability/logger.ts';
import { confirmNewlyPending } from './double-opt-in.ts';

/** What a request adds to every change it makes: its id, for tracing a history entry to a log line. */
export interface RequestInfo {
  requestId?: string;
}

export const changeContext = (actor: Actor, source: Source, request: RequestInfo = {}): ChangeContext => ({
  at: new Date().toISOString(),
  actor: actor.keyId,
  source,
  ...(request.requestId ? { requestId: request.requestId } : {}),
});

/** The address, validated and normalised, or a 422 naming `field`. */
export const addressOf = (email: string, field: string): EmailAddress => {
  const parsed = parseEmail(email);
  if (!parsed.ok) {
    throw new ValidationError('The e-mail address is not valid', [
      { path: field, code: 'invalid_email', message: parsed.reason },
    ]);
  }
  return parsed.address;
};

/** The types named by `subscriptions`; an unknown id is a 422 naming `<field>.<typeId>`. */
export const typesFor = async (
  subscriptions: Readonly<Record<string, unknown>> | undefined,
  field: string,
): Promise<Map<string, SubscriptionType>> => {
  const ids = Object.keys(subscriptions ?? {});
  if (!ids.length) return new Map();
  const types = await subscriptionTypes.getMany(ids);
  const unknown = ids.filter((id) => !types.has(id));
  if (unknown.length) {
    throw new ValidationError(
      'Unknown subscription type',
      unknown.map((id) => ({
        path: `${field}.${id}`,
        code: 'unknown_type',
        message: 'No such subscription type',
      })),
    );
  }
  return types;
};

const existing = async (id: string) => {
  const contact = await contacts.get(id);
  if (!contact) throw new NotFoundError('Contact not found');
  return contact;
};

export interface CreateContactInput {
  email: string;
  firstName?: string;
  lastName?: string;
  locale?: string;
  fields?: Record<string, FieldValue>;
  consent?: Omit<ConsentInput, 'source'> & { source?: Source };
  subscriptions?: Record<string, RequestedSubscription>;
  interests?: string[];
  source?: Source;
}

/**
 * Create a contact.
 * Input: address, profile, consent, subscriptions, interests; the caller. Output: the contact (201),
 * or 409 when the address belongs to a contact already.
 * 1. Validate and normalise the address; load the subscription types it names (422 if unknown).
 * 2. Look up the address's suppression entry (an erased person stays suppressed when re-imported).
 * 3. Compute the contact and its history: created, consent, each subscription (422 for archived types).
 * 4. Claim the address (conditional put): the one race winner goes on, everyone else gets 409.
 * 5. Store the contact item with its history in the outbox, then memberships and history items.
 *    If storing fails, give the claim back (only when the contact item was not written).
 */
export const createContact = async (
  input: CreateContactInput,
  actor: Actor,
  request: RequestInfo = {},
): Promise<PublicContact> => {
  const address = addressOf(input.email, 'body.email');
  const types = await typesFor(input.subscriptions, 'body.subscriptions');
  const suppression = await suppressions.getByEmail(address.key);
  const ctx = changeContext(actor, input.source ?? 'api', request);
  const id = newId();
  const change = newContact(
    {
      id,
      address,
      ...(input.firstName ? { firstName: input.firstName } : {}),
      ...(input.lastName ? { lastName: input.lastName } : {}),
      ...(input.locale ? { locale: input.locale } : {}),
      ...(input.fields ? { fields: input.fields } : {}),
      ...(input.interests ? { interests: input.interests } : {}),
      ...(input.consent ? { consent: input.consent } : {}),
      ...(input.subscriptions ? { subscriptions: input.subscriptions } : {}),
      ...(suppression ? { suppressed: suppression.reason } : {}),
    },
    types,
    ctx,
  );
  if (!(await contacts.claim(address.key, id))) {
    throw new ConflictError('A contact with this e-mail address exists', [
      { path: 'body.email', code: 'email_taken', message: 'This address belongs to another contact' },
    ]);
  }
  try {
    const contact = await contacts.insert(change);
    logger.debug('contact created', { contactId: id });
    // Double opt-in types start pending: their confirmation mail goes out now.
    await confirmNewlyPending(undefined, contact, types);
    return toPublicContact(contact);
  } catch (error) {
    // The write may have succeeded with its answer lost: only a claim without its contact is given back.
    const written = await contacts.get(id).then(
      (found) => found !== undefined,
      () => true,
    );
    if (!written) await contacts.releaseClaim(address.key, id);
    throw error;
  }
};

export const getContact = async (id: string): Promise<PublicContact> => toPublicContact(await existing(id));

/** GET /contacts?email=: a list of zero or one (addresses are unique). */
export const findContacts = async (email: string) => {
  const contact = await contacts.findByEmail(addressOf(email, 'query.email').key);
  return { items: contact ? [toPublicContact(contact)] : [], nextCursor: null };
};

export interface UpdateContactInput {
  email?: string;
  firstName?: string | null;
  lastName?: string | null;
  locale?: string | null;
  fields?: Record<string, FieldValue>;
  interests?: string[];
  addInterests?: string[];
  removeInterests?: string[];
  source?: Source;
}

/**
 * Update a contact's address, profile or interests.
 * Input: the fields to change; the caller. Output: the contact as it now is.
 * 1. For a new address (other than a change of case): note it on the contact (so an erasure finds
 *    its claim whatever happens next), claim it (409 if taken), and look up its suppression entry,
 *    which the contact then mirrors.
 * 2. Change the contact (one conditional write with its history entries, then memberships and
 *    history items). Nothing to change → no write.
 * 3. Give back the old address's claim; if the change failed, give back the new one instead.
 *    (A crash in between leaves a claim without its contact: taken over after the grace period.)
 */
export const updateContact = async (
  id: string,
  input: UpdateContactInput,
  actor: Actor,
  request: RequestInfo = {},
): Promise<PublicContact> => {
  const current = await existing(id);
  const ctx = changeContext(actor, input.source ?? 'api', request);
  const patch: ContactPatch = {
    ...(input.firstName !== undefined ? { firstName: input.firstName } : {}),
    ...(input.lastName !== undefined ? { lastName: input.lastName } : {}),
    ...(input.locale !== undefined ? { locale: input.locale } : {}),
    ...(input.fields !== undefined ? { fields: input.fields } : {}),
    ...(input.interests !== undefined ? { interests: input.interests } : {}),
    ...(input.addInterests !== undefined ? { addInterests: input.addInterests } : {}),
    ...(input.removeInterests !== undefined ? { removeInterests: input.removeInterests } : {}),
  };
  let newKey: string | undefined;
  let start = current;
  if (input.email !== undefined) {
    const address = addressOf(input.email, 'body.email');
    patch.address = address;
    if (address.key !== current.emailKey) {
      const suppression = await suppressions.getByEmail(address.key);
      if (suppression) patch.suppressedAfter = suppression.reason;
      start = await contacts.noteClaim(current, address.key);
      if (!(await contacts.claim(address.key, id))) {
        await contacts.forgetClaim(id, address.key);
        throw new ConflictError('A contact with this e-mail address exists', [
          { path: 'body.email', code: 'email_taken', message: 'This address belongs to another contact' },
        ]);
      }
      newKey = address.key;
    }
  }
  let oldKey: string | undefined;
  try {
    const { contact } = await contacts.change(
      id,
      (fresh) => {
        oldKey = fresh.emailKey;
        return patchContact(fresh, patch, ctx);
      },
      start,
    );
    if (newKey && oldKey && oldKey !== newKey) await contacts.releaseClaim(oldKey, id);
    return toPublicContact(contact);
  } catch (error) {
    if (newKey) {
      // Give the new address back unless the contact moved to it after all (its answer lost).
      const now = await contacts.get(id).then(
        (found) => found?.emailKey,
        () => newKey,
      );
      if (now !== newKey) await contacts.releaseClaim(newKey, id);
    }
    throw error;
  }
};

/**
 * Grant or withdraw e-marketing consent.
 * Input: status, legal basis, source, evidence; the caller. Output: the contact.
 * 1. Change the contact's consent with a `consent` history entry (who, when, how, evidence).
 * 2. When granting: remove an `erased` suppression entry of the address (docs/api.md: an erased person
 *    is not mailed until they grant consent again). After step 1, so a crash in between leaves the
 *    address suppressed (the safe side); a retry of the grant lifts it.
 */
export const setContactConsent = async (
  id: string,
  input: ConsentInput,
  actor: Actor,
  request: RequestInfo = {},
): Promise<PublicContact> => {
  const ctx = changeContext(actor, input.source, request);
  const { contact } = await contacts.change(id, (current) => setConsent(current, input, ctx));
  if (input.status === 'granted') {
    const fingerprint = await suppressions.fingerprint(contact.emailKey);
    if (await suppressions.delete(fingerprint, { onlyReason: 'erased' })) {
      logger.info('erased suppression lifted by consent', { contactId: id });
    }
  }
  return toPublicContact(contact);
};

/**
 * Subscribe or unsubscribe one type.
 * Input: type id, status, source, evidence; the caller. Output: the contact.
 * 1. Load the type (404 when unknown).
 * 2. Change this type's status only (archived → 422 for subscribing; double opt-in → `pending`),
 *    with a `subscription` history entry.
 */
export const setContactSubscription = async (
  id: string,
  typeId: string,
  input: SubscriptionInput,
  actor: Actor,
  request: RequestInfo = {},
): Promise<PublicContact> => {
  const type = await subscriptionTypes.get(typeId);
  if (!type) throw new NotFoundError('Subscription type not found');
  const ctx = changeContext(actor, input.source, request);
  let before: ContactState | undefined;
  const { contact } = await contacts.change(id, (current) => {
    before = current;
    return setSubscription(current, type, input, ctx);
  });
  // Subscribing to a double opt-in type: pending until the confirmation link is used.
  await confirmNewlyPending(before, contact, new Map([[type.id, type]]));
  return toPublicContact(contact);
};

/** History newest first: history items ∪ the contact's outbox. */
export const contactHistory = async (id: string, limit: number, cursor?: string) => {
  const contact = await existing(id);
  return history.page(id, Object.values(contact.outbox), limit, cursor);
};
