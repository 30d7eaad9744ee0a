import * as z from 'zod/mini';
import { languages } from '#shared/domain/i18n.ts';
import { sendOwedConfirmations } from '#shared/use-cases/double-opt-in.ts';
import { mailMagicLink } from '#shared/use-cases/magic-link.ts';
import { sqsWorker } from '#shared/workers/sqs-worker.ts';

/**
 * One SQS message = one transactional mail owed (infra/queues.ts `mail`):
 * - `confirm`: a contact and the double opt-in types a batch import left pending (ids only);
 * - `magic`: the normalised address a preference link was asked for, and the language of the page.
 */
const MailMessage = z.discriminatedUnion('k', [
  z.object({
    k: z.literal('confirm'),
    c: z.string().check(z.minLength(1), z.maxLength(64)),
    t: z.array(z.string().check(z.minLength(1), z.maxLength(64))).check(z.minLength(1), z.maxLength(100)),
  }),
  z.object({
    k: z.literal('magic'),
    a: z.string().check(z.minLength(3), z.maxLength(320)),
    l: z.enum(languages),
  }),
]);

export const handler = sqsWorker('send-transactional-mail', MailMessage, (message, _record, context) => {
  const remainingMs = () => context.getRemainingTimeInMillis();
  return message.k === 'confirm'
    ? sendOwedConfirmations(message, remainingMs)
    : mailMagicLink(message.a, message.l, remainingMs);
});
