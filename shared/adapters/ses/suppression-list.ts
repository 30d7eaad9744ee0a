import {
  DeleteSuppressedDestinationCommand,
  NotFoundException,
  PutSuppressedDestinationCommand,
} from '@aws-sdk/client-sesv2';
import type { SesSuppressionReason } from '#shared/domain/ses-suppression.ts';
import { ses } from './client.ts';

/**
 * SES's account-level suppression list (this account, this region): SES accepts a message to a
 * listed address and does not send it. Locally the same calls go to the guard in front of the local
 * SES (infra/local/ses-suppression-list.ts).
 */
/** Adds the address, or replaces its reason; idempotent. */
export async function put(address: string, reason: SesSuppressionReason): Promise<void> {
  await ses.send(new PutSuppressedDestinationCommand({ EmailAddress: address, Reason: reason }));
}

/** Removes the address; false when it was not listed. */
export async function remove(address: string): Promise<boolean> {
  try {
    await ses.send(new DeleteSuppressedDestinationCommand({ EmailAddress: address }));
    return true;
  } catch (error) {
    if (error instanceof NotFoundException) return false;
    throw error;
  }
}
