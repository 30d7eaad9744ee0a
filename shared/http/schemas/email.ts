import * as z from '#shared/schema/z.ts';
import { maxEmailLength, parseEmail } from '#shared/domain/email.ts';

/** Validated here (422 naming the field); stored trimmed with the domain lowercased. */
export const Email = z.string().check(
  // Generous before trimming; parseEmail enforces the 254 characters of the trimmed address.
  z.maxLength(maxEmailLength + 100),
  z.superRefine((value, ctx) => {
    const parsed = parseEmail(value);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.reason, input: value });
  }),
  z.describe(
    'An e-mail address: at most 254 characters, one @, a local part of at most 64 characters, a domain ' +
      'with a dot. Stored trimmed, with the domain lowercased and the local part as given; compared ' +
      'case-insensitively.',
  ),
);
