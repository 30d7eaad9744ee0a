/**
 * One transactional mail owed by a `mail`-queue message (a confirmation, a magic link), sent at the
 * account's SES rate, which it shares with the mailings, and at most once however often the message
 * is delivered.
 *
 * Input: the mail's key (the message's id and which mail of it), the invocation's deadline, the
 * send. Output: `sent`, or `already` when an earlier delivery sent it (or may have: its call's
 * answer was lost). Throws {@link NoSendSlot}, {@link SesRetryLater} or {@link SesSendingStopped}
 * when nothing was sent and the message should come back later.
 * 1. A slot of the rate (none before the deadline → NoSendSlot).
 * 2. Claim the mail (`sending`, before the SES call); claimed already → nothing.
 * 3. Send. SES accepted nothing → the claim is removed, so a later delivery sends. Rejected → kept
 *    (it would be rejected again). No answer → kept as `sending`: never sent again.
 * 4. Mark it `sent`.
 */
import { clock } from '#shared/adapters/clock.ts';
import * as mailLog from '#shared/adapters/dynamodb/mail-log.ts';
import { NoSendSlot, sendPaced } from '#shared/adapters/dynamodb/rate-limiter.ts';
import { SesRetryLater, SesSendingStopped, sesCallTimeoutMs } from '#shared/adapters/ses/client.ts';

/** Kept at the end of an invocation for the last writes. */
const reserveMs = 5_000;

export { NoSendSlot };

export const mailOnce = async (
  mailKey: string,
  deadline: number,
  send: () => Promise<unknown>,
): Promise<'sent' | 'already'> =>
  sendPaced(deadline - reserveMs - sesCallTimeoutMs, sesCallTimeoutMs, async () => {
    if (!(await mailLog.begin(mailKey))) return 'already';
    try {
      await send();
    } catch (error) {
      // SES accepted nothing: a later delivery may send it. Anything else keeps the claim.
      if (error instanceof SesRetryLater || error instanceof SesSendingStopped)
        await mailLog.release(mailKey);
      throw error;
    }
    await mailLog.sent(mailKey);
    return 'sent';
  });

/** The invocation's deadline on the sender's clock, from a Lambda context's remaining time. */
export const deadlineIn = (remainingMs: number): number => clock.now() + remainingMs;
