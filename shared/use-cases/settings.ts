import * as audit from '#shared/adapters/dynamodb/audit.ts';
import { settings } from '#shared/adapters/dynamodb/settings.ts';
import type { Actor } from '#shared/domain/api-key.ts';

export const getSettings = async () => ({ privacy: await settings.getPrivacy() });

/**
 * Switch the e-marketing privacy filter.
 * 1. Write the new value with actor and time. 2. Record before/after in the audit log.
 * Returns the settings as they now are.
 */
export const setPrivacy = async (enabled: boolean, actor: Actor) => {
  const at = new Date().toISOString();
  const { before, after } = await settings.setPrivacy(enabled, actor.keyId, at);
  await audit.record(
    actor,
    { action: 'settings.privacy', details: { from: before.enabled, to: after.enabled } },
    at,
  );
  return { privacy: after };
};
