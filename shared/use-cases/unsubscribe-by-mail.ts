/**
 * Unsubscribe by mail: the `mailto:` of every List-Unsubscribe header, received by SES (a receipt
 * rule stores the raw message in the inbound bucket, then invokes the handler with its receipt
 * event) or, locally, by the local stack's SMTP server doing the same.
 *
 * Input: one record of SES's receipt event (message id, envelope, verdicts). Output: what came of
 * it — `unsubscribed`, `unchanged` (unsubscribed already), or `ignored` with a reason code.
 * 1. Read the start of the raw message from the bucket and parse its headers (a real MIME parser);
 *    a message that is missing, malformed or has oversized headers changes nothing.
 * 2. Classify it (domain/inbound-mail.ts): loops, bounces and auto-replies are ignored; so is a
 *    message without a token in its subject. The From address is never used to find anyone.
 * 3. Verify the candidate tokens: the first signed for `unsubscribe` acts; any other token (another
 *    purpose, a bad signature) changes nothing.
 * 4. A message already handled (same Message-ID and token) changes nothing again.
 * 5. Unsubscribe exactly as one-click does (the token's mailing type only), with source `mailto`
 *    and the message id and SES's SPF/DKIM/DMARC verdicts as evidence. An erased contact is no
 *    error: nobody is mailed.
 * 6. Remember the message (after the change: a crash in between repeats an idempotent change).
 *
 * Bad input is never an error: it is logged (codes and ids, never an address, a subject or a
 * token) and dropped, so SES does not retry it. Only a failing dependency (S3, DynamoDB) throws, and
 * the asynchronous invocation is retried.
 */
import * as z from '#shared/schema/z.ts';
import { inboundMessageKey, inboundMessages } from '#shared/adapters/dynamodb/inbound-messages.ts';
import { readHeaders } from '#shared/adapters/mail/mime-headers.ts';
import { readHead } from '#shared/adapters/s3/client.ts';
import { signingKeys } from '#shared/adapters/secrets/signing-keys.ts';
import { loadConfig, mailboxAddress } from '#shared/config/env.ts';
import {
  classifyInbound,
  type IgnoreReason,
  mailEvidence,
  SesReceiptRecord,
} from '#shared/domain/inbound-mail.ts';
import { type TokenFailureCode, type TokenPayloadFor, verifyToken } from '#shared/domain/tokens.ts';
import { logger } from '#shared/observability/logger.ts';
import { oneClickUnsubscribe } from './one-click.ts';

/** Bytes read from the start of a raw message: room for the largest header block parsed, and more. */
const headBytes = 512 * 1024;

let loaded: ReturnType<typeof load> | undefined;
const load = () =>
  loadConfig({
    INBOUND_MAIL_PREFIX: z._default(z.string().check(z.maxLength(100)), ''),
    UNSUBSCRIBE_ADDRESS: mailboxAddress,
  });
/** The handler's configuration, validated once; the handler calls it at cold start. */
export const inboundMailConfig = () => {
  loaded ??= load();
  return loaded;
};

export type MailOutcome =
  | { outcome: 'unsubscribed' | 'unchanged'; contactId: string; typeId?: string }
  | { outcome: 'ignored'; reason: IgnoreReason; detail?: TokenFailureCode };

const ignored = (reason: IgnoreReason, detail?: TokenFailureCode): MailOutcome => ({
  outcome: 'ignored',
  reason,
  ...(detail ? { detail } : {}),
});

/** The first candidate signed for unsubscribing, or why none is. */
const verifyCandidates = async (
  tokens: readonly string[],
): Promise<{ token: string; payload: TokenPayloadFor<'unsubscribe'> } | { code: TokenFailureCode }> => {
  const keys = await signingKeys();
  let code: TokenFailureCode = 'malformed';
  for (const token of tokens) {
    const result = verifyToken(keys, token, 'unsubscribe');
    if (result.ok) return { token, payload: result.payload };
    code = result.code;
  }
  return { code };
};

/** Handles one received message; see the module comment for the steps. */
export const unsubscribeByMail = async (record: SesReceiptRecord): Promise<MailOutcome> => {
  const config = inboundMailConfig();
  const { mail } = record.ses;

  // 1. The message as stored by the receipt rule.
  const raw = await readHead('inboundMail', `${config.INBOUND_MAIL_PREFIX}${mail.messageId}`, headBytes);
  if (!raw) return ignored('not_stored');
  const reading = await readHeaders(raw.bytes, raw.size);
  if (!reading.ok) return ignored(reading.reason);

  // 2. What kind of message it is.
  const verdict = classifyInbound(reading.headers, { source: mail.source }, config.UNSUBSCRIBE_ADDRESS);
  if (!verdict.act) return ignored(verdict.reason);

  // 3. The token, signed for this and nothing else.
  const verified = await verifyCandidates(verdict.tokens);
  if ('code' in verified) return ignored('invalid_token', verified.code);
  const { token, payload } = verified;

  // 4. Once per message.
  const key = inboundMessageKey(reading.headers.messageId ?? `ses:${mail.messageId}`, token);
  if (await inboundMessages.get(key)) return ignored('duplicate');

  // 5. As one-click does, through the mailto channel.
  const { contact, type, changed } = await oneClickUnsubscribe(
    payload,
    { evidence: { mail: mailEvidence(record) } },
    'mailto',
  );
  if (!contact) return ignored('erased_contact');

  // 6. Done: a repeat of this message changes nothing.
  await inboundMessages.remember(key, {
    sesMessageId: mail.messageId,
    contactId: contact.id,
    changed,
    at: new Date().toISOString(),
  });
  return {
    outcome: changed ? 'unsubscribed' : 'unchanged',
    contactId: contact.id,
    ...(type ? { typeId: type.id } : {}),
  };
};

/**
 * Handles every record of one receipt event. A record that does not parse is logged and dropped;
 * an error of a dependency is thrown after the other records were handled, so the invocation is
 * retried (each record is idempotent).
 */
export const handleReceiptEvent = async (records: readonly unknown[]): Promise<MailOutcome[]> => {
  const outcomes: MailOutcome[] = [];
  let failure: unknown;
  for (const raw of records) {
    const parsed = SesReceiptRecord.safeParse(raw);
    if (!parsed.success) {
      const where = parsed.error.issues
        .slice(0, 3)
        .map((i) => i.path.join('.') || '(root)')
        .join(', ');
      logger.warn('inbound mail: not an SES receipt record; dropped', { fields: where });
      outcomes.push(ignored('malformed'));
      continue;
    }
    const messageId = parsed.data.ses.mail.messageId;
    try {
      const result = await unsubscribeByMail(parsed.data);
      logger.info('inbound mail handled', { messageId, ...result });
      outcomes.push(result);
    } catch (error) {
      failure ??= error;
      logger.error('inbound mail: a dependency failed; the invocation will be retried', {
        messageId,
        error: (error as Error)?.name,
        detail: (error as Error)?.message,
      });
    }
  }
  if (failure) throw failure;
  return outcomes;
};
