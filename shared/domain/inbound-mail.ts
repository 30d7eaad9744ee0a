/**
 * Mail to the unsubscribe mailbox: what SES tells the handler about it, and what it means. Pure.
 *
 * Every marketing mail's List-Unsubscribe carries `mailto:<unsubscribe address>?subject=unsubscribe-<token>`.
 * A mail client that uses it sends a message whose subject holds the signed token; the token alone
 * says who and what (contact, mailing, type), exactly as the one-click URL does. So:
 * - only a valid `unsubscribe` token acts; the From address is never trusted (anyone can forge it),
 *   so a message without a token changes nothing, whoever it claims to be from;
 * - automatic mail never acts: auto-replies (vacation notices answering whatever reached them),
 *   bounces and delivery reports, and loops — mail that is not a person's act;
 * - SES's SPF, DKIM and DMARC verdicts are kept as evidence, not required: the token is the
 *   credential, as it is for the one-click POST, which carries no sender authentication at all.
 *
 * Nothing here returns or logs an address; reasons are fixed codes.
 */
import * as z from '#shared/schema/z.ts';
import type { MailEvidence } from './contact.ts';

/** One of SES's verdicts (`PASS`, `FAIL`, `GRAY`, `PROCESSING_FAILED`; SES may add others). */
const Verdict = z.object({ status: z.string().check(z.minLength(1), z.maxLength(40)) });

/**
 * SES's ids are letters and digits; the handler reads the raw message at `<prefix><messageId>`, so
 * nothing that could walk elsewhere in the bucket is accepted.
 */
const SesMessageId = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,128}$/, 'not an SES message id'));

/**
 * One record of SES's receipt event for a Lambda action (`Records[].ses`): the mail (no body: the
 * receipt rule's S3 action stored it) and the receipt with SES's verdicts. Only what the handler reads
 * is required; SES's other fields pass.
 */
export const SesReceiptRecord = z.object({
  eventSource: z.literal('aws:ses'),
  ses: z.object({
    mail: z.object({
      timestamp: z.string(),
      messageId: SesMessageId,
      /** The envelope sender (MAIL FROM); empty for a bounce. */
      source: z.optional(z.string().check(z.maxLength(1000))),
      destination: z.optional(z.array(z.string().check(z.maxLength(1000))).check(z.maxLength(100))),
    }),
    receipt: z.object({
      recipients: z.array(z.string().check(z.maxLength(1000))).check(z.maxLength(100)),
      spfVerdict: z.optional(Verdict),
      dkimVerdict: z.optional(Verdict),
      dmarcVerdict: z.optional(Verdict),
      spamVerdict: z.optional(Verdict),
      virusVerdict: z.optional(Verdict),
    }),
  }),
});
export type SesReceiptRecord = z.output<typeof SesReceiptRecord>;

/** The event: records parsed one by one, so one bad record never hides the others. */
export const SesReceiptEvent = z.object({
  Records: z.array(z.unknown()).check(z.minLength(1), z.maxLength(100)),
});

/** The message id and verdicts of a received message, as a history entry's evidence keeps them. */
export const mailEvidence = (record: SesReceiptRecord): MailEvidence => {
  const { mail, receipt } = record.ses;
  return {
    messageId: mail.messageId,
    ...(receipt.spfVerdict ? { spf: receipt.spfVerdict.status } : {}),
    ...(receipt.dkimVerdict ? { dkim: receipt.dkimVerdict.status } : {}),
    ...(receipt.dmarcVerdict ? { dmarc: receipt.dmarcVerdict.status } : {}),
  };
};

/**
 * The headers of a received message that decide what it is, as a MIME parser read them
 * (shared/adapters/mail/mime-headers.ts). Addresses are lower-cased; values are decoded and unfolded.
 */
export interface InboundHeaders {
  subject?: string;
  /** From addresses. */
  from: string[];
  /** `''` for the null sender `<>` (what bounces use); undefined when there is no Return-Path. */
  returnPath?: string;
  /** The media type of the message, lower-cased (`multipart/report`, …). */
  contentType?: string;
  /** Every header by lower-cased name, values unfolded, in order. */
  fields: ReadonlyMap<string, readonly string[]>;
  /** The Message-ID header, when there is one. */
  messageId?: string;
}

/** Why a message changes nothing. Codes only: they go to the log. */
export const ignoreReasons = [
  'not_stored',
  'headers_too_large',
  'malformed',
  'loop',
  'bounce',
  'auto_reply',
  'subject_too_long',
  'no_token',
  'invalid_token',
  'duplicate',
  'erased_contact',
] as const;
export type IgnoreReason = (typeof ignoreReasons)[number];

