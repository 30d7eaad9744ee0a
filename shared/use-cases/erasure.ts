import * as audit from '#shared/adapters/dynamodb/audit.ts';
import * as contacts from '#shared/adapters/dynamodb/contacts.ts';
import { contactKeys } from '#shared/adapters/dynamodb/contact-keys.ts';
import { suppressions } from '#shared/adapters/dynamodb/suppressions.ts';
import type { Actor } from '#shared/domain/api-key.ts';
import { NotFoundError } from '#shared/domain/errors.ts';
import { logger } from '#shared/observability/logger.ts';

/**
 * Erase a contact (GDPR Art. 17): remove every item about the person and keep only a keyed
 * fingerprint of the address in the suppression list, so a later import of the address creates a new
 * contact that is still never mailed until the person grants consent again.
 * Input: the contact id; the admin. Output: `{id, erased: true, at}`; 404 when unknown or already erased.
 * Every step can be retried, and they are ordered so a crash anywhere leaves the address unmailable
 * and the contact item (the handle for a retry) in place until everything else is gone:
 * 1. Read the contact.
 * 2. Write the suppression entry FIRST: reason `erased`, source `erasure`, keyed by the fingerprint.
 *    An entry already there (a complaint, a hard bounce) is kept: it blocks as well, and consent
 *    must not lift it.
 * 3. Record the erasure in the admin audit log: the contact id, never the address.
 * 4. Give back the address's claim, and any other claim it holds from an address change (if this
 *    contact still holds them): a re-import is a new contact, and no address is left in a claim key.
 * 5. Delete the history and membership items (tombstones included), then the contact item last.
 * 6. Look once more and delete what a write still in flight when the erasure began put back.
 */
export const eraseContact = async (
  id: string,
  actor: Actor,
): Promise<{ id: string; erased: true; at: string }> => {
  const contact = await contacts.get(id);
  if (!contact) throw new NotFoundError('Contact not found');
  const at = new Date().toISOString();

  const fingerprint = await suppressions.fingerprint(contact.emailKey);
  await suppressions.put(
    { id: fingerprint, reason: 'erased', at, source: 'erasure', actor: actor.keyId },
    { keepExisting: true },
  );
  await audit.record(actor, { action: 'contact.erased', details: { contactId: id } }, at);
  await contacts.releaseClaim(contact.emailKey, id);
  await contacts.releaseOtherClaims(contact, true);

  const profile = contactKeys.contact(id);
  const keys = await contacts.partitionKeys(id);
  await contacts.deleteKeys(keys.filter((k) => k.sk !== profile.sk));
  await contacts.deleteKeys([profile]);
  await contacts.deleteKeys(await contacts.partitionKeys(id));

  logger.info('contact erased', { contactId: id });
  return { id, erased: true, at };
};
