/**
 * E-mail addresses: validation and normalisation, pure.
 *
 * Normalising keeps what the person typed where it may matter (the local part: some servers are
 * case-sensitive there, so we send to it as given) and lowercases what never matters (the domain).
 * Uniqueness and comparison use {@link EmailAddress.key}, the whole address lowercased, so
 * `Ada@Example.com` and `ada@example.COM` are one person.
 *
 * The check is a practical subset of RFC 5321/5322, not all of it: dot-atom local parts (no quoted
 * strings, no comments), a domain name of at least two labels (no address literals). What passes
 * also passes the eligibility rule's cheaper `isValidEmail`, so a stored address is never excluded
 * there as `invalid_email`.
 */

/** RFC 5321: a path of 256 octets including the angle brackets leaves 254 for the address. */
export const maxEmailLength = 254;
export const maxLocalPartLength = 64;
const maxLabelLength = 63;

export interface EmailAddress {
  /** Trimmed, domain lowercased, local part as given: what we store and send to. */
  readonly email: string;
  /** The whole address lowercased: what uniqueness, claims and fingerprints are keyed by. */
  readonly key: string;
}

export type EmailParseResult =
  | { readonly ok: true; readonly address: EmailAddress }
  | { readonly ok: false; readonly reason: string };

// RFC 5322 atext, plus any non-ASCII character (RFC 6531 internationalised local parts).
const atext = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\uFFFF-]+$/;
// One domain label: letters, digits and inner hyphens; non-ASCII for internationalised (U-label) names.
const label = /^[A-Za-z0-9\u0080-\uFFFF](?:[A-Za-z0-9\u0080-\uFFFF-]*[A-Za-z0-9\u0080-\uFFFF])?$/;

/** Whitespace (including NBSP and line/paragraph separators), C0/C1 controls, DEL. */
const hasSpaceOrControl = (value: string): boolean => {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c <= 0x20 || (c >= 0x7f && c <= 0xa0) || c === 0x2028 || c === 0x2029 || c === 0xfeff) return true;
  }
  return false;
};

const invalid = (reason: string): EmailParseResult => ({ ok: false, reason });

/**
 * Validates and normalises an address. Surrounding whitespace is trimmed first (a pasted address
 * often carries some); whitespace inside is an error.
 */
export const parseEmail = (input: string): EmailParseResult => {
  const trimmed = input.trim();
  if (trimmed.length === 0) return invalid('The address is empty');
  if (trimmed.length > maxEmailLength)
    return invalid(`The address is longer than ${maxEmailLength} characters`);
  if (hasSpaceOrControl(trimmed)) return invalid('The address contains spaces or control characters');
  const at = trimmed.indexOf('@');
  if (at === -1 || trimmed.indexOf('@', at + 1) !== -1)
    return invalid('The address must contain exactly one @');
  const local = trimmed.slice(0, at);
  const domain = trimmed.slice(at + 1);
  if (local.length === 0) return invalid('The part before the @ is empty');
  if (local.length > maxLocalPartLength)
    return invalid(`The part before the @ is longer than ${maxLocalPartLength} characters`);
  if (local.split('.').some((part) => !atext.test(part)))
    return invalid('The part before the @ has a character or dot that is not allowed there');
  const labels = domain.split('.');
  if (labels.length < 2) return invalid('The domain must contain a dot');
  if (labels.some((l) => l.length > maxLabelLength || !label.test(l)))
    return invalid('The domain is not a valid domain name');
  const email = `${local}@${domain.toLowerCase()}`;
  return { ok: true, address: { email, key: email.toLowerCase() } };
};

/** True when {@link parseEmail} accepts the address. */
export const isAcceptableEmail = (input: string): boolean => parseEmail(input).ok;

/**
 * The comparison key of an address, or undefined when it is not valid: the whole address, trimmed
 * and lowercased.
 */
export const emailKey = (input: string): string | undefined => {
  const parsed = parseEmail(input);
  return parsed.ok ? parsed.address.key : undefined;
};
