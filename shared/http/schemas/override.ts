/**
 * The consent override of a mailing, as its create and edit bodies take it (mailing-input.ts), and
 * on its own: the console's recipients step changes nothing else of a draft.
 */
import * as z from '#shared/schema/z.ts';

export const overrideFields = {
  overrideConsent: z.optional(
    z.boolean().check(z.describe('Send regardless of consent and subscriptions (admin key needed to send)')),
  ),
  overrideReason: z.optional(
    z
      .string()
      .check(
        z.trim(),
        z.minLength(1),
        z.maxLength(500),
        z.describe('Required when overrideConsent is true; audited'),
      ),
  ),
};

/** A change of the override alone: the fields of `UpdateMailing` that say it, and nothing else. */
export const OverrideChange = z.strictObject(overrideFields);