/** Act on the first of `tokens` that verifies, or change nothing, for a reason. */
export type InboundVerdict = { act: true; tokens: string[] } | { act: false; reason: IgnoreReason };

/** The subject prefix of the List-Unsubscribe mailto (shared/use-cases/sending.ts writes it). */
export const subjectPrefix = 'unsubscribe-';

/**
 * Longest subject searched for a token: a token (at most 1024 characters) with room for what mail
 * clients put around it (`Re: `, `AW: `, a trailing note). A longer one is refused whole, so a huge
 * subject costs nothing.
 */
export const maxSubjectLength = 4096;

/** More `Received` lines than this: the message is going round in circles (mail servers stop at 25–100). */
export const maxHops = 50;

/** RFC 3834 and the de-facto headers mail systems put on what they generate by themselves. */
const autoReplyHeaders = ['x-autoreply', 'x-autorespond', 'x-auto-reply', 'x-autogenerated'];
/** RFC 3834 §3.1.8: do not answer, or act on, mail marked bulk, junk or list. */
const automaticPrecedence = new Set(['bulk', 'junk', 'list', 'auto_reply']);
/** Local parts that send delivery reports. */
const reportSenders = new Set(['mailer-daemon', 'postmaster']);

const first = (headers: InboundHeaders, name: string): string | undefined => headers.fields.get(name)?.[0];
const localPart = (address: string) => address.slice(0, address.lastIndexOf('@')).toLowerCase();
const tokenShape = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}/;

/**
 * The token in a subject: what follows `unsubscribe-` in the shape of a token. Mail clients may fold
 * or encode a long subject (the parser joins encoded words again); whitespace a client put inside
 * the token is dropped, since a token never contains any. Each occurrence is tried (a reply may
 * read `Re: unsubscribe-unsubscribe-…`). The signature is checked later: this only finds candidates.
 */
export const tokensInSubject = (subject: string): string[] => {
  const found: string[] = [];
  const lower = subject.toLowerCase();
  for (let at = lower.indexOf(subjectPrefix); at !== -1 && found.length < 5; ) {
    const rest = subject
      .slice(at + subjectPrefix.length, at + subjectPrefix.length + 1100)
      .replace(/\s+/g, '');
    const match = tokenShape.exec(rest);
    if (match) found.push(match[0]);
    at = lower.indexOf(subjectPrefix, at + 1);
  }
  return found;
};

/**
 * What a received message is, from its headers and SES's envelope; first match wins:
 * 1. a loop: it carries our own X-Loop mark, claims to come from the unsubscribe mailbox itself, or
 *    passed more than {@link maxHops} servers;
 * 2. a bounce or delivery report: null envelope sender or Return-Path, from MAILER-DAEMON or
 *    postmaster, a `multipart/report` (DSN, read receipt), or `X-Failed-Recipients`;
 * 3. an auto-reply: `Auto-Submitted` other than `no`, `X-Autoreply` and its kin, or `Precedence`
 *    bulk, junk, list or auto_reply;
 * 4. a subject longer than {@link maxSubjectLength}: refused unread;
 * 5. no token-shaped text after `unsubscribe-` in the subject;
 * 6. otherwise: act, on the first candidate that the caller finds signed for unsubscribing.
 */
export const classifyInbound = (
  headers: InboundHeaders,
  envelope: { source?: string | undefined },
  unsubscribeAddress: string,
): InboundVerdict => {
  const own = unsubscribeAddress.toLowerCase();
  const loopMarks = headers.fields.get('x-loop') ?? [];
  if (
    loopMarks.some((mark) => mark.toLowerCase().includes(own)) ||
    headers.from.includes(own) ||
    headers.returnPath === own ||
    (headers.fields.get('received')?.length ?? 0) > maxHops
  )
    return { act: false, reason: 'loop' };

  if (
    envelope.source === '' ||
    headers.returnPath === '' ||
    headers.from.some((address) => reportSenders.has(localPart(address))) ||
    headers.contentType === 'multipart/report' ||
    headers.fields.has('x-failed-recipients')
  )
    return { act: false, reason: 'bounce' };

  const autoSubmitted = first(headers, 'auto-submitted')?.trim().toLowerCase();
  const precedence = first(headers, 'precedence')?.trim().toLowerCase();
  if (
    (autoSubmitted !== undefined && autoSubmitted !== 'no') ||
    autoReplyHeaders.some((name) => headers.fields.has(name)) ||
    (precedence !== undefined && automaticPrecedence.has(precedence))
  )
    return { act: false, reason: 'auto_reply' };

  const subject = headers.subject ?? '';
  if (subject.length > maxSubjectLength) return { act: false, reason: 'subject_too_long' };
  const tokens = tokensInSubject(subject);
  return tokens.length ? { act: true, tokens } : { act: false, reason: 'no_token' };
};
