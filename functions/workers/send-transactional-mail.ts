import * as z from '#shared/schema/z.ts';
import { clock } from '#shared/adapters/clock.ts';
import {
  SesOutcomeUnknown,
  SesRejected,
  SesRetryLater,
  SesSendingStopped,
} from '#shared/adapters/ses/client.ts';
import { languages } from '#shared/domain/i18n.ts';
import { logger } from '#shared/observability/logger.ts';
import { sendOwedConfirmations } from '#shared/use-cases/double-opt-in.ts';
import { mailMagicLink } from '#shared/use-cases/magic-link.ts';
import { NoSendSlot } from '#shared/use-cases/mail-once.ts';
import { handBack, sqsWorker } from '#shared/workers/sqs-worker.ts';

/**
 * One SQS message = one transactional mail owed (infra/queues.ts `mail`):
 * - `confirm`: a contact and the double opt-in types a batch import left pending (ids only);
 * - `magic`: the normalised address a preference link was asked for, and the language of the page.
 * `i` is the message's own id (every copy carries it): no mail goes out twice for one message.
 */
const MailMessage = z.discriminatedUnion('k', [
  z.object({
    k: z.literal('confirm'),
    i: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
    c: z.string().check(z.minLength(1), z.maxLength(64)),
    t: z.array(z.string().check(z.minLength(1), z.maxLength(64))).check(z.minLength(1), z.maxLength(100)),
  }),
  z.object({
    k: z.literal('magic'),
    i: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
    a: z.string().check(z.minLength(3), z.maxLength(320)),
    l: z.enum(languages),
  }),
]);

/** How long a mail waits when SES stopped taking mail (daily quota, account paused): 15 minutes. */
const stoppedDelaySeconds = 900;

/**
 * Waits are hand-backs, not failures: for the SES rate (no slot before the invocation ends), a
 * throttled call, SES not taking mail at all. A mail SES rejected for good, or whose answer was
 * lost, is not retried.
 */
export const handler = sqsWorker(
  'send-transactional-mail',
  MailMessage,
  async (message, record, context) => {
    const deadline = clock.now() + context.getRemainingTimeInMillis();
    try {
      if (message.k === 'confirm') await sendOwedConfirmations(message, record.messageId, deadline);
      else await mailMagicLink(message.i ?? record.messageId, message.a, message.l, deadline);
      return undefined;
    } catch (error) {
      if (error instanceof NoSendSlot) return handBack((error.retryAt - clock.now()) / 1000);
      if (error instanceof SesRetryLater) return handBack(5);
      if (error instanceof SesSendingStopped) {
        logger.warn('SES takes no mail; the transactional mail waits', { code: error.code });
        return handBack(stoppedDelaySeconds);
      }
      if (error instanceof SesRejected || error instanceof SesOutcomeUnknown) {
        // Rejected for good, or perhaps sent (the answer was lost): either way, never again.
        logger.warn('transactional mail not retried', { error: error.name, sesError: error.sesError });
        return undefined;
      }
      throw error;
    }
  },
  { queue: 'mail' },
);
